"""Build tiny but real Argos Translate packages for tests, without downloading anything.

A package is what Argos ships: a zip holding one folder with ``metadata.json``,
a SentencePiece model and a CTranslate2 Transformer in ``model/``. The
SentencePiece model is trained here on generated sentences; the Transformer is
written through ``ctranslate2.specs`` with one of two kinds of weights:

* ``copy``: hand-set weights that make the decoder copy the source pieces, so
  output = input. A piece mapping turns it into a deterministic mangler (digits
  shifted, letters lower-cased), which is what protected tokens must survive or
  be caught by.
* ``random``: small random weights; the output is garbage, as from a model
  that ignores what it was given.

How the copy model works (one layer, one head, pre-norm): every embedding is a
one-hot token vector plus a one-hot learned position vector in separate
dimensions (``d_model = vocab + positions``). Self-attention and feed-forward
outputs are zero, layer norms are set to pass these two-hot vectors through
unchanged, and the decoder's cross-attention matches the query's position with
the key's position, so decoder step *t* reads source piece *t* and adds it,
scaled up, to the residual; the output projection reads the token dimensions.
The source gets ``</s>`` appended (``add_source_eos``), so copying position *n*
ends the sentence. An extra "end" dimension, raised only when ``</s>`` is
copied, lets ``</s>`` win there and nowhere else (see :func:`copy_model`).
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "de": "German",
    "fr": "French",
}

_WORDS = {
    "en": [
        "the",
        "policy",
        "brief",
        "report",
        "market",
        "energy",
        "price",
        "water",
        "health",
        "city",
        "school",
        "people",
        "government",
        "plan",
        "data",
        "budget",
        "tax",
        "rural",
        "urban",
        "region",
        "growth",
        "share",
        "rise",
        "fall",
        "cost",
        "year",
        "public",
        "private",
        "new",
        "old",
        "high",
        "low",
    ],
    "es": [
        "la",
        "política",
        "informe",
        "mercado",
        "energía",
        "precio",
        "agua",
        "salud",
        "ciudad",
        "escuela",
        "gente",
        "gobierno",
        "plan",
        "datos",
        "presupuesto",
        "impuesto",
        "rural",
        "urbano",
        "región",
        "crecimiento",
        "año",
        "público",
        "nuevo",
    ],
    "pt": [
        "a",
        "política",
        "relatório",
        "mercado",
        "energia",
        "preço",
        "água",
        "saúde",
        "cidade",
        "escola",
        "povo",
        "governo",
        "plano",
        "dados",
        "orçamento",
        "imposto",
        "rural",
        "urbano",
        "região",
        "crescimento",
        "ano",
        "público",
        "novo",
    ],
}
#: every character a test sentence uses, so none of them is unknown to the tokenizer
_ALPHABET = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 "
    ".,;:!?'\"()-%$€/@ áéíóúñçãõâêôü ZX0QZ zx1qz"
)


def sentences(count: int = 300, seed: int = 0) -> list[str]:
    """English/Spanish/Portuguese-looking sentences with numbers and protected-item tokens."""
    rng = random.Random(seed)
    lines = []
    for i in range(count):
        words = _WORDS[("en", "es", "pt")[i % 3]]
        text = " ".join(rng.choice(words) for _ in range(rng.randint(4, 11)))
        lines.append(f"{text.capitalize()} ZX{rng.randint(0, 20)}QZ {rng.randint(0, 2025)}.")
    return lines + [_ALPHABET]


def train_sentencepiece(
    path: Path, lines: Iterable[str], vocab_size: int = 160, symbols: Iterable[str] = ()
) -> list[str]:
    """Train a SentencePiece model into ``path``; returns its vocabulary (id order).

    Digits are split into single pieces, as in real Argos models, so a digit
    mapping can change a number inside a token.
    """
    import sentencepiece

    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        split_digits=True,
        user_defined_symbols=list(symbols) or None,
        minloglevel=2,
    )
    path.write_bytes(model.getvalue())
    processor = sentencepiece.SentencePieceProcessor(model_file=str(path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


# ---------------------------------------------------------------- piece mappings for the copy model


def shift_digits(piece: str) -> str:
    """'7' → '8', '9' → '0': a model that gets numbers wrong."""
    return "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in piece)


def lowercase(piece: str) -> str:
    """A model that lower-cases what it copies."""
    return piece.lower()


# ---------------------------------------------------------------- model weights


def _linear(layer, weight: np.ndarray) -> None:
    """Set a linear layer's weight and a zero bias."""
    layer.weight = weight.astype(np.float32)
    layer.bias = np.zeros(weight.shape[0], np.float32)


def _zero_sublayers(layer, d: int, ffn: int = 4) -> None:
    """Self-attention and feed-forward that add nothing to the residual stream."""
    _linear(layer.self_attention.linear[0], np.zeros((3 * d, d)))
    _linear(layer.self_attention.linear[1], np.zeros((d, d)))
    _linear(layer.ffn.linear_0, np.zeros((ffn, d)))
    _linear(layer.ffn.linear_1, np.zeros((d, ffn)))


def _two_hot_passthrough(norm, d: int) -> None:
    """Layer norm that returns any vector with exactly two ones (token + position) unchanged."""
    mean = 2 / d
    std = np.sqrt(mean - mean**2)
    norm.gamma = np.full(d, std, np.float32)
    norm.beta = np.full(d, mean, np.float32)


def copy_model(
    vocab: list[str],
    mapping: Callable[[str], str] | None = None,
    max_positions: int = 64,
    offset: int = 0,
):
    """A TransformerSpec whose decoder copies source pieces, each passed through ``mapping``.

    ``offset`` = 1 makes decoder step *t* read source piece *t-1*: the model
    then expects one forced target-prefix token before the copy.
    """
    from ctranslate2.specs import transformer_spec

    size, index = len(vocab), {piece: i for i, piece in enumerate(vocab)}
    d = size + max_positions + 1  # token one-hots, position one-hots, an "end of source" flag
    first_position, eos, end_flag = size, index["</s>"], d - 1
    spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=1)
    tokens = np.zeros((size, d))
    tokens[np.arange(size), np.arange(size)] = 1
    positions = np.zeros((max_positions, d))
    positions[np.arange(max_positions), first_position + np.arange(max_positions)] = 1
    for part in (spec.encoder, spec.decoder):
        part.scale_embeddings = False
        part.position_encodings.encodings = positions.astype(np.float32)
    spec.encoder.embeddings[0].weight = tokens.astype(np.float32)
    spec.decoder.embeddings.weight = tokens.astype(np.float32)

    encoder_layer, decoder_layer = spec.encoder.layer[0], spec.decoder.layer[0]
    for layer in (encoder_layer, decoder_layer):
        _zero_sublayers(layer, d)
        _two_hot_passthrough(layer.self_attention.layer_norm, d)
        _two_hot_passthrough(layer.ffn.layer_norm, d)
    _two_hot_passthrough(spec.encoder.layer_norm, d)
    _two_hot_passthrough(decoder_layer.attention.layer_norm, d)

    # Cross-attention: the query of decoder position t matches the key of source
    # position t - offset; with half that strength every query also matches the
    # source's </s>, so steps past the source end keep reading </s>.
    sharp = 30 * np.sqrt(d)
    query = np.zeros((d, d))
    for t in range(offset, max_positions):
        query[first_position + t - offset, first_position + t] = sharp
    query[end_flag, :end_flag] = sharp / 4  # decoder inputs are two-hot: sums to sharp / 2
    keys_values = np.zeros((2 * d, d))
    keys_values[first_position:end_flag, first_position:end_flag] = np.eye(max_positions)
    keys_values[end_flag, eos] = 1
    for i, piece in enumerate(vocab):  # values: the (mapped) source piece
        produced = index.get(mapping(piece), i) if mapping else i
        keys_values[d + produced, i] = 1
    keys_values[d + end_flag, eos] = 1  # copying </s> also raises the end flag
    out = np.zeros((d, d))
    out[:size, :size] = 8 * np.eye(size)  # outweighs the decoder input
    out[end_flag, end_flag] = 8
    attention = decoder_layer.attention
    _linear(attention.linear[0], query)
    _linear(attention.linear[1], keys_values)
    _linear(attention.linear[2], out)

    # Output: the token one-hots, scaled. </s> is held far down unless the end
    # flag is up, so no beam ends early (CTranslate2 stops after beam_size
    # finished hypotheses, which would otherwise be truncated copies).
    spec.decoder.layer_norm.gamma = np.ones(d, np.float32)
    spec.decoder.layer_norm.beta = np.zeros(d, np.float32)
    projection = np.zeros((size, d))
    projection[:, :size] = 3 * np.eye(size)
    projection[eos, end_flag] = 20
    _linear(spec.decoder.projection, projection)
    spec.decoder.projection.bias[eos] = -150
    spec.config.add_source_eos = True
    return spec


def random_model(vocab: list[str], d_model: int = 32, seed: int = 0):
    """A TransformerSpec with small random weights and sinusoidal positions: garbage out."""
    from ctranslate2.specs import transformer_spec

    rng, d, ffn = np.random.default_rng(seed), d_model, 2 * d_model
    spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=2)

    def weights(*shape):
        return rng.normal(0, 0.5, shape).astype(np.float32)

    def norm(layer_norm):
        layer_norm.gamma, layer_norm.beta = np.ones(d, np.float32), np.zeros(d, np.float32)

    spec.encoder.embeddings[0].weight = weights(len(vocab), d)
    spec.decoder.embeddings.weight = weights(len(vocab), d)
    for layer in (spec.encoder.layer[0], spec.decoder.layer[0]):
        _linear(layer.self_attention.linear[0], weights(3 * d, d))
        _linear(layer.self_attention.linear[1], weights(d, d))
        _linear(layer.ffn.linear_0, weights(ffn, d))
        _linear(layer.ffn.linear_1, weights(d, ffn))
        norm(layer.self_attention.layer_norm)
        norm(layer.ffn.layer_norm)
    attention = spec.decoder.layer[0].attention
    _linear(attention.linear[0], weights(d, d))
    _linear(attention.linear[1], weights(2 * d, d))
    _linear(attention.linear[2], weights(d, d))
    norm(attention.layer_norm)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    _linear(spec.decoder.projection, weights(len(vocab), d))
    return spec


# ---------------------------------------------------------------- packages


def package_folder(from_code: str, to_code: str, version: str = "1.0") -> str:
    """Folder (and file) name Argos uses: 'translate-en_es-1_0'."""
    return f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"


def build_package(
    dest: Path,
    from_code: str = "en",
    to_code: str = "es",
    kind: str = "copy",
    mapping: Callable[[str], str] | None = None,
    version: str = "1.0",
    target_prefix: str = "",
    max_positions: int = 64,
    seed: int = 0,
) -> Path:
    """Write ``translate-{from}_{to}-{version}.argosmodel`` into ``dest`` and return its path.

    ``kind`` is "copy" (optionally with a piece ``mapping``) or "random".
    With a ``target_prefix`` the copy model expects that token forced first.
    """
    name = package_folder(from_code, to_code, version)
    root = Path(dest) / name
    (root / "model").mkdir(parents=True, exist_ok=True)
    symbols = [target_prefix] if target_prefix else []
    vocab = train_sentencepiece(root / "sentencepiece.model", sentences(seed=seed), symbols=symbols)
    if kind == "copy":
        spec = copy_model(vocab, mapping, max_positions, offset=1 if target_prefix else 0)
    elif kind == "random":
        spec = random_model(vocab, seed=seed)
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=None)
    spec.save(str(root / "model"))
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "type": "translate",
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (root / "README.md").write_text(
        f"Tiny {kind} test model {from_code}→{to_code}.\n", encoding="utf-8"
    )
    archive = Path(dest) / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            zf.write(path, path.relative_to(dest).as_posix())
    return archive

"""Local HTTP servers that implement the documented contracts of DeepL, LibreTranslate and the
OpenAI chat-completions API, on 127.0.0.1 only, for the engine tests.

They check what a real service checks (authentication header, parameters, limits) and answer
with the real status codes and JSON shapes; faults (429, 5xx, 456, HTML, broken JSON, a cut-off
body, a hang) are queued per path by the test. Their "translation" is a small word list, so a
test can tell what went through the engine and what was protected.
"""

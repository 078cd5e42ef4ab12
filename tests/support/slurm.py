"""A one-node SLURM cluster on this machine, for the test that runs the workflow through it.

Debian's own daemons (packages slurm-wlm and munge, installed by `make slurm`), each started in
the foreground with its files in one temporary folder: munged with its own socket and a copy of
the machine's key, slurmctld and slurmd with a generated slurm.conf for localhost.

The config is also put at SLURM's standard place, /etc/slurm/slurm.conf, for as long as the
cluster runs: Snakemake's job step runs ``srun`` inside each job without SLURM_CONF, so that is
where it must find it. A machine with its own SLURM config is left alone (the test says so), and a
lock keeps two test runs from sharing the place. :meth:`OneNodeCluster.stop` ends exactly the
processes it started and removes the config it put there.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo")
MUNGE_KEY = Path("/etc/munge/munge.key")
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
LOCK = Path("/run/lock/locbrief-slurm-test.lock")
MARK = "# written by locbrief's tests/support/slurm.py for the length of one test run\n"


def missing_tools() -> list[str]:
    return [name for name in DAEMONS if shutil.which(name) is None] + (
        [] if MUNGE_KEY.exists() else [str(MUNGE_KEY)]
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OneNodeCluster:
    def __init__(self, root: Path):
        self.root = root
        self.conf = root / "slurm.conf"
        self.munge_socket = root / "munge" / "munge.socket"
        self.processes: list[subprocess.Popen] = []

    @property
    def env(self) -> dict[str, str]:
        """What a client (sbatch, squeue, the Snakemake plugin) needs to find this cluster."""
        return dict(os.environ, SLURM_CONF=str(self.conf))

    def start(self) -> OneNodeCluster:
        self._lock = open(LOCK, "w")  # noqa: SIM115 (held until stop)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        if SYSTEM_CONF.exists() and not SYSTEM_CONF.read_text(errors="replace").startswith(MARK):
            raise RuntimeError(f"{SYSTEM_CONF} exists: this machine has its own SLURM; not touched")
        self._start_munge()
        self.conf.write_text(MARK + self._slurm_conf(), encoding="utf-8")
        SYSTEM_CONF.parent.mkdir(exist_ok=True)
        shutil.copyfile(self.conf, SYSTEM_CONF)
        (self.root / "spool").mkdir()
        (self.root / "state").mkdir()
        for daemon in ("slurmctld", "slurmd"):
            self._spawn([daemon, "-D", "-f", str(self.conf)], daemon)
        self._wait_for_idle_node()
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()
        if SYSTEM_CONF.exists() and SYSTEM_CONF.read_text(errors="replace").startswith(MARK):
            SYSTEM_CONF.unlink()
        if getattr(self, "_lock", None):
            self._lock.close()
            self._lock = None

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}"
            for log in sorted(self.root.glob("*.log"))
        )

    def _spawn(self, command: list[str], name: str) -> None:
        with open(self.root / f"{name}.out.log", "ab") as out:
            self.processes.append(
                subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=self.env)
            )

    def _start_munge(self) -> None:
        folder = self.munge_socket.parent
        folder.mkdir(mode=0o700)
        key = folder / "munge.key"
        shutil.copyfile(MUNGE_KEY, key)
        key.chmod(0o600)
        self._spawn(
            [
                "munged",
                "--foreground",
                "--force",
                f"--socket={self.munge_socket}",
                f"--key-file={key}",
                f"--log-file={self.root / 'munged.log'}",
                f"--pid-file={folder / 'munged.pid'}",
                f"--seed-file={folder / 'munged.seed'}",
            ],
            "munged",
        )
        for _ in range(100):
            if self.munge_socket.exists():
                return
            time.sleep(0.1)
        raise RuntimeError(f"munged did not start:\n{self.logs()}")

    def _slurm_conf(self) -> str:
        host = socket.gethostname().split(".")[0]
        node = subprocess.run(
            ["slurmd", "-C"], capture_output=True, text=True, check=True
        ).stdout.splitlines()[0]  # "NodeName=vm CPUs=2 ... RealMemory=..." as slurmd sees it
        root = self.root
        return f"""\
ClusterName=locbrief-test
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.munge_socket}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=600
{node} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""

    def _wait_for_idle_node(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = subprocess.run(
                ["sinfo", "-h", "-o", "%t"], capture_output=True, text=True, env=self.env
            ).stdout.split()
            if state and state[0] in ("idle", "mix"):
                return
            if any(p.poll() is not None for p in self.processes):
                break
            time.sleep(0.5)
        raise RuntimeError(f"the SLURM node did not come up:\n{self.logs()}")

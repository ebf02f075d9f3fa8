"""Run a command as a child process and report its wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass


@dataclass
class Measurement:
    seconds: float
    peak_mib: float
    returncode: int

    def __str__(self) -> str:
        return f"{self.seconds:7.2f} s   peak RSS {self.peak_mib:7.1f} MiB"


def measure(cmd: list[str], cwd: str | None = None, env: dict[str, str] | None = None,
            quiet: bool = True) -> Measurement:
    """Wall time and the child's own peak RSS (os.wait4 gives the rusage of exactly this child)."""
    out = subprocess.DEVNULL if quiet else None
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=out)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(elapsed, usage.ru_maxrss / 1024, proc.returncode)

"""Run commands as child processes, alternate them, and summarise the runs.

Wall time is taken in this process (perf_counter). Where GNU time exists
(/usr/bin/time), each command runs under it: the command is then forked from
the small `time` process, not from the bench, so the peak RSS that `time`
reports (%M) is the command's own. (A child forked from the bench inherits the
bench's RSS high-water mark through exec, which os.wait4 then reports.) CPU is
user + sys from os.wait4 on the `time` process: it includes the reaped command
(microsecond resolution) and about 1 ms of `time` itself. Without GNU time,
os.wait4 on the command itself is used and the peak may include the bench's.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GNU_TIME = "/usr/bin/time"


def _has_gnu_time() -> bool:
    if not os.access(GNU_TIME, os.X_OK):
        return False
    try:
        probe = subprocess.run([GNU_TIME, "-f", "%M", "true"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0 and probe.stderr.strip().isdigit()


HAS_GNU_TIME = _has_gnu_time()
PEAK_NOTE = ("peak RSS: each command's own (GNU time %M)" if HAS_GNU_TIME else
             "peak RSS: os.wait4 (no /usr/bin/time); it may include the bench's own RSS at spawn")


@dataclass
class Sample:
    """One run of one command."""

    wall: float
    cpu: float  # user + sys
    peak_mib: float | None
    returncode: int


class CommandFailed(Exception):
    """A command exited with an unexpected code; the message has its output."""


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        log: Path | None = None) -> Sample:
    """Run `cmd` once; its stdout and stderr go to `log` (or nowhere)."""
    with tempfile.NamedTemporaryFile(prefix="bench-time-", suffix=".txt", delete=False) as handle:
        time_file = Path(handle.name)
    full = [GNU_TIME, "-f", "%M", "-o", str(time_file), *cmd] if HAS_GNU_TIME else list(cmd)
    try:
        with open(log or os.devnull, "wb") as out:
            start = time.perf_counter()
            proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        peak: float | None = usage.ru_maxrss / 1024
        if HAS_GNU_TIME:
            # the last line is %M; a line before it says when the command died of a signal
            lines = time_file.read_text().split()
            peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else None
    finally:
        time_file.unlink(missing_ok=True)
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak, code)


@dataclass
class Job:
    """A named thing to time: `call(i)` runs it the i-th time and returns its sample."""

    name: str
    call: Callable[[int], Sample]
    ok: tuple[int, ...] = (0,)
    samples: list[Sample] = field(default_factory=list)
    log: Path | None = None


def command_job(name: str, cmd: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
                before: Callable[[int], None] | None = None, ok: tuple[int, ...] = (0,),
                log: Path | None = None) -> Job:
    """A job that runs `cmd` in a new process; `before(i)` runs first, untimed."""

    def call(i: int) -> Sample:
        if before is not None:
            before(i)
        return run(cmd, cwd=cwd, env=env, log=log)

    return Job(name, call, ok=ok, log=log)


def _check(job: Job, sample: Sample) -> None:
    if sample.returncode not in job.ok:
        text = job.log.read_text(errors="replace")[-4000:] if job.log and job.log.exists() else ""
        raise CommandFailed(f"{job.name}: exit code {sample.returncode}\n{text}")


def warm_up(jobs: Sequence[Job]) -> None:
    """Run each job once, untimed (page cache, persistent caches, .pyc); round index -1."""
    for job in jobs:
        _check(job, job.call(-1))


def alternate(jobs: Sequence[Job], runs: int) -> None:
    """Run the jobs in turn, A B C A B C ..., `runs` rounds; samples go into each job."""
    for i in range(runs):
        for job in jobs:
            sample = job.call(i)
            _check(job, sample)
            job.samples.append(sample)


@dataclass
class Stat:
    """Median and spread of some runs."""

    median: float
    lo: float
    hi: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat:
        return cls(statistics.median(values), min(values), max(values), len(values))

    def text(self, unit: str = " s", digits: int | None = None) -> str:
        if digits is None:  # 3 decimals below 1 s, else 2
            digits = 3 if abs(self.median) < 1 else 2
        return f"{self.median:.{digits}f}{unit} ({self.lo:.{digits}f}–{self.hi:.{digits}f})"

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.lo, "max": self.hi, "n": self.n}


def summed(name: str, parts: Sequence[Job]) -> Job:
    """A job whose round i is the sum of the parts' round i (e.g. build then lint, two processes)."""

    def call(_i: int) -> Sample:
        raise RuntimeError("a summed job is not run")

    rounds = zip(*(p.samples for p in parts), strict=True)
    samples = [Sample(sum(s.wall for s in r), sum(s.cpu for s in r),
                      max((s.peak_mib for s in r if s.peak_mib is not None), default=None),
                      max(s.returncode for s in r)) for r in rounds]
    return Job(name, call, samples=samples)


def wall(job: Job) -> Stat:
    return Stat.of([s.wall for s in job.samples])


def cpu(job: Job) -> Stat:
    return Stat.of([s.cpu for s in job.samples])


def peak(job: Job) -> float | None:
    values = [s.peak_mib for s in job.samples if s.peak_mib is not None]
    return statistics.median(values) if values else None


def ratio(a: Job, b: Job, what: str = "wall") -> Stat:
    """a / b taken pair by pair (round i of a against round i of b)."""
    return Stat.of([getattr(x, what) / max(getattr(y, what), 1e-9) for x, y in zip(a.samples, b.samples, strict=True)])


def job_line(job: Job, label_width: int = 32) -> str:
    """One job: wall and CPU medians with min–max, and the median peak."""
    mib = peak(job)
    memory = f"   peak {mib:7.1f} MiB" if mib is not None else ""
    return (f"  {job.name:<{label_width}} wall {wall(job).text():<22} CPU {cpu(job).text():<22}{memory}"
            f"   n={len(job.samples)}")


def ratio_line(label: str, a: Job, b: Job, label_width: int = 32) -> str:
    by_wall, by_cpu = ratio(a, b, "wall"), ratio(a, b, "cpu")
    return (f"  {label:<{label_width}} wall {by_wall.text('x', 2 if by_wall.median < 10 else 1):<22} "
            f"CPU {by_cpu.text('x', 2 if by_cpu.median < 10 else 1)}   (pair by pair)")


def job_dict(job: Job) -> dict[str, object]:
    return {"wall_s": wall(job).as_dict(), "cpu_s": cpu(job).as_dict(), "peak_mib": peak(job),
            "runs": [{"wall": s.wall, "cpu": s.cpu, "peak_mib": s.peak_mib, "code": s.returncode}
                     for s in job.samples]}


def ratio_dict(a: Job, b: Job) -> dict[str, object]:
    return {"wall": ratio(a, b, "wall").as_dict(), "cpu": ratio(a, b, "cpu").as_dict()}


def growth_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """k in t ∝ n^k: least-squares slope of log t against log n."""
    xs, ys = [math.log(n) for n in sizes], [math.log(t) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else float("nan")

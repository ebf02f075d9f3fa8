"""Benchmark: the real course (KEINO, course_src) and start-up.

KEINO: `coursekit build --lint` (build and lint in one process, what `make`
runs), `coursekit build` and `coursekit lint`, in turn, each after one untimed
run (so the persistent cache is warm, as it is for an author), on a copy of
course_src in a temporary folder. Says whether Voikko was found: without it
lint skips the W701 spell check and is faster.

Start-up: `coursekit --help` beside `python -c pass`.

    python tools/bench/bench_keino.py [--runs 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_probe import ROOT, Probe, bench_env, probe, voikko_status
from measure import Job, alternate, command_job, job_dict, job_line, ratio_dict, ratio_line, summed, warm_up


def keino(work: Path, runs: int, info: Probe, source: Path = ROOT / "course_src") -> dict[str, object]:
    """Time build + lint, build and lint on a copy of `source`; print and return the figures."""
    src = work / "src"
    shutil.copytree(source, src)
    env = bench_env(work / "cache")
    ck = info.coursekit
    found, voikko = voikko_status()
    print(f"Voikko (spell checker): {voikko}" + ("" if found else "  -> lint skips W701 (spelling)"))
    build = command_job("build", [ck, "build", "--source", str(src), "--out", str(work / "out-build")],
                        env=env, log=work / "build.log")
    lint = command_job("lint", [ck, "lint", "--source", str(src)], env=env, ok=(0, 1), log=work / "lint.log")
    jobs: list[Job] = [build, lint]
    one: Job | None = None
    if info.lint:
        one = command_job("build --lint (one process)",
                          [ck, "build", "--lint", "--source", str(src), "--out", str(work / "out-one")],
                          env=env, ok=(0, 1), log=work / "one.log")
        jobs.insert(0, one)
    warm_up(jobs)
    alternate(jobs, runs)
    two = summed("build, then lint (2 processes)", [build, lint])
    files = sum(1 for p in src.rglob("*") if p.is_file())
    cache = "warm persistent cache" if info.no_cache else "each after one untimed run"
    print(f"-- KEINO ({files} source files), {runs} rounds, {cache}")
    for job in [*jobs, two]:
        print(job_line(job))
    if one is not None:
        print(ratio_line("one process / two processes", one, two))
    codes = sorted({s.returncode for job in jobs for s in job.samples} - {0})
    if codes:
        print(f"note: lint reported findings (exit code {codes}); the work was done all the same")
    combined = one or two
    return {"voikko_found": found, "voikko": voikko, "runs": runs, "build_lint_one_process": one is not None,
            "build_and_lint": job_dict(combined), "build": job_dict(build), "lint": job_dict(lint),
            "build_then_lint_two_processes": job_dict(two),
            **({"one_over_two_processes": ratio_dict(one, two)} if one is not None else {})}


def _pyc_note() -> str | None:
    spec = importlib.util.find_spec("coursekit.cli")
    if spec is None or spec.origin is None:
        return None
    if Path(importlib.util.cache_from_source(spec.origin)).exists():
        return None
    flag = " (PYTHONDONTWRITEBYTECODE is set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return f"note: coursekit has no .pyc files{flag}: every start compiles its modules"


def startup(work: Path, runs: int, info: Probe) -> dict[str, object]:
    """`coursekit --help` against `python -c pass`."""
    env = bench_env(work / "cache")
    helps = command_job("coursekit --help", [info.coursekit, "--help"], env=env)
    bare = command_job("python -c pass (reference)", [sys.executable, "-c", "pass"], env=env)
    warm_up([helps, bare])
    alternate([helps, bare], runs)
    print(f"-- start-up, {runs} rounds")
    print(job_line(helps))
    print(job_line(bare))
    print(ratio_line("--help / python -c pass", helps, bare))
    note = _pyc_note()
    if note:
        print(note)
    return {"runs": runs, "help": job_dict(helps), "python_pass": job_dict(bare),
            "help_over_python": ratio_dict(helps, bare), "pyc_missing": note is not None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "course_src")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    info = probe()
    for note in info.notes():
        print(f"note: {note}")
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-keino-") as tmp:
        keino(Path(tmp) / "keino", args.runs, info, args.source)
        startup(Path(tmp) / "startup", max(10, 2 * args.runs), info)
    return 0


if __name__ == "__main__":
    sys.exit(main())

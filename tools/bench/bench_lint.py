"""Benchmark: `coursekit lint` (offline) on the KEINO course.

Prints the wall time and peak memory of the whole command (median of
--repeat runs), of the same without the OLX check (--no-olx), and the time
of each rule stage measured in one process.

    python tools/bench/bench_lint.py [--source course_src] [--repeat 3] [--components N]

--components N also lints a generated course of N components (the one
bench_build.py uses), to show how lint scales.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import Measurement, measure

ROOT = Path(__file__).resolve().parent.parent.parent


def median(ms: list[Measurement]) -> Measurement:
    return Measurement(statistics.median(m.seconds for m in ms), max(m.peak_mib for m in ms), ms[-1].returncode)


def time_cli(coursekit: str, source: Path, extra: list[str], repeat: int) -> Measurement | None:
    runs = []
    for _ in range(repeat):
        m = measure([coursekit, "lint", "--source", str(source), "--no-color", *extra])
        if m.returncode not in (0, 1):  # 1 = the course has errors, which is still a measurement
            measure([coursekit, "lint", "--source", str(source), *extra], quiet=False)
            return None
        runs.append(m)
    return median(runs)


def stage_times(source: Path) -> list[tuple[str, float]]:
    """Load, then each stage's rules, timed in this process."""
    from coursekit.check import CheckContext, all_rules
    from coursekit.check.config import LintConfig
    from coursekit.load import load_course

    out = []
    start = time.perf_counter()
    course, _report = load_course(source)
    out.append(("load", time.perf_counter() - start))
    if course is None:
        return out
    config = LintConfig.from_course(course)
    ctx = CheckContext(source_root=source, options=dict(config.options))
    ctx.cache["config"] = config
    for stage in ("model", "prose", "output"):
        start = time.perf_counter()
        for rule in all_rules().values():
            if rule.stage == stage:
                for _finding in rule.func(course, ctx):
                    pass
        out.append((stage, time.perf_counter() - start))
    return out


def report(label: str, coursekit: str, source: Path, repeat: int) -> bool:
    full = time_cli(coursekit, source, [], repeat)
    quick = time_cli(coursekit, source, ["--no-olx"], repeat)
    if full is None or quick is None:
        return False
    files = sum(1 for p in source.rglob("*") if p.is_file())
    print(f"lint: {label} ({files} files)")
    print(f"  coursekit lint (median of {repeat}):          {full}   exit {full.returncode}")
    print(f"  coursekit lint --no-olx (median of {repeat}): {quick}")
    stages = "  ".join(f"{name} {seconds:.2f} s" for name, seconds in stage_times(source))
    print(f"  in one process: {stages}")
    print(f"lint_seconds={full.seconds:.2f}")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "course_src")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--components", type=int, default=0, help="also lint a generated course of N components")
    args = parser.parse_args()
    coursekit = shutil.which("coursekit", path=str(Path(sys.executable).parent)) or "coursekit"
    if not report(str(args.source), coursekit, args.source, args.repeat):
        return 1
    if args.components:
        from bench_build import generate

        with tempfile.TemporaryDirectory(prefix="coursekit-bench-lint-") as tmp:
            src = Path(tmp) / "src"
            sizes = generate(src, args.components)
            if not report(f"generated course, {sizes['components']:,} components", coursekit, src, args.repeat):
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

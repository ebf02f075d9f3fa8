"""`make bench`: every performance figure of the project, in one run, with a summary table.

1. build scale: generated courses of 1k / 5k / 20k components, cold and warm
   builds beside `tar czf` of the same tree; components/s; growth exponent
2. KEINO (course_src): build + lint, build, lint; whether Voikko was found
3. start-up: `coursekit --help` beside `python -c pass`
4. one-unit rebuild of KEINO, in a new process and in process
5. upload: peak RSS of `coursekit import` and `olx upload` (1 GiB archive)
6. save-to-reload: `coursekit serve` on KEINO, one unit edited, to the new build and to the
   reloaded page in the system Chromium

Every figure is a median over runs that alternate with what they are compared
to (A B A B ...); ratios are taken pair by pair; min–max is shown. Exit code 0
when every command ran, 1 when one failed; goals are reported, not enforced.
The full run takes about 4–6 minutes on 2 cores (--quick: about 1 minute).

    .venv/bin/python tools/bench/run.py [--quick] [--runs N] [--json PATH] [--skip-upload]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import scale, size_label
from bench_keino import keino, startup
from bench_rebuild import rebuild
from bench_serve import serve_reload
from cli_probe import ROOT, Probe, probe
from measure import PEAK_NOTE, CommandFailed

HERE = Path(__file__).resolve().parent
Row = tuple[str, str, str]  # figure, value, goal


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip()


def header(info: Probe) -> dict[str, Any]:
    version = subprocess.run([info.coursekit, "--version"], capture_output=True, text=True).stdout.strip()
    dirty = " (uncommitted changes)" if _git("status", "--porcelain", "--untracked-files=no") else ""
    meta = {"commit": _git("rev-parse", "--short", "HEAD") + dirty, "coursekit": version,
            "python": platform.python_version(), "cpus": os.cpu_count(), "load_start": os.getloadavg(),
            "no_cache_flag": info.no_cache, "lint_flag": info.lint, "peak_note": PEAK_NOTE}
    print(f"coursekit bench: {version}, commit {meta['commit']}, Python {meta['python']}, "
          f"{meta['cpus']} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{PEAK_NOTE}; CPU = user + sys; every row: median (min–max) over alternating runs")
    for note in info.notes():
        print(f"note: {note}")
    return meta


def upload(work: Path, size_mib: int) -> dict[str, Any]:
    """bench_upload.py in its own process; its figures come back as JSON."""
    out = work / "upload.json"
    code = subprocess.call([sys.executable, str(HERE / "bench_upload.py"), "--size-mib", str(size_mib),
                            "--workdir", str(work), "--json", str(out)])
    if code != 0 or not out.exists():
        raise CommandFailed(f"bench_upload.py exited with {code}")
    return json.loads(out.read_text())


def _s(figure: dict[str, Any], what: str = "wall_s") -> float:
    return float(figure[what]["median"])


def summary_rows(results: dict[str, Any]) -> list[Row]:
    """The summary table from whatever sections ran."""
    rows: list[Row] = []
    build = results.get("build")
    if build:
        for size in build["sizes"]:
            k = size_label(size["components"])
            speed = size["components_per_s"]
            goal = ">= 2,000/s" if size["components"] == 5000 else ""
            rows.append((f"{k} build, components/s (cold)", f"{speed['cold']:,.0f}/s", goal))
            if size["components"] == 5000:
                rows.append((f"{k} build, components/s (warm)",
                             f"{speed['warm']:,.0f}/s" + (" (= cold)" if size["warm_is_cold"] else ""), goal))
                ratio = size["cold_over_tar_czf"]
                rows.append((f"{k} cold build / tar czf", f"{ratio['wall']['median']:.1f}x wall, "
                             f"{ratio['cpu']['median']:.1f}x CPU", "(floor: 1x)"))
                warm = size["warm_over_tar_czf"]
                rows.append((f"{k} warm build / tar czf", f"{warm['wall']['median']:.1f}x wall"
                             + (" (= cold)" if size["warm_is_cold"] else ""), "(floor: 1x)"))
        rows.append((f"growth exponent {build['span']} (cold)", f"{build['growth']['cold_wall']:.2f}",
                     "~1 (linear)"))
    keino_r = results.get("keino")
    if keino_r:
        how = "one process" if keino_r["build_lint_one_process"] else "two processes, no --lint"
        both = keino_r["build_and_lint"]
        rows.append((f"KEINO build + lint ({how})", f"{_s(both):.2f} s wall, {_s(both, 'cpu_s'):.2f} s CPU", "< 1 s"))
        rows.append(("KEINO build / lint alone", f"{_s(keino_r['build']):.2f} / {_s(keino_r['lint']):.2f} s", ""))
        rows.append(("Voikko (W701 spelling)", "found" if keino_r["voikko_found"] else "MISSING: W701 skipped", ""))
    start = results.get("startup")
    if start:
        rows.append(("coursekit --help", f"{_s(start['help']):.3f} s", "< 0.3 s"))
    again = results.get("rebuild")
    if again:
        rows.append(("one-unit rebuild (new process)", f"{_s(again['new_process']):.3f} s", "< 0.3 s"))
        rows.append(("one-unit rebuild (in process)", f"{_s(again['in_process']):.3f} s", ""))
    live = results.get("serve")
    if live:
        rows.append(("save -> new build served (serve)", f"{_s(live['served']):.3f} s", ""))
        if "reloaded" in live:
            rows.append(("save -> page reloaded (serve, Chromium)", f"{_s(live['reloaded']):.3f} s", "< 0.5 s"))
        else:
            rows.append(("save -> page reloaded (serve, Chromium)", "not measured: " + "; ".join(live["notes"]),
                         "< 0.5 s"))
    up = results.get("upload")
    if up:
        peaks = [r["peak_mib"] for r in up["runs"]]
        value = " / ".join(f"{p:.0f}" if p is not None else "-" for p in peaks) + " MiB"
        names = " / ".join("coursekit" if r["name"].startswith("coursekit") else "olx" for r in up["runs"])
        size = f"{up['archive_bytes'] / 2**30:.2f} GiB" if up["archive_bytes"] >= 2**30 else \
            f"{up['archive_bytes'] / 2**20:.0f} MiB"
        rows.append((f"upload peak RSS ({names}), {size}", value, "< 100 MiB (coursekit)"))
    return rows


def format_table(rows: list[Row]) -> str:
    width = [max([len(r[i]) for r in rows] + [len(h)]) for i, h in enumerate(("figure", "value", "goal"))]
    lines = [f"{'figure':<{width[0]}}   {'value':<{width[1]}}   goal"]
    lines += [f"{a:<{width[0]}}   {b:<{width[1]}}   {c}".rstrip() for a, b, c in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test: 1k/5k only, 3 rounds, 64 MiB upload")
    parser.add_argument("--runs", type=int, default=None, help="rounds per comparison (default 5, --quick 3); "
                        "20k always uses at most 3")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--workdir", type=Path, default=None, help="parent of the temporary folder")
    parser.add_argument("--skip-upload", action="store_true", help="leave out the upload benchmark")
    parser.add_argument("--upload-mib", type=int, default=None, help="upload archive size (default 1030, --quick 64)")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    plan = [(1000, runs), (5000, runs)] + ([] if args.quick else [(20000, min(runs, 3))])
    upload_mib = args.upload_mib or (64 if args.quick else 1030)

    started = time.perf_counter()
    info = probe()
    results: dict[str, Any] = {"meta": header(info)}
    failures: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="coursekit-bench-", dir=args.workdir))
    sections: list[tuple[str, str, Callable[[], dict[str, Any]]]] = [
        ("build", "1. build scale (generated courses)", lambda: scale(work / "scale", plan, info)),
        ("keino", "2. KEINO (course_src)", lambda: keino(work / "keino", runs, info)),
        ("startup", "3. start-up", lambda: startup(work / "startup", max(10, 2 * runs), info)),
        ("rebuild", "4. one-unit rebuild", lambda: rebuild(work / "rebuild", runs, info)),
    ]
    if not args.skip_upload:
        sections.append(("upload", "5. upload peak RSS", lambda: upload(work, upload_mib)))
    sections.append(("serve", "6. save-to-reload (coursekit serve)", lambda: serve_reload(work / "serve", runs, info)))
    try:
        for key, title, section in sections:
            print(f"\n== {title}", flush=True)
            t0 = time.perf_counter()
            try:
                results[key] = section()
            except CommandFailed as exc:
                failures.append(f"{title}: {exc}")
                print(f"FAILED: {exc}", file=sys.stderr)
            print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = summary_rows(results)
    total = time.perf_counter() - started
    results["meta"].update(load_end=os.getloadavg(), total_seconds=total)
    results["summary"] = [{"figure": a, "value": b, "goal": c} for a, b, c in rows]
    results["failures"] = failures
    rounds = ", ".join(f"{size_label(n)}: {r}" for n, r in plan if r != runs)
    print(f"\n== summary (medians; {runs} rounds{', ' + rounds if rounds else ''}; total {total:.0f} s; "
          f"load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    print(format_table(rows))
    for note in info.notes():
        print(f"note: {note}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    if failures:
        print(f"{len(failures)} section(s) failed: " + "; ".join(f.splitlines()[0] for f in failures),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

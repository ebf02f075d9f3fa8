"""Upload benchmark: peak memory and time of `coursekit import` and `olx upload` for an archive over 1 GiB.

    .venv/bin/python tools/bench/bench_upload.py [--size-mib 1030] [--runs 1] [--skip-olx] [--keep] [--json out.json]

1. Writes a tiny course with one big static file of random bytes (gzip cannot
   shrink it) in a temporary folder, never in the repository, and builds it.
2. Starts the fake Open edX (tests/fake_openedx) on 127.0.0.1 in its own
   process, with its upload and archive limits raised; it streams uploads to disk.
3. Runs `coursekit import --no-build` in a subprocess (the whole flow: token,
   checks, streamed upload, polling, read-back, release record in the temp
   folder) and measures that process's own peak RSS (measure.py: GNU time).
4. Does the same upload with olx-utils' `olx upload --wait`; with --runs N the
   two clients alternate N times and the medians are shown.

Says whether our peak stays under --limit-mib (100 MiB) but exits 1 only
when a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import PEAK_NOTE, run

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MIB = 1024 * 1024
GIB = 1024 * MIB
COURSE_ID = "course-v1:BENCH+UP1+r1"
CLIENT = ("bench-client-id", "bench-client-secret-not-real", "bench_staff")

COURSE_YAML = """\
org: BENCH
number: UP1
title: Upload benchmark
language: en
runs:
  r1:
    start: 2030-01-01
    end: 2030-12-31
"""
UNIT = """\
---
title: Download
---

## The file

[A large file](../static/big.bin) to download.
"""


@dataclass
class Run:
    name: str
    seconds: float
    peak_mib: float | None
    returncode: int
    upload_seconds: float | None = None
    cpu_seconds: float = 0.0
    log: str = ""


def run_measured(name: str, cmd: list[str], env: dict[str, str], cwd: Path, log: Path) -> Run:
    """Wall, CPU and the command's own peak RSS (measure.run); output into a log file."""
    sample = run(cmd, cwd=cwd, env=env, log=log)
    return Run(name, sample.wall, sample.peak_mib, sample.returncode, cpu_seconds=sample.cpu, log=str(log))


def median_run(runs: list[Run]) -> Run:
    """The medians of several runs of one client (exit code: the worst)."""
    peaks = [r.peak_mib for r in runs if r.peak_mib is not None]
    uploads = [r.upload_seconds for r in runs if r.upload_seconds is not None]
    return Run(runs[0].name, statistics.median(r.seconds for r in runs),
               statistics.median(peaks) if peaks else None, max((r.returncode for r in runs), key=abs),
               statistics.median(uploads) if uploads else None,
               statistics.median(r.cpu_seconds for r in runs), runs[-1].log)


def write_course(src: Path, size: int) -> None:
    (src / "01-files").mkdir(parents=True)
    (src / "static").mkdir()
    (src / "course.yaml").write_text(COURSE_YAML)
    (src / "01-files" / "section.yaml").write_text("title: Files\n")
    (src / "01-files" / "01-download.md").write_text(UNIT)
    chunk = 16 * MIB
    with open(src / "static" / "big.bin", "wb") as handle:
        left = size
        while left > 0:
            handle.write(os.urandom(min(chunk, left)))
            left -= chunk


def start_server(work: Path) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    urls = work / "urls.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    cmd = [sys.executable, "-m", "fake_openedx", "--workdir", str(work / "server"), "--urls-file", str(urls),
           "--client", ":".join(CLIENT), "--staff", CLIENT[2], "--course", COURSE_ID,
           "--max-upload-bytes", "0", "--max-extracted-size", str(16 * GIB), "--discard-uploads"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(work / "server.log", "wb"))  # noqa: SIM115
    deadline = time.monotonic() + 30
    while not urls.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"the fake server did not start; see {work / 'server.log'}")
        time.sleep(0.05)
    return proc, json.loads(urls.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1030, help="size of the random static file (default 1030)")
    parser.add_argument("--limit-mib", type=float, default=100.0, help="the goal for our peak RSS")
    parser.add_argument("--workdir", type=Path, default=None, help="parent of the temporary folder")
    parser.add_argument("--runs", type=int, default=1, help="alternate the clients this many times (default 1)")
    parser.add_argument("--skip-olx", action="store_true", help="do not run olx upload")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    size = args.size_mib * MIB
    parent = args.workdir or Path(tempfile.gettempdir())
    free = shutil.disk_usage(parent).free
    if free < 5 * size:
        print(f"not enough disk space in {parent}: {free / GIB:.1f} GiB free, need {5 * size / GIB:.1f}",
              file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="coursekit-bench-upload-", dir=parent))
    server = None
    try:
        src, out = work / "src", work / "out"
        t0 = time.perf_counter()
        write_course(src, size)
        build = subprocess.run([str(BIN / "coursekit"), "build", "-s", str(src), "-o", str(out)],
                               capture_output=True, text=True)
        if build.returncode != 0:
            print(build.stdout + build.stderr, file=sys.stderr)
            return 1
        [archive] = out.glob("*.tar.gz")
        for tree in out.iterdir():  # the unpacked copy is not needed: save disk
            if tree.is_dir():
                shutil.rmtree(tree)
        archive_size = archive.stat().st_size
        print(f"archive  {archive.name}: {archive_size / MIB:.1f} MiB ({archive_size / GIB:.3f} GiB), "
              f"made and built in {time.perf_counter() - t0:.1f} s")
        if archive_size < GIB:
            if args.size_mib >= 1024:
                print("the archive is smaller than 1 GiB", file=sys.stderr)
                return 1
            print("note: the archive is smaller than 1 GiB (--size-mib); a quick run, not the benchmark")

        server, urls = start_server(work)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSEKIT_", "OLX_"))}
        ours_env = dict(env, COURSEKIT_LMS_URL=urls["lms_url"], COURSEKIT_CMS_URL=urls["cms_url"],
                        COURSEKIT_CLIENT_ID=CLIENT[0], COURSEKIT_CLIENT_SECRET=CLIENT[1],
                        COURSEKIT_POLL_INTERVAL="0.2", COURSEKIT_READBACK_DELAY="0.2",
                        XDG_CONFIG_HOME=str(work / "xdg"))
        olx_env = None
        if not args.skip_olx:
            resp = requests.post(f"{urls['lms_url']}/oauth2/access_token", auth=CLIENT[:2], timeout=30,
                                 data={"grant_type": "client_credentials", "token_type": "jwt"})
            resp.raise_for_status()
            olx_env = dict(env, OLX_CMS_URL=urls["cms_url"], OLX_CMS_TOKEN=resp.json()["access_token"])
        ours_runs: list[Run] = []
        olx_runs: list[Run] = []
        for i in range(args.runs):  # coursekit, olx, coursekit, olx, ...
            ours = run_measured("coursekit import", [
                str(BIN / "coursekit"), "import", "--no-build", "-s", str(src), "-o", str(out),
                "--releases-dir", str(work / f"releases-{i}"),
            ], ours_env, ROOT, work / f"coursekit-import-{i}.log")
            match = re.search(r"Upload finished in ([\d.]+) s", Path(ours.log).read_text(errors="replace"))
            ours.upload_seconds = float(match.group(1)) if match else None
            ours_runs.append(ours)
            if olx_env is not None:
                # run in the archive's folder so the multipart file name is the base name, as Open edX expects
                olx_runs.append(run_measured("olx upload --wait", [
                    str(BIN / "olx"), "upload", "-f", archive.name, "-c", COURSE_ID, "--wait",
                ], olx_env, out, work / f"olx-upload-{i}.log"))
        runs = [median_run(ours_runs)] + ([median_run(olx_runs)] if olx_runs else [])
        ours = runs[0]

        print(f"{'client':<20}{'exit':>5}{'total s':>10}{'CPU s':>8}{'upload s':>10}{'peak RSS MiB':>14}"
              f"   ({args.runs} run{'s' if args.runs > 1 else ''} each, medians)")
        for r in runs:
            upload = f"{r.upload_seconds:.1f}" if r.upload_seconds is not None else "-"
            mib = f"{r.peak_mib:.1f}" if r.peak_mib is not None else "-"
            print(f"{r.name:<20}{r.returncode:>5}{r.seconds:>10.1f}{r.cpu_seconds:>8.1f}{upload:>10}{mib:>14}")
        print("(olx upload --wait sleeps 1 s between status checks; coursekit also checks, reads back and records;")
        print(f" {PEAK_NOTE})")
        if args.json:
            args.json.write_text(json.dumps({"archive_bytes": archive_size, "runs_each": args.runs,
                                             "peak_note": PEAK_NOTE, "runs": [asdict(r) for r in runs]},
                                            indent=2))
        failed = [r for r in ours_runs + olx_runs if r.returncode != 0]
        for r in failed:
            print(f"{r.name} failed (exit {r.returncode}); its output:\n"
                  f"{Path(r.log).read_text(errors='replace')[-4000:]}", file=sys.stderr)
        if ours.peak_mib is not None:
            verdict = "under" if ours.peak_mib < args.limit_mib else "NOT under"
            print(f"coursekit import peak RSS {ours.peak_mib:.1f} MiB: {verdict} the goal of {args.limit_mib:.0f} MiB")
        return 1 if failed else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

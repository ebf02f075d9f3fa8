"""Benchmark: save-to-reload of `coursekit serve` on KEINO, one unit edited.

A copy of course_src is served by a real `coursekit serve --port 0` process. Each round appends a
new line of Finnish prose to one unit's Markdown file (as bench_rebuild.py does) and times, from
the write:

* "save -> new build served": until the server's /__coursekit/state has a new version (the
  watcher's debounce and the rebuild);
* "save -> page reloaded": until the unit's page, open in the system Chromium (Playwright), has
  reloaded and shows the new line (adds the event to the browser and the page load). Left out,
  with a note, when Playwright or Chromium is missing.

CPU is the server process's own (user + sys from /proc) over the same interval.

    python tools/bench/bench_serve.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_rebuild import Editor
from cli_probe import ROOT, Probe, bench_env, probe
from measure import CommandFailed, Job, Sample, alternate, job_dict, job_line, warm_up

TIMEOUT = 30.0
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def state_version(base: str) -> int:
    with urllib.request.urlopen(f"{base}/__coursekit/state", timeout=TIMEOUT) as response:
        state = json.loads(response.read())
    if state["errors"]:
        raise CommandFailed(f"the served course has errors: {state['errors'][:2]}")
    return int(state["version"])


class Server:
    def __init__(self, info: Probe, src: Path, log: Path, env: dict[str, str]) -> None:
        self.log = log
        self.handle = open(log, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen([info.coursekit, "serve", "--source", str(src), "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=self.handle, text=True, env=env)
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            match = re.search(r"Serving (http://127\.0\.0\.1:\d+)/", line)
            if match:
                self.base = match.group(1)
                return
            if not line and self.proc.poll() is not None:
                break
        self.close()
        raise CommandFailed(f"coursekit serve did not start: {line!r}; {log.read_text()[-2000:]}")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.handle.close()


def unit_page_of(src: Path, md: Path) -> str:
    """The preview page of the last unit that ``md`` holds (where an appended line shows)."""
    from coursekit.emit.preview import unit_page
    from coursekit.load import load_course

    course, report = load_course(src)
    if course is None:
        raise CommandFailed(f"KEINO does not load: {report}")
    rel = md.relative_to(src).as_posix()
    units = [unit for _s, _sub, unit in course.units() if unit.loc.file == rel]
    if not units:
        raise CommandFailed(f"no unit comes from {rel}")
    return unit_page(units[-1].id)


def chromium() -> str | None:
    return os.environ.get("COURSEKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def serve_reload(work: Path, runs: int, info: Probe, source: Path = ROOT / "course_src") -> dict[str, object]:
    src = work / "src"
    shutil.copytree(source, src)
    unit_md = sorted(src.glob("[0-9][0-9]-*/[0-9][0-9]-*.md"))[0]
    page_name = unit_page_of(src, unit_md)
    edit = Editor(unit_md)
    server = Server(info, src, work / "serve.log", bench_env(work / "cache"))
    notes: list[str] = []

    def timed(wait) -> Sample:
        version = state_version(server.base)
        cpu0 = cpu_seconds(server.proc.pid)
        start = time.perf_counter()
        marker = edit(0)
        wait(version, marker)
        elapsed = time.perf_counter() - start
        return Sample(elapsed, cpu_seconds(server.proc.pid) - cpu0, None, 0)

    def until_served(version: int, _marker: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while state_version(server.base) == version:
            if time.monotonic() > deadline:
                raise CommandFailed(f"no rebuild within {TIMEOUT:.0f} s of a save; {server.log}")
            time.sleep(0.005)

    jobs = [Job("save -> new build served", lambda _i: timed(until_served))]
    pw = browser = page = None
    try:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            sync_playwright = None
            notes.append("Playwright is not installed: no browser figure")
        path = chromium()
        if sync_playwright is not None and path is None:
            notes.append("no system Chromium: no browser figure")
        if sync_playwright is not None and path is not None:
            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path=path, args=ARGS, headless=True)
            page = browser.new_page()
            page.goto(f"{server.base}/{page_name}")

            def until_reloaded(_version: int, marker: str) -> None:
                page.wait_for_function("m => document.body.innerText.includes(m)", arg=marker,
                                       timeout=TIMEOUT * 1000)

            jobs.append(Job("save -> page reloaded (Chromium)", lambda _i: timed(until_reloaded)))
        warm_up(jobs)
        alternate(jobs, runs)
    finally:
        if browser is not None:
            browser.close()
        if pw is not None:
            pw.stop()
        server.close()
        edit.restore()
    print(f"-- coursekit serve on KEINO: a line appended to {unit_md.relative_to(src)} "
          f"(page {page_name}), {runs} rounds; CPU is the server's")
    for job in jobs:
        print(job_line(job, 34))
    for note in notes:
        print(f"  note: {note}")
    result: dict[str, object] = {"runs": runs, "file": str(unit_md.relative_to(src)), "page": page_name,
                                 "served": job_dict(jobs[0]), "notes": notes}
    if len(jobs) > 1:
        result["reloaded"] = job_dict(jobs[1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "course_src")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-serve-") as tmp:
        serve_reload(Path(tmp) / "serve", args.runs, probe(), args.source)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: rebuild KEINO after a one-sentence edit of one unit.

A copy of course_src is built once (the persistent cache fills). Then, in turn:
append a new line of Finnish prose to the first section's first Markdown file
(its last unit) and run `coursekit build` in a new process; append another
and rebuild inside one long-lived Python process (inprocess_worker.py calls
the CLI's main(); its first call is untimed), as a preview server would.
Every timed run has an edit no run has seen before.

    python tools/bench/bench_rebuild.py [--runs 5]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_probe import ROOT, Probe, bench_env, probe
from measure import Job, Sample, alternate, command_job, job_dict, job_line, ratio_dict, ratio_line, warm_up

HERE = Path(__file__).resolve().parent
SENTENCES = [
    "Lisäys {n}: hankinnan tavoitteet kannattaa kirjata selkeästi jo ennen markkinavuoropuhelua.",
    "Lisäys {n}: kestävä hankinta huomioi ympäristön, ihmiset ja talouden koko elinkaaren ajan.",
    "Lisäys {n}: pienetkin hankinnat ovat yhdessä suuri osa julkisen sektorin ostoista.",
    "Lisäys {n}: kokemukset kannattaa jakaa, jotta muut voivat oppia niistä.",
]


class Editor:
    """Appends a sentence no earlier edit used to the end of one Markdown file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_text(encoding="utf-8")
        self.count = itertools.count(1)

    def __call__(self, _i: int) -> str:
        """Write the next edit; return the line it added."""
        n = next(self.count)
        line = SENTENCES[n % len(SENTENCES)].format(n=n)
        self.path.write_text(self.original.rstrip("\n") + "\n\n" + line + "\n", encoding="utf-8")
        return line

    def restore(self) -> None:
        self.path.write_text(self.original, encoding="utf-8")


class Worker:
    """inprocess_worker.py: the CLI called again and again in one process."""

    def __init__(self, log: Path, env: dict[str, str]) -> None:
        self.log = log
        self.proc = subprocess.Popen([sys.executable, str(HERE / "inprocess_worker.py"), str(log)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def call(self, args: list[str]) -> Sample:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(args) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            return Sample(0.0, 0.0, None, -1)  # the worker died; its log says why
        reply = json.loads(line)
        return Sample(reply["wall"], reply["cpu"], None, reply["code"])

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def rebuild(work: Path, runs: int, info: Probe, source: Path = ROOT / "course_src") -> dict[str, object]:
    """Time one-unit rebuilds in a new process and in process; print and return the figures."""
    src, out = work / "src", work / "out"
    shutil.copytree(source, src)
    unit_md = sorted(src.glob("[0-9][0-9]-*/[0-9][0-9]-*.md"))[0]
    edit = Editor(unit_md)
    env = bench_env(work / "cache")
    args = ["build", "--source", str(src), "--out", str(out)]
    fresh = command_job("one-unit rebuild (new process)", [info.coursekit, *args], env=env, before=edit,
                        log=work / "fresh.log")
    worker = Worker(work / "worker.log", env)

    def in_process(i: int) -> Sample:
        edit(i)
        return worker.call(args)

    inproc = Job("one-unit rebuild (in process)", in_process, log=work / "worker.log")
    archives: list[str] = []  # sha256 of the archive after each run: every edit must change it

    def checked(job: Job) -> Job:
        def call(i: int) -> Sample:
            sample = job.call(i)
            archives.append(hashlib.sha256(next(out.glob("*.tar.gz")).read_bytes()).hexdigest())
            return sample
        return Job(job.name, call, ok=job.ok, log=job.log)

    fresh, inproc = checked(fresh), checked(inproc)
    try:
        warm_up([fresh, inproc])  # fills the cache; the worker's first call
        alternate([fresh, inproc], runs)
    finally:
        worker.close()
        edit.restore()
    unchanged = sum(1 for a, b in itertools.pairwise(archives) if a == b)
    print(f"-- one-unit rebuild of KEINO: a line appended to {unit_md.relative_to(src)}, {runs} rounds"
          + ("" if info.no_cache else " (no --no-cache flag: the build may have no persistent cache)"))
    print(job_line(fresh))
    print(job_line(inproc))
    print(ratio_line("in process / new process", inproc, fresh))
    if unchanged:
        print(f"WARNING: {unchanged} of {len(archives) - 1} rebuilds left the archive unchanged: "
              "the edit was not seen")
    return {"runs": runs, "unchanged_archives": unchanged, "file": str(unit_md.relative_to(src)),
            "new_process": job_dict(fresh), "in_process": job_dict(inproc),
            "in_over_new_process": ratio_dict(inproc, fresh)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "course_src")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-rebuild-") as tmp:
        rebuild(Path(tmp) / "rebuild", args.runs, probe(), args.source)
    return 0


if __name__ == "__main__":
    sys.exit(main())

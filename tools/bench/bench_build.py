"""Benchmark: build generated courses of growing size, beside `tar czf` of the same output.

For each size: the cold build (`--no-cache`), the warm build (default
persistent cache, after one untimed run that fills it), `tar czf` of the
build's own output tree (extracted from its archive) and `tar cf - | gzip -9`,
run in turn (A B C D A B C D ...). Ratios are taken pair by pair. Then the
growth exponent k (t ∝ n^k) of the cold build over the sizes.

    python tools/bench/bench_build.py [--components 1000 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_probe import Probe, bench_env, probe
from measure import (
    CommandFailed,
    Job,
    alternate,
    command_job,
    cpu,
    growth_exponent,
    job_dict,
    job_line,
    ratio_dict,
    ratio_line,
    run,
    wall,
    warm_up,
)

GZIP_NOTE = ("note: `tar czf` runs gzip -6 in a second process (on 2 cores it overlaps tar); coursekit gzips "
             "at -9 in its own process. `tar cf - | gzip -9` is the same-level floor.")

PROBLEM_KINDS = [
    """```{{problem}}
type: single-choice
question: "Kysymys {n}: mikä vaihtoehto on oikein?"
choices:
  - text: Oikea
    correct: true
    feedback: Oikein, koska {n} on parillinen tai pariton.
  - text: Väärä
    feedback: Väärin, koska näin ei ole.
explanation: Selitys kysymykselle {n}.
```""",
    """```{{problem}}
type: multiple-choice
question: "Kysymys {n}: valitse kaikki oikeat."
choices:
  - text: A
    correct: true
    feedback: A on oikein.
  - text: B
    feedback: B ei ole oikein.
  - text: C
    correct: true
    feedback: C on oikein.
```""",
    """```{{problem}}
type: numerical
question: Paljonko on {n} + 1?
answer: {n1}
tolerance: 0
correct_feedback: Oikein.
```""",
    """```{{problem}}
type: text
question: Kirjoita HILMA.
answer: HILMA
correct_feedback: Oikein.
```""",
]

PROSE = """Tämä on yksikön {n} teksti. Julkiset hankinnat ovat merkittävä osa taloutta, ja
[toinen osa](#{link}) kertoo lisää. Kappaleessa on **lihavointia** ja *kursiivia*.

| Sarake | Arvo |
|--------|------|
| A      | {n}  |
"""


def generate(root: Path, components: int) -> dict[str, int]:
    """Write a course with `components` components: units of one HTML and one problem each."""
    units_per_sub, subs_per_section = 5, 10
    units = (components + 1) // 2
    sections = max(1, -(-units // (units_per_sub * subs_per_section)))
    (root / "static").mkdir(parents=True)
    (root / "course.yaml").write_text(
        "org: BENCH\nnumber: B1\ntitle: Benchmark course\nlanguage: fi\n"
        "runs:\n  r1:\n    start: 2019-06-03\n", encoding="utf-8")
    n = 0
    first_unit = "u0"
    for s in range(sections):
        sdir = root / f"{s + 1:02d}-osa{s + 1}"
        sdir.mkdir()
        (sdir / "section.yaml").write_text(f"title: Osa {s + 1}\n", encoding="utf-8")
        for sub in range(subs_per_section):
            parts = [f"---\ntitle: Aliosio {s + 1}.{sub + 1}\n---\n"]
            for _u in range(units_per_sub):
                if n >= units:
                    break
                parts.append(f"## Yksikkö {n} {{#u{n}}}\n")
                parts.append(PROSE.format(n=n, link=first_unit))
                parts.append(PROBLEM_KINDS[n % len(PROBLEM_KINDS)].format(n=n, n1=n + 1))
                n += 1
            if len(parts) > 1:
                (sdir / f"{sub + 1:02d}-aliosio{sub + 1}.md").write_text("\n".join(parts) + "\n", encoding="utf-8")
    return {"sections": sections, "units": n, "components": 2 * n}


def size_label(n: int) -> str:
    """1000 -> '1k', 20 -> '20'."""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def _extract(archive: Path, dest: Path) -> str:
    """Unpack the build's archive; the name of its top-level folder."""
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    [top] = [p.name for p in dest.iterdir()]
    return top


@dataclass
class SizeResult:
    figures: dict[str, object]
    cold: Job
    warm: Job  # the cold job again when there is no --no-cache


def one_size(root: Path, components: int, runs: int, info: Probe) -> SizeResult:
    """Time cold and warm builds and both floors for one generated course; print and return the figures."""
    src = root / "src"
    sizes = generate(src, components)
    env = bench_env(root / "cache")
    ck = info.coursekit
    cold_flags = ["--no-cache"] if info.no_cache else []
    cold_cmd = [ck, "build", *cold_flags, "--source", str(src), "--out", str(root / "out-cold")]
    warm_cmd = [ck, "build", "--source", str(src), "--out", str(root / "out-warm")]
    # one untimed build: fills the persistent cache, warms the page cache, gives the tree for the floors
    first = run(warm_cmd, env=env, log=root / "first.log")
    if first.returncode != 0:
        raise CommandFailed(f"coursekit build failed:\n{(root / 'first.log').read_text(errors='replace')}")
    [archive] = (root / "out-warm").glob("*.tar.gz")
    tree_parent = root / "tree"
    top = _extract(archive, tree_parent)
    files = sum(1 for p in (tree_parent / top).rglob("*") if p.is_file())

    cold = command_job("cold build" if info.no_cache else "build", cold_cmd, env=env, log=root / "cold.log")
    warm = command_job("warm build", warm_cmd, env=env, log=root / "warm.log")
    tar6 = command_job("tar czf (floor)", ["tar", "czf", str(root / "floor6.tar.gz"), "-C", str(tree_parent), top],
                       log=root / "tar6.log")
    tar9 = command_job("tar cf - | gzip -9 (floor)",
                       ["sh", "-c", 'tar cf - -C "$1" "$2" | gzip -9 > "$3"', "sh", str(tree_parent), top,
                        str(root / "floor9.tar.gz")], log=root / "tar9.log")
    jobs: list[Job] = [cold, warm, tar6, tar9] if info.no_cache else [cold, tar6, tar9]
    warm_up([tar6, tar9])
    alternate(jobs, runs)

    print(f"-- {sizes['components']:,} components ({sizes['sections']} sections, {sizes['units']:,} units): "
          f"{files:,} OLX files, archive {archive.stat().st_size / 1024:,.0f} KiB, {runs} rounds")
    for job in jobs:
        print(job_line(job))
    print(ratio_line(f"{cold.name} / tar czf", cold, tar6))
    if info.no_cache:
        print(ratio_line("warm build / tar czf", warm, tar6))
    print(ratio_line(f"{cold.name} / tar|gzip -9", cold, tar9))
    speed_cold = components / wall(cold).median
    speed_warm = components / wall(warm if info.no_cache else cold).median
    print(f"  {'components/s incl. start-up':<32} cold {speed_cold:,.0f}/s   warm {speed_warm:,.0f}/s"
          + ("" if info.no_cache else "   (no --no-cache: the same runs)"))
    figures: dict[str, object] = {
        "components": components, "units": sizes["units"], "files": files,
        "archive_bytes": archive.stat().st_size, "runs": runs,
        "cold": job_dict(cold), "warm": job_dict(warm if info.no_cache else cold),
        "warm_is_cold": not info.no_cache,
        "tar_czf": job_dict(tar6), "tar_gzip9": job_dict(tar9),
        "cold_over_tar_czf": ratio_dict(cold, tar6),
        "warm_over_tar_czf": ratio_dict(warm if info.no_cache else cold, tar6),
        "cold_over_tar_gzip9": ratio_dict(cold, tar9),
        "components_per_s": {"cold": speed_cold, "warm": speed_warm},
    }
    return SizeResult(figures, cold, warm if info.no_cache else cold)


def scale(work: Path, plan: list[tuple[int, int]], info: Probe) -> dict[str, object]:
    """Every size in `plan` ((components, rounds), ...), then the growth exponents."""
    print(GZIP_NOTE)
    rows = [one_size(work / f"n{n}", n, runs, info) for n, runs in plan]
    ns = [float(n) for n, _runs in plan]
    growth: dict[str, float] = {}
    for kind in ("cold", "warm"):
        jobs = [r.cold if kind == "cold" else r.warm for r in rows]
        growth[f"{kind}_wall"] = growth_exponent(ns, [wall(j).median for j in jobs])
        growth[f"{kind}_cpu"] = growth_exponent(ns, [cpu(j).median for j in jobs])
    span = f"{size_label(plan[0][0])}..{size_label(plan[-1][0])}"
    print(f"-- growth exponent k (t ∝ n^k, least squares on log-log of the medians), {span}: "
          f"cold build wall {growth['cold_wall']:.2f}, CPU {growth['cold_cpu']:.2f}; "
          f"warm build wall {growth['warm_wall']:.2f}, CPU {growth['warm_cpu']:.2f}")
    return {"sizes": [r.figures for r in rows], "growth": growth, "span": span}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    info = probe()
    for note in info.notes():
        print(f"note: {note}")
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-") as tmp:
        scale(Path(tmp), [(n, args.runs) for n in args.components], info)
    return 0


if __name__ == "__main__":
    sys.exit(main())

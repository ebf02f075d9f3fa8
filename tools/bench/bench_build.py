"""Benchmark: build a generated course of at least 5,000 components.

Prints the time and peak memory of `coursekit build` beside `tar czf` of the
same output tree (the floor: what just compressing the result costs), in one run.

    python tools/bench/bench_build.py [--components 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import Measurement, measure

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    coursekit = shutil.which("coursekit", path=str(Path(sys.executable).parent)) or "coursekit"
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out"
        sizes = generate(src, args.components)
        print(f"build: generated course with {sizes['components']:,} components "
              f"({sizes['sections']} sections, {sizes['units']:,} units)")
        builds: list[Measurement] = []
        tars: list[Measurement] = []
        for _ in range(args.repeat):
            m = measure([coursekit, "build", "--source", str(src), "--out", str(out)])
            if m.returncode != 0:
                measure([coursekit, "build", "--source", str(src), "--out", str(out)], quiet=False)
                return 1
            builds.append(m)
        archive = next(out.glob("*.tar.gz"))
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(archive) as tar:
            tar.extractall(unpacked, filter="data")
        tree = next(unpacked.iterdir())
        for _ in range(args.repeat):
            tars.append(measure(["tar", "czf", str(Path(tmp) / "floor.tar.gz"), "-C", str(unpacked), tree.name]))
        files = sum(1 for p in tree.rglob("*") if p.is_file())

        def med(ms: list[Measurement]) -> Measurement:
            return Measurement(statistics.median(m.seconds for m in ms), max(m.peak_mib for m in ms), 0)

        b, t = med(builds), med(tars)
        print(f"  output: {files:,} files, archive {archive.stat().st_size / 1024:,.0f} KiB")
        print(f"  coursekit build (median of {args.repeat}): {b}")
        print(f"  tar czf same tree (floor, median):  {t}")
        print(f"  build / floor time ratio: {b.seconds / max(t.seconds, 1e-9):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

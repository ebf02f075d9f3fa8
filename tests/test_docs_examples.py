"""Every YAML and Markdown example in docs/authoring.md is built, so the docs cannot show what does not work.

Each example is marked with an HTML comment just above its fence (invisible
when the page is read):

    <!-- example: course.yaml -->      the whole course.yaml
    <!-- example: section.yaml -->     a section.yaml
    <!-- example: subsection -->       a whole subsection file
    <!-- example: unit -->             Markdown inside a unit
    <!-- example: problem -->          the YAML of a ```{problem}
    <!-- example: file NAME -->        a file beside the subsections (a quiz file)
    <!-- example: first line of course.yaml -->

Every example is built in a course made of the docs' own course.yaml.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT
from coursekit import markdown
from coursekit.build import build
from coursekit.diagnostics import CourseError, Severity

DOC = ROOT / "docs" / "authoring.md"
MARK_RE = re.compile(r"<!--\s*example:\s*(.+?)\s*-->")
KINDS = ("course.yaml", "section.yaml", "subsection", "unit", "problem", "file", "first line of course.yaml")
PNG = ROOT / "tests" / "fixtures" / "lint" / "base" / "static" / "kuvat" / "kurssikuva.png"


@dataclass(frozen=True)
class Example:
    kind: str
    arg: str
    body: str
    line: int  # 1-based line of the fence in the doc

    @property
    def label(self) -> str:
        return f"authoring.md:{self.line}:{self.kind}"


def examples() -> list[Example]:
    text = DOC.read_text(encoding="utf-8")
    lines = text.split("\n")
    found = []
    for tok in markdown.parse(text):
        if tok.type != "fence" or not tok.map:
            continue
        lang = tok.info.strip().split(" ")[0]
        start = tok.map[0]
        above = next((lines[i] for i in range(start - 1, -1, -1) if lines[i].strip()), "")
        match = MARK_RE.search(above)
        if lang not in ("yaml", "markdown", "md", "yml"):
            assert not match, f"authoring.md:{start + 1}: only yaml and markdown examples can be marked"
            continue
        assert match, f"authoring.md:{start + 1}: a {lang} example without an `<!-- example: ... -->` mark"
        spec = match.group(1)
        kind = next((k for k in sorted(KINDS, key=len, reverse=True) if spec == k or spec.startswith(k + " ")), "")
        assert kind, f"authoring.md:{start}: unknown example kind {spec!r}; use one of {KINDS}"
        found.append(Example(kind, spec[len(kind):].strip(), tok.content, start + 1))
    return found


EXAMPLES = examples()


def _by_kind(kind: str) -> list[Example]:
    return [e for e in EXAMPLES if e.kind == kind]


SUBSECTION_HEAD = "---\ntitle: Esimerkki\n---\n\n## Esimerkki\n\n"
EXAM = SUBSECTION_HEAD.replace("title: Esimerkki", "title: Koe\ngraded: Loppukoe") + (
    "```{problem}\ntype: single-choice\nquestion: Kumpi?\nchoices:\n  - text: Tämä\n    correct: true\n"
    "    feedback: Oikein.\n  - text: Tuo\n    feedback: Ei.\n```\n")
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nTervetuloa.\n"


def scratch_course(root: Path) -> Path:
    """A course around the docs' course.yaml, with every file that course.yaml and the examples refer to."""
    (course_yaml,) = _by_kind("course.yaml")
    root.mkdir(parents=True)
    (root / "course.yaml").write_text(course_yaml.body, encoding="utf-8")
    for rel in re.findall(r"^\s*(?:-\s+)?(?:overview|handouts|file):\s+(\S+\.md)\s*$", course_yaml.body, re.M):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("Tekstiä.\n", encoding="utf-8")
    (root / "static" / "kuvat").mkdir(parents=True)
    shutil.copy(PNG, root / "static" / "kuvat" / "kurssikuva.png")
    (root / "static" / "kuvat" / "kaavio.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (root / "static" / "media").mkdir()
    (root / "static" / "media" / "elinkaari.fi.vtt").write_text(VTT, encoding="utf-8")
    (root / "01-koe").mkdir()
    (root / "01-koe" / "section.yaml").write_text("title: Koe\n", encoding="utf-8")
    (root / "01-koe" / "01-koe.md").write_text(EXAM, encoding="utf-8")
    (root / "02-esimerkki").mkdir()
    (root / "02-esimerkki" / "section.yaml").write_text("title: Esimerkit\n", encoding="utf-8")
    for example in _by_kind("file"):
        (root / "02-esimerkki" / example.arg).write_text(example.body, encoding="utf-8")
    return root


def place(example: Example, root: Path) -> None:
    folder = root / "02-esimerkki"
    page = folder / "01-esimerkki.md"
    if example.kind == "section.yaml":
        (folder / "section.yaml").write_text(example.body, encoding="utf-8")
        page.write_text(SUBSECTION_HEAD + "Tekstiä.\n", encoding="utf-8")
    elif example.kind == "subsection":
        page.write_text(example.body, encoding="utf-8")
    elif example.kind == "unit":
        page.write_text(SUBSECTION_HEAD + example.body, encoding="utf-8")
    elif example.kind == "problem":
        page.write_text(SUBSECTION_HEAD + "```{problem}\n" + example.body + "```\n", encoding="utf-8")
    elif example.kind == "file":
        page.write_text(SUBSECTION_HEAD + f"```{{quiz}}\nfile: {example.arg}\n```\n", encoding="utf-8")
    else:  # course.yaml is the course itself
        page.write_text(SUBSECTION_HEAD + "Tekstiä.\n", encoding="utf-8")


BUILT = [e for e in EXAMPLES if e.kind != "first line of course.yaml"]


def test_the_doc_has_examples_of_every_kind() -> None:
    assert {e.kind for e in EXAMPLES} == set(KINDS)
    assert len(_by_kind("course.yaml")) == 1
    assert len(EXAMPLES) >= 12


@pytest.mark.parametrize("example", BUILT, ids=[e.label for e in BUILT])
def test_example_builds(example: Example, tmp_path: Path) -> None:
    root = scratch_course(tmp_path / "course_src")
    place(example, root)
    try:
        result = build(root, tmp_path / "out")
    except CourseError as err:
        errors = [d.format() for d in err.diagnostics if d.severity >= Severity.ERROR]
        pytest.fail(f"{example.label} does not build:\n" + "\n".join(errors))
    assert result.archive.is_file()
    if example.kind in ("unit", "problem", "file", "subsection"):
        assert result.counts.get("vertical", 0) >= 2  # the exam unit and the example's own


def test_schema_comment_is_the_course_yaml_first_line() -> None:
    (line,) = _by_kind("first line of course.yaml")
    (course_yaml,) = _by_kind("course.yaml")
    assert course_yaml.body.split("\n")[0] == line.body.strip()

"""`coursekit pin`: the current ids go into the sources, surgically; renames afterwards keep every id.

Also lint rule S106 (a scored problem or graded subsection without a pinned id, once the course is released).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import KEINO
from coursekit.cli import main
from coursekit.load import load_course
from coursekit.pin import block_ids
from coursekit.push import impact

COURSE_YAML = """\
# Course settings for the pin tests.
org: T
number: PIN1
title: "Pin: a test"   # a colon, so quoted
language: en
runs:
  r1:
    start: 2030-01-01
    end: 2030-12-31
grading:
  cutoff: 0.5
  assignment_types:
    - type: Exam
      short_label: EX
      weight: 1.0
      min_count: 1
      drop_count: 0
"""

SECTION_YAML = "# the first part\ntitle: 'Start: here'   # quoted on purpose"  # no newline at the end

LESSON = """\
---
# front matter with a comment
title: "Lesson: one"
max_attempts: 3   # more tries here
---

## First unit ##

Some text.

```{problem}
# a problem whose first line is a comment
type: single-choice
question: Which one?
choices:
  - text: "This: one"
    correct: true
  - text: That one
```

## Second unit

```{quiz}
file: quiz.yaml
```

```{olx}
<poll display_name="Poll" question="Like it?" answers='[["y", {"label": "Yes"}]]'/>
```
"""

QUIZ = """\
problems:
  # the first question
  - type: numerical
    question: "Two?"
    answer: 2
  - question: Which?
    type: dropdown
    choices:
      - text: A
        correct: true
      - text: B
"""

EXAM = (
    "\ufeff---\r\n"
    "title: Exam\r\n"
    "graded: Exam\r\n"
    "---\r\n"
    "\r\n"
    "## Exam\r\n"
    "\r\n"
    "```{problem}\r\n"
    "type: numerical\r\n"
    "question: How much?\r\n"
    "answer: 4\r\n"
    "```\r\n"
)

PINNED_SECTION = "# the first part\ntitle: 'Start: here'   # quoted on purpose\nid: start\n"

PINNED_LESSON = LESSON.replace(
    'title: "Lesson: one"\n', 'title: "Lesson: one"\nid: start_lesson\n'
).replace(
    "## First unit ##\n", "## First unit {#start_lesson_first-unit}\n"
).replace(
    "type: single-choice\nquestion: Which one?",
    "type: single-choice\nid: start_lesson_first-unit_p1\nquestion: Which one?",
).replace(
    "## Second unit\n", "## Second unit {#start_lesson_second-unit}\n"
)

PINNED_QUIZ = QUIZ.replace(
    '  - type: numerical\n', '  - type: numerical\n    id: start_lesson_second-unit_p1\n'
).replace(
    "    type: dropdown\n", "    type: dropdown\n    id: start_lesson_second-unit_p2\n"
)

PINNED_EXAM = EXAM.replace("title: Exam\r\n", "title: Exam\r\nid: start_exam\r\n").replace(
    "## Exam\r\n", "## Exam {#start_exam_exam}\r\n"
).replace("type: numerical\r\n", "type: numerical\r\nid: start_exam_exam_p1\r\n")


def write_course(root: Path) -> Path:
    files = {
        "course.yaml": COURSE_YAML,
        "01-start/section.yaml": SECTION_YAML,
        "01-start/01-lesson.md": LESSON,
        "01-start/quiz.yaml": QUIZ,
        "01-start/02-exam.md": EXAM,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return write_course(tmp_path / "course_src")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def ids_of(root: Path) -> list[tuple[str, str]]:
    course, report = load_course(root)
    assert course is not None and not report.has_errors(), [d.format() for d in report.items]
    return block_ids(course)


def manifest_blocks(root: Path, out: Path) -> list[dict]:
    code, output = run("build", "--source", str(root), "--out", str(out), "--no-cache")
    assert code == 0, output
    return json.loads((out / "T-PIN1-r1.manifest.json").read_text(encoding="utf-8"))["blocks"]


def test_pin_writes_exactly_the_pins_and_keeps_everything_else(course: Path) -> None:
    code, output = run("pin", "--source", str(course))
    assert code == 0, output
    assert (course / "01-start/section.yaml").read_text(encoding="utf-8") == PINNED_SECTION
    assert (course / "01-start/01-lesson.md").read_text(encoding="utf-8") == PINNED_LESSON
    assert (course / "01-start/quiz.yaml").read_text(encoding="utf-8") == PINNED_QUIZ
    assert (course / "01-start/02-exam.md").read_bytes() == PINNED_EXAM.encode("utf-8")  # BOM and CRLF kept
    assert (course / "course.yaml").read_text(encoding="utf-8") == COURSE_YAML
    # the poll records no score: only --all pins it
    assert "url_name" not in (course / "01-start/01-lesson.md").read_text(encoding="utf-8")
    # what it printed: file:line of each block as it was, and the pin written
    assert f"{course}/01-start/01-lesson.md:7: unit {{#start_lesson_first-unit}}" in output
    assert f"{course}/01-start/quiz.yaml:3: problem id: start_lesson_second-unit_p1" in output
    assert f"{course}/01-start/02-exam.md:1: subsection id: start_exam" in output
    assert "Pinned 10 ids in 4 files" in output


def test_second_run_changes_nothing(course: Path) -> None:
    assert run("pin", "--source", str(course))[0] == 0
    before = snapshot(course)
    code, output = run("pin", "--source", str(course))
    assert code == 0 and "Nothing to pin" in output
    assert snapshot(course) == before
    assert run("pin", "--source", str(course), "--check")[0] == 0


def test_all_also_pins_raw_xblocks(course: Path) -> None:
    code, output = run("pin", "--source", str(course), "--all")
    assert code == 0, output
    text = (course / "01-start/01-lesson.md").read_text(encoding="utf-8")
    assert '<poll url_name="start_lesson_second-unit_poll1" display_name="Poll"' in text
    before = snapshot(course)
    assert "Nothing to pin" in run("pin", "--source", str(course), "--all")[1]
    assert snapshot(course) == before


def test_pinned_ids_equal_the_ids_before(course: Path) -> None:
    before = ids_of(course)
    assert run("pin", "--source", str(course), "--all")[0] == 0
    assert ids_of(course) == before


def rename_everything(root: Path) -> None:
    """Ordinary author edits that change derived ids: a heading, a title, a file name."""
    lesson = root / "01-start/01-lesson.md"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("## First unit", "## The very first unit").replace("## Second unit", "## Quiz time")
    lesson.write_text(text, encoding="utf-8")
    section = root / "01-start/section.yaml"
    section.write_text(section.read_text(encoding="utf-8").replace("Start: here", "Getting started"),
                       encoding="utf-8")
    (root / "01-start/02-exam.md").rename(root / "01-start/02-final-exam.md")
    (root / "01-start").rename(root / "01-getting-started")


def test_after_pinning_renames_keep_every_id_and_the_impact_report_is_clean(course: Path, tmp_path: Path) -> None:
    released = manifest_blocks(course, tmp_path / "out0")
    ids_before = ids_of(course)
    assert run("pin", "--source", str(course))[0] == 0
    assert impact.compare(released, manifest_blocks(course, tmp_path / "out1"), "release").changes == []
    rename_everything(course)
    assert ids_of(course) == ids_before
    report = impact.compare(released, manifest_blocks(course, tmp_path / "out2"), "release")
    assert report.changes == [], report.lines()
    assert report.retitled >= 3  # the section and both units have new titles


def test_without_pinning_the_same_renames_lose_scores(course: Path, tmp_path: Path) -> None:
    released = manifest_blocks(course, tmp_path / "out0")
    rename_everything(course)
    report = impact.compare(released, manifest_blocks(course, tmp_path / "out1"), "release")
    assert report.blocking, report.lines()  # the control: this is what pinning prevents


def test_dry_run_and_check_write_nothing(course: Path) -> None:
    before = snapshot(course)
    code, output = run("pin", "--source", str(course), "--dry-run")
    assert code == 0 and "Would pin 10 ids in 4 files (dry run: nothing was written)" in output
    assert f"{course}/01-start/section.yaml:1: section id: start" in output
    code, output = run("pin", "--source", str(course), "--check")
    assert code == 1 and "are not pinned; run `coursekit pin" in output
    assert snapshot(course) == before


def test_a_course_with_errors_is_not_pinned(course: Path) -> None:
    (course / "01-start/quiz.yaml").write_text(QUIZ.replace("    answer: 2\n", "    answer: 2\n   bad: [\n"),
                                               encoding="utf-8")
    before = snapshot(course)
    code, output = run("pin", "--source", str(course))
    assert code == 1
    assert "01-start/quiz.yaml:" in output and "E001" in output and "nothing was pinned" in output
    assert "Traceback" not in output
    assert snapshot(course) == before


def test_a_block_that_cannot_be_pinned_is_named_and_nothing_is_written(course: Path) -> None:
    lesson = course / "01-start/01-lesson.md"
    flow = "```{discussion}\n{title: Flow, target: Talk}\n```"  # a flow mapping: no line to put `id:` on
    lesson.write_text(LESSON.replace("```{quiz}\nfile: quiz.yaml\n```", flow), encoding="utf-8")
    before = snapshot(course)
    code, output = run("pin", "--source", str(course), "--all")
    assert code == 1
    where = f"{course}/01-start/01-lesson.md:24:1: E005 error: "
    assert where + "cannot pin discussion 'start_lesson_second-unit_discussion1' automatically" in output, output
    assert "add `id: start_lesson_second-unit_discussion1` by hand" in output and "nothing was written" in output
    assert snapshot(course) == before


def test_keino_pins_and_builds_the_same_blocks(tmp_path: Path) -> None:
    src = tmp_path / "course_src"
    shutil.copytree(KEINO, src, ignore=shutil.ignore_patterns("releases"))
    before = ids_of(src)
    code, output = run("pin", "--source", str(src))
    assert code == 0, output
    assert ids_of(src) == before
    assert "Nothing to pin" in run("pin", "--source", str(src))[1]


# -- lint rule S106 ------------------------------------------------------------------------------------------------


def lint_codes(root: Path) -> list[str]:
    result = CliRunner().invoke(main, ["lint", "--source", str(root), "--format", "json", "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    output = result.stdout
    return [f"{f['code']} {f['file']}:{f['line']}" for f in json.loads(output)["findings"] if f["code"] == "S106"]


def add_release_record(root: Path) -> None:
    folder = root / "releases" / "studio.example.org" / "T+PIN1+r1"
    folder.mkdir(parents=True)
    (folder / "20300105T120000Z.json").write_text(json.dumps({"format": "coursekit-release/1", "blocks": []}),
                                                   encoding="utf-8")


def test_s106_is_silent_for_a_course_never_released(course: Path) -> None:
    assert lint_codes(course) == []


def test_s106_names_each_unpinned_scored_block_once_released_and_pin_fixes_it(course: Path) -> None:
    add_release_record(course)
    found = lint_codes(course)
    assert found == [
        "S106 01-start/01-lesson.md:12",  # the fenced problem: where its YAML starts, after the fence
        "S106 01-start/02-exam.md:1",  # the graded subsection
        "S106 01-start/02-exam.md:9",
        "S106 01-start/quiz.yaml:3",  # the scored quiz questions
        "S106 01-start/quiz.yaml:6",
    ], found
    assert run("pin", "--source", str(course))[0] == 0
    assert lint_codes(course) == []


def test_s106_reads_the_release_folder_from_the_options(course: Path, tmp_path: Path) -> None:
    other = tmp_path / "records"
    add_release_record(other.parent / "records_parent")
    (course / "course.yaml").write_text(COURSE_YAML + f"lint:\n  options:\n    release_records: {other}\n",
                                        encoding="utf-8")
    assert lint_codes(course) == []
    shutil.copytree(other.parent / "records_parent" / "releases", other)
    assert len(lint_codes(course)) == 5


def test_a_quiz_file_included_twice_cannot_be_pinned(course: Path) -> None:
    lesson = course / "01-start/01-lesson.md"
    lesson.write_text(LESSON + "\n## Again\n\n```{quiz}\nfile: quiz.yaml\n```\n", encoding="utf-8")
    before = snapshot(course)
    code, output = run("pin", "--source", str(course))
    assert code == 1, output
    assert f"{course}/01-start/quiz.yaml:3:5: E005 error: cannot pin problem 'start_lesson_second-unit_p1': the " \
           "same source is also problem 'start_lesson_again_p1'" in output
    assert snapshot(course) == before


def test_edits_that_would_change_an_id_are_never_written(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety net: the edited sources are loaded again before writing; a wrong edit writes nothing."""
    from coursekit import pin as pinning

    real = pinning._apply

    def wrong(lines: list[str], pins: list) -> list[str]:
        return [line.replace("{#start_lesson_first-unit}", "{#something-else}") for line in real(lines, pins)]

    monkeypatch.setattr(pinning, "_apply", wrong)
    before = snapshot(course)
    result = CliRunner().invoke(main, ["pin", "--source", str(course)])
    assert result.exit_code == 3
    assert "pinning would change block ids; nothing was written" in result.output
    assert snapshot(course) == before

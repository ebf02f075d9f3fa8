"""YAML that used to crash the loader or was silently dropped: each case is a located error or kept whole.

Every bad case runs through `build` and `lint --format json`: exit 1, the exact
file:line:col and code, a `fix:`, no traceback, valid JSON, nothing written.
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import Bad, build_fails_at, edit
from coursekit.cli import main

PROBLEMS = "01-basics/02-problems.md"


BAD = [
    # impossible dates, anywhere a date is read
    Bad("run-start-feb-30", "course.yaml", "start: 2019-03-04", "start: 2020-02-30",
        "course.yaml:12:12", "E013", "'2020-02-30' is not a real date", "check the day"),
    Bad("section-start-month-13", "01-basics/section.yaml", "start: +0d", "start: 2019-13-45",
        "01-basics/section.yaml:3:8", "E013", "'2019-13-45' is not a real date"),
    Bad("update-date-feb-30", "course.yaml", "date: 2019-03-11", "date: 2019-02-30",
        "course.yaml:53:13", "E013", "not a real date"),
    Bad("due-hour-25", PROBLEMS, "due: +2w", "due: 2019-06-03T25:00", f"{PROBLEMS}:4:6", "E013", "not a real date"),
    # explicit tags with values they cannot hold
    Bad("bool-tag", "course.yaml", "pacing: instructor", "pacing: !!bool maybe",
        "course.yaml:8:9", "E001", "`!!bool maybe` is not a valid true/false value", "remove the `!!bool` tag"),
    Bad("timestamp-tag", "course.yaml", "start: 2019-03-04", "start: !!timestamp soon",
        "course.yaml:12:12", "E001", "`!!timestamp soon` is not a valid date"),
    Bad("timestamp-tag-feb-30", "course.yaml", "start: 2019-03-04", "start: !!timestamp 2019-02-30",
        "course.yaml:12:12", "E001", "day is out of range for month"),
    Bad("int-tag", PROBLEMS, "max_attempts: 5", "max_attempts: !!int x", f"{PROBLEMS}:81:15", "E001",
        "`!!int x` is not a valid whole number"),
    Bad("float-tag", PROBLEMS, "weight: 2", "weight: !!float many", f"{PROBLEMS}:39:9", "E001",
        "`!!float many` is not a valid number"),
    Bad("unknown-tag", PROBLEMS, "title: Yksi oikea", "title: !huom Yksi oikea", f"{PROBLEMS}:16:8", "E001",
        "`!huom` is not a YAML type"),
    Bad("escaped-nul", "course.yaml", "title: Feature fixture course", 'title: "Feature\\x00 course"',
        "course.yaml:5:8", "E021", "control character U+0000"),
    Bad("escaped-vertical-tab", "01-basics/section.yaml", "title: Perusteet", 'title: "Perus\\vteet"',
        "01-basics/section.yaml:1:8", "E021", "control character U+000B"),
    # keys a problem type does not use
    Bad("numerical-wrong-answers", PROBLEMS, "tolerance: 1%\n", "tolerance: 1%\nwrong_answers:\n  - answer: 1\n"
        "    feedback: Ei.\n", f"{PROBLEMS}:79:1", "E005", "`wrong_answers` is not used by a `numerical` problem",
        "used only by `text` problems"),
    Bad("numerical-alternatives", PROBLEMS, "tolerance: 1%\n", "tolerance: 1%\nalternatives: [12 500]\n",
        f"{PROBLEMS}:79:1", "E005", "`alternatives` is not used by a `numerical` problem"),
    Bad("text-choices", PROBLEMS, "answer: HILMA\n", "answer: HILMA\nchoices:\n  - text: a\n  - text: b\n",
        f"{PROBLEMS}:89:1", "E005", "`choices` is not used by a `text` problem"),
    Bad("single-feedback-unselected", PROBLEMS, "    feedback: Väärin, koska toisin on.\n",
        "    feedback: Väärin, koska toisin on.\n    feedback_unselected: Hyvä.\n", f"{PROBLEMS}:32:5", "E005",
        "`feedback_unselected` is not used by a `single-choice` problem", "used only by `multiple-choice`"),
    Bad("single-combinations", PROBLEMS, "shuffle: true\n", "shuffle: true\ncombinations:\n  - choices: [A]\n"
        "    feedback: x\n", f"{PROBLEMS}:26:1", "E005", "`combinations` is not used by a `single-choice` problem"),
    Bad("multiple-shuffle", PROBLEMS, "question: Valitse kaikki oikeat.\n",
        "question: Valitse kaikki oikeat.\nshuffle: true\n", f"{PROBLEMS}:46:1", "E005",
        "`shuffle` is not used by a `multiple-choice` problem", "used only by `single-choice`"),
    Bad("numerical-typo", PROBLEMS, "tolerance: 1%", "tolerence: 1%", f"{PROBLEMS}:78:1", "E005",
        "unknown key `tolerence`", "did you mean `tolerance`?"),
    Bad("combination-missing-choice", PROBLEMS, "choices: [A, C]", "choices: [A, D]", f"{PROBLEMS}:57:14", "E005",
        "combination names choice D, but the problem has only 3 choices (A, B, C)"),
    Bad("single-one-choice", PROBLEMS, "  - text: Väärä vastaus\n    feedback: Väärin, koska toisin on.\n", "",
        f"{PROBLEMS}:27:3", "E005", "needs at least 2 choices"),
    Bad("dropdown-one-option", PROBLEMS, "  - text: Yksi\n    feedback: Ei yksi.\n", "",
        f"{PROBLEMS}:66:3", "E005", "needs at least 2 choices"),
    # YAML's own messages, in words an author can act on; errors point at the value
    Bad("colon-in-value", "course.yaml", "title: Feature fixture course", "title: Osa 1: Johdanto",
        "course.yaml:5:13", "E001", "a colon followed by a space", 'put the whole value in quotes'),
    Bad("list-item-misindented", PROBLEMS, "  - text: Väärä vastaus\n    feedback:",
        "  - text: Väärä vastaus\n  feedback:", f"{PROBLEMS}:31:3", "E001", "does not continue the list",
        "start the line with `- `"),
    Bad("yes-as-text", PROBLEMS, "  - text: Väärä vastaus", "  - text: Yes", f"{PROBLEMS}:30:11", "E005",
        "read as the value true/false", 'put the text in quotes'),
    Bad("tab-indent", "course.yaml", "  2019_spring:\n    start:", "  2019_spring:\n\tstart:", "course.yaml:12:1",
        "E001", "a tab character", "replace the tab with spaces"),
    Bad("unclosed-quote", "course.yaml", "title: Feature fixture course", 'title: "Feature fixture course',
        "course.yaml:5:8", "E001", "this quote is not closed on its line", "add the closing quote"),
    Bad("bad-boolean-value", PROBLEMS, "    correct: true\n    feedback: A on",
        "    correct: maybe\n    feedback: A on",
        f"{PROBLEMS}:48:14", "E005", "'maybe' is not true or false"),
    Bad("value-on-its-own-line", PROBLEMS, "hints:\n  - Ensimmäinen vihje.\n  - Toinen vihje.\n",
        "hints:\n  vihje: Ensimmäinen.\n", f"{PROBLEMS}:33:3", "E005", "expected a list here", "start each entry"),
    Bad("text-expected-got-list", PROBLEMS, "question: Valitse kaikki oikeat.", "question: [Valitse, kaikki]",
        f"{PROBLEMS}:45:11", "E005", "problem key `question`"),
]


@pytest.mark.parametrize("case", BAD, ids=[c.name for c in BAD])
def test_bad_yaml_is_a_located_error(src: Path, tmp_path: Path, case: Bad) -> None:
    build_fails_at(src, tmp_path / "olx_build", lambda: edit(src, case.file, case.old, case.new), case.where,
                   case.code, case.says, case.fix)


def _archive_text(out: Path) -> str:
    (archive,) = out.glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        return "\n".join(tar.extractfile(m).read().decode("utf-8", "replace")  # type: ignore[union-attr]
                         for m in tar.getmembers() if m.isfile())


@pytest.mark.parametrize(("file", "old", "new", "kept"), [
    ("course.yaml", "title: Feature fixture course", "title: 2031-07-15", 'display_name="2031-07-15"'),
    ("course.yaml", "number: F101", "number: 2019-06-03", 'course="2019-06-03"'),
    (PROBLEMS, "title: Yksi oikea", "title: 12:30", 'display_name="12:30"'),  # not YAML 1.1's base-60 750
    (PROBLEMS, "title: Yksi oikea", "title: !!str 2019-06-03", 'display_name="2019-06-03"'),
], ids=["date-as-title", "date-as-number", "time-as-title", "str-tag"])
def test_dates_and_times_where_text_is_expected_stay_text(src: Path, tmp_path: Path, file: str, old: str,
                                                         new: str, kept: str) -> None:
    edit(src, file, old, new)
    out = tmp_path / "olx_build"
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert kept in _archive_text(out)


def test_a_broken_section_is_reported_first_and_alone(src: Path, tmp_path: Path) -> None:
    # 01-basics links to ../02-media/ and the Exam type needs its graded subsection: both follow from this error.
    edit(src, "02-media/section.yaml", "title: ", "title: Osa 2: ")
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if " error: " in line]
    assert lines[0].startswith(f"{src}/02-media/section.yaml:1:") and " E001 " in lines[0]
    assert not [line for line in lines if " E011 " in line], result.output  # no follow-on link errors
    assert all("probably because 02-media/section.yaml could not be read" in line for line in lines[1:])

    lint = CliRunner().invoke(main, ["lint", "--source", str(src), "--no-olx", "--format", "json"])
    # W701: spelling, if installed; G208: the feature course's homework shows answers after one attempt (its own)
    findings = [f for f in json.loads(lint.output)["findings"] if f["code"] not in ("W701", "G208")]
    assert findings[0]["code"] == "E001" and findings[0]["path"].endswith("02-media/section.yaml")
    assert not [f for f in findings if f["code"] in ("S105", "E011")], findings
    assert [f["code"] for f in findings[1:]] == ["G202"]


def test_the_per_type_problem_validator_finds_what_the_whole_schema_finds() -> None:
    """Problems are validated against their own type's branch only: the errors must be the same."""
    import itertools

    from coursekit.load import yamlsrc

    base = {"single-choice": {"question": "Q", "choices": [{"text": "a", "correct": True}, {"text": "b"}]},
            "multiple-choice": {"question": "Q", "choices": [{"text": "a", "correct": True}, {"text": "b"}]},
            "dropdown": {"question": "Q", "choices": [{"text": "a", "correct": True}, {"text": "b"}]},
            "numerical": {"question": "Q", "answer": 3, "tolerance": "5%"},
            "text": {"question": "Q", "answer": "x"}}
    extras = [{}, {"tolerance": 1}, {"shuffle": True}, {"answer": [1]}, {"choices": []}, {"hints": "h"},
              {"feedback_unselected": "x"}, {"weight": "heavy"}, {"nonsense": 1}, {"question": None},
              {"choices": [{"text": "a", "bogus": 1}, {"text": 2}]}, {"alternatives": ["y"]}]

    def errors(v, data):
        return sorted((list(map(str, e.absolute_path)), e.validator, e.message) for e in v.iter_errors(data))

    checked = 0
    for (kind, fields), extra in itertools.product(base.items(), extras):
        data = {"type": kind, **fields, **extra}
        data = {k: v for k, v in data.items() if v is not None}
        assert errors(yamlsrc._validator_for(data, "problem.schema.json"), data) == \
            errors(yamlsrc.validator("problem.schema.json"), data), (kind, extra)
        checked += 1
    assert checked == 60 and yamlsrc._validator_for({"type": "text"}, "problem.schema.json") is not \
        yamlsrc.validator("problem.schema.json")

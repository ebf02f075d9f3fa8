"""The Moodle XML question bank: what a cartridge cannot carry, with its grading intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from conftest import FEATURE, KEINO
from coursekit import grading
from coursekit.emit.imscc import _Cartridge, moodlexml
from coursekit.load import load_course
from coursekit.model import Problem


def _bank(root: Path) -> tuple[list[tuple[str, Problem]], etree._Element, bytes]:
    course, _ = load_course(root)
    cartridge = _Cartridge(course, course.default_run, root)
    cartridge.emit()
    data = moodlexml.question_bank(course, cartridge.bank, lambda t: {link.href: link.href for link in t.links})
    return cartridge.bank, etree.fromstring(data), data


@pytest.mark.parametrize("root", [KEINO, FEATURE], ids=["keino", "feature"])
def test_every_bank_question_keeps_its_id_grading_and_feedback(root: Path) -> None:
    items, doc, data = _bank(root)
    questions = [q for q in doc.iterfind("question") if q.get("type") != "category"]
    assert len(questions) == len(items) >= 2
    assert data == _bank(root)[2]  # deterministic
    for (_section, problem), q in zip(items, questions, strict=True):
        assert q.findtext("idnumber") == problem.id
        fractions = [float(a.get("fraction")) for a in q.iterfind("answer")]
        for f in fractions:
            assert grading.on_grade_list(f) == f
        right = [a for a in q.iterfind("answer") if a.get("fraction") == "100"]
        if problem.kind == "numerical":
            assert q.get("type") == "numerical"
            assert float(right[0].findtext("text")) == float(problem.answer)
            assert float(right[0].findtext("tolerance")) == pytest.approx(
                grading.tolerance_abs(problem.answer, problem.tolerance))
        else:
            assert q.findtext("single") == "true"
            wanted = [i for i, c in enumerate(problem.choices) if c.correct]
            got = [i for i, a in enumerate(q.iterfind("answer")) if a.get("fraction") == "100"]
            assert got == wanted
        assert len(q.findall("hint")) == len(problem.hints)
        assert bool(q.findtext("generalfeedback/text")) == bool(problem.explanation)
    categories = [q.findtext("category/text") for q in doc.iterfind("question") if q.get("type") == "category"]
    assert len(categories) == len(dict.fromkeys(s for s, _ in items))
    assert all(c.startswith("$course$/top/") for c in categories)


def test_special_characters_survive(src: Path) -> None:
    sub = next(src.glob("0*/0*.md"))
    sub.write_text(sub.read_text(encoding="utf-8") + '\n```{problem}\ntype: numerical\nquestion: "Paljonko on '
                   '3 & 4 < 8 ]]> äö = ~ # { } :?"\nanswer: 7\ntolerance: 10%\n```\n', encoding="utf-8")
    items, doc, _ = _bank(src)
    mine = next(p for _s, p in items if "äö" in p.question.text)
    q = next(q for q in doc.iterfind("question") if q.findtext("idnumber") == mine.id)
    text = etree.fromstring(f"<div>{q.findtext('questiontext/text')}</div>").xpath("string()")
    assert "3 & 4 < 8 ]]> äö = ~ # { } :?" in text
    assert float(q.findtext("answer/tolerance")) == pytest.approx(0.7)  # 10 % of 7, made absolute


def test_grading_helpers() -> None:
    assert grading.tolerance_abs(200, "5%") == 10
    assert grading.tolerance_abs(3, 0.5) == 0.5
    assert grading.tolerance_abs(3, None) == 0
    assert grading.choice_fractions([True, False, True, True]) == [33.33333, -100.0, 33.33333, 33.33333]
    assert grading.on_grade_list(-50) == -50
    with pytest.raises(ValueError):
        grading.on_grade_list(35)


def test_losses_are_named() -> None:
    course, _ = load_course(FEATURE)
    problems = [c for *_, c in course.components() if isinstance(c, Problem)]
    said = [line for p in problems for line in moodlexml.losses(p)]
    assert any("regular expression" in s for s in said)
    assert any("left unselected" in s for s in said)

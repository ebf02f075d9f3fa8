"""Moodle XML question bank for every problem of a course: format, grading, and agreement with the OLX target."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import FEATURE, KEINO
from coursekit import grading
from coursekit.emit.imscc import moodlexml
from coursekit.emit.olx.problems import problem_xml
from coursekit.load import load_course
from coursekit.model import Course, Problem

Items = list[tuple[str, Problem]]


def _items(root: Path) -> tuple[Course, Items]:
    course, _report = load_course(root)
    assert course is not None
    return course, [(section.title, comp) for section, _s, _u, comp in course.components()
                    if isinstance(comp, Problem)]


def _bank(root: Path) -> tuple[Course, Items, etree._Element, bytes]:
    course, items = _items(root)
    data = moodlexml.question_bank(course, items, moodlexml.default_urls)
    return course, items, etree.fromstring(data), data


@pytest.fixture(scope="module", params=[KEINO, FEATURE], ids=["keino", "feature"])
def bank(request) -> tuple[Course, Items, etree._Element, bytes]:
    return _bank(request.param)


def _questions(doc: etree._Element) -> list[etree._Element]:
    return [q for q in doc.iterfind("question") if q.get("type") != "category"]


def _html_text(html: str) -> str:
    return lxml_html.fragment_fromstring(html, create_parent="div").text_content() if html.strip() else ""


# -- format ----------------------------------------------------------------------------


def test_one_question_per_problem_with_its_id(bank) -> None:
    _course, items, doc, data = bank
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    questions = _questions(doc)
    assert [q.findtext("idnumber") for q in questions] == [p.id for _s, p in items]
    kinds = {"numerical": "numerical", "text": "shortanswer"}
    for (_s, problem), q in zip(items, questions, strict=True):
        assert q.get("type") == kinds.get(problem.kind, "multichoice")
        name = q.findtext("name/text")
        assert name and name.strip() == name and len(name) <= 255
        assert q.find("questiontext").get("format") == "html"
        assert _html_text(q.findtext("questiontext/text")).strip()
        assert float(q.findtext("defaultgrade")) == (1.0 if problem.weight is None else problem.weight)
        assert q.findtext("penalty") == "0"
        assert len(q.findall("hint")) == len(problem.hints)
        assert bool(q.findtext("generalfeedback/text")) == bool(problem.explanation)


def test_every_fraction_is_on_the_grade_list(bank) -> None:
    _course, _items, doc, _data = bank
    fractions = [a.get("fraction") for a in doc.iter("answer")]
    assert fractions
    for text in fractions:
        assert grading.on_grade_list(float(text)) == float(text)
    for q in _questions(doc):
        if q.findtext("single") == "false":  # Moodle refuses a multiple-answer question whose shares are not 100 %
            assert sum(max(0.0, float(a.get("fraction"))) for a in q.iterfind("answer")) == pytest.approx(100, abs=0.01)


def test_a_category_before_each_section(bank) -> None:
    course, items, doc, _data = bank
    seen: list[str] = []
    for element in doc.iterfind("question"):
        if element.get("type") == "category":
            seen.append(element.findtext("category/text"))
    sections = list(dict.fromkeys(s for s, _p in items))
    assert seen == [f"$course$/top/{course.title.replace('/', '//')}/{s.replace('/', '//')}" for s in sections]
    # each category comes right before the first question of its section
    current = None
    for element in doc.iterfind("question"):
        if element.get("type") == "category":
            current = element.findtext("category/text")
        else:
            section = next(s for s, p in items if p.id == element.findtext("idnumber"))
            assert current is not None and current.endswith("/" + section.replace("/", "//"))


def test_deterministic(bank) -> None:
    _course, items, _doc, data = bank
    root = KEINO if any(p.id.startswith("osa1") for _s, p in items) else FEATURE
    assert _bank(root)[3] == data


def test_percent_tolerance_is_made_absolute(bank) -> None:
    _course, items, doc, _data = bank
    by_id = {q.findtext("idnumber"): q for q in _questions(doc)}
    percent = [p for _s, p in items if p.kind == "numerical" and str(p.tolerance).endswith("%")]
    keino = any(p.id.startswith("osa1") for _s, p in items)
    # The feature course has one (12500 ± 1 %). The KEINO course had 4 000 000 ± 1 % until
    # issue 12 removed that self-check (osa3-prosenttiosuus); it may now have none.
    assert percent or keino
    for problem in percent:
        answer = by_id[problem.id].find("answer[@fraction='100']")
        share = float(str(problem.tolerance).rstrip("%"))
        assert float(answer.findtext("text")) == float(problem.answer)
        assert float(answer.findtext("tolerance")) == pytest.approx(abs(float(problem.answer)) * share / 100)
    feature = {p.id: p for _s, p in items}
    if "numeric" in feature:
        assert by_id["numeric"].findtext("answer/tolerance") == "125"


# -- special characters ----------------------------------------------------------------

TRICKY = "A & B < C ]]> ääkköset ÅÄÖ"


def test_special_characters_round_trip(src: Path) -> None:
    sub = src / "01-basics" / "02-problems.md"
    sub.write_text(sub.read_text(encoding="utf-8") + f"""
```{{problem}}
type: text
id: tricky-text
question: |
  Kirjoita {TRICKY}?
answer: "{TRICKY}"
alternatives: ["2*3 {TRICKY}"]
correct_feedback: "Oikein: {TRICKY}"
```

```{{problem}}
type: multiple-choice
id: tricky-choice
question: "Valitse {TRICKY}"
choices:
  - text: "Eka {TRICKY}"
    correct: true
    feedback: "Palaute {TRICKY}"
  - text: Toka
```
""", encoding="utf-8")
    course, items = _items(src)
    data = moodlexml.question_bank(course, items, moodlexml.default_urls)
    assert b"]]>" not in data and b"A & B" not in data  # escaped by lxml, never raw
    doc = etree.fromstring(data)
    by_id = {q.findtext("idnumber"): q for q in _questions(doc)}
    text = by_id["tricky-text"]
    assert TRICKY in _html_text(text.findtext("questiontext/text"))
    answers = [a.findtext("text") for a in text.iterfind("answer")]
    assert answers == [TRICKY, f"2\\*3 {TRICKY}"]  # a literal * is escaped: Moodle reads * as a wildcard
    assert all(TRICKY in _html_text(a.findtext("feedback/text")) for a in text.iterfind("answer"))
    choice = by_id["tricky-choice"]
    assert TRICKY in _html_text(choice.findtext("questiontext/text"))
    first = choice.find("answer")
    assert TRICKY in _html_text(first.findtext("text")) and TRICKY in _html_text(first.findtext("feedback/text"))
    assert choice.findtext("name/text") == "Valitse A & B < C ]]> ääkköset…"  # first words


# -- losses ----------------------------------------------------------------------------


def test_losses_name_regexp_unselected_feedback_and_combinations() -> None:
    _course, items = _items(FEATURE)
    said = {p.id: moodlexml.losses(p) for _s, p in items}
    assert any("regular expression" in s and "201[0-9]" in s for s in said["textregexp"])
    assert any("left unselected" in s for s in said["multi"])
    assert any("all or nothing" in s for s in said["multi"])
    assert any("radio buttons" in s for s in said["drop"])
    assert not any("regular expression" in s for s in said["textinput"])
    # the combination A C is exactly the right set: kept as Moodle's correct feedback, not a loss
    assert not any("combinations" in s for s in said["multi"])
    doc = etree.fromstring(moodlexml.question_bank(_course, items))
    multi = next(q for q in _questions(doc) if q.findtext("idnumber") == "multi")
    assert "Täsmälleen oikein" in multi.findtext("correctfeedback/text")


def test_losses_for_every_problem_of_both_courses() -> None:
    for root in (KEINO, FEATURE):
        _course, items = _items(root)
        for _s, problem in items:
            lines = moodlexml.losses(problem)
            assert all(isinstance(line, str) and line and "\n" not in line for line in lines)
            if problem.kind == "text" and problem.regexp:
                assert any("regular expression" in line for line in lines)
            if any(c.feedback_unselected for c in problem.choices):
                assert any("left unselected" in line for line in lines)


# -- agreement with the OLX target -------------------------------------------------------


def _capa_accepts(student: float, answer: str, tolerance: str | None) -> bool:
    """CAPA's compare_with_tolerance for real numbers (``capa/util.py``)."""
    span = grading.answer_range(answer)
    if span is not None:
        low, high, low_in, high_in = span
        return low < student < high or (low_in and student == low) or (high_in and student == high)
    correct = float(answer)
    tol = tolerance or grading.CAPA_DEFAULT_TOLERANCE
    if tol.endswith("%"):
        share = float(tol[:-1]) / 100
        allowed = share * max(abs(student), abs(correct)) if tol == grading.CAPA_DEFAULT_TOLERANCE \
            else share * abs(correct)
    else:
        allowed = float(tol)
    return abs(student - correct) <= allowed


def _moodle_multichoice_score(fractions: list[float], chosen: set[int]) -> float:
    return min(100.0, max(0.0, sum(fractions[i] for i in chosen)))


def _unwild(pattern: str) -> str:
    return pattern.replace("\\*", "*")


def _check_agreement(problem: Problem, q: etree._Element) -> None:
    olx = problem_xml(problem)
    answers = q.findall("answer")
    fractions = [float(a.get("fraction")) for a in answers]
    full = [i for i, f in enumerate(fractions) if f == 100]
    if problem.kind in ("single-choice", "dropdown"):
        path = "//choicegroup/choice" if problem.kind == "single-choice" else "//optioninput/option"
        right = [i for i, c in enumerate(olx.xpath(path)) if c.get("correct").lower() == "true"]
        assert q.findtext("single") == "true"
        assert full == right
        assert all(f == 0 for i, f in enumerate(fractions) if i not in right)
    elif problem.kind == "multiple-choice":
        right = {i for i, c in enumerate(olx.xpath("//checkboxgroup/choice")) if c.get("correct") == "true"}
        assert q.findtext("single") == "false"
        assert {i for i, f in enumerate(fractions) if f > 0} == right
        # Open edX: exactly the right set scores; any wrong choice scores 0 in Moodle too
        for size in range(len(answers) + 1):
            for chosen in map(set, itertools.combinations(range(len(answers)), size)):
                score = _moodle_multichoice_score(fractions, chosen)
                assert (score == pytest.approx(100, abs=0.01)) == (chosen == right)
                if chosen - right:
                    assert score == 0
    elif problem.kind == "numerical":
        response = olx.find(".//numericalresponse")
        answer = response.get("answer")
        param = response.find("responseparam[@type='tolerance']")
        tolerance = param.get("default") if param is not None else None
        assert len(full) == 1
        value = float(answers[full[0]].findtext("text"))
        tol = float(answers[full[0]].findtext("tolerance"))
        span = grading.answer_range(answer)
        centre = (span[0] + span[1]) / 2 if span else float(answer)
        reach = (span[1] - span[0]) / 2 if span else grading.tolerance_abs(answer, tolerance or "0.001%")
        probes = [centre, centre + 0.999 * reach, centre - 0.999 * reach,
                  centre + 1.001 * reach + 1e-9, centre - 1.001 * reach - 1e-9]
        for x in probes:
            assert (value - tol <= x <= value + tol) == _capa_accepts(x, answer, tolerance), (problem.id, x)
    elif problem.kind == "text":
        response = olx.find(".//stringresponse")
        right = [response.get("answer"), *(a.get("answer") for a in response.iterfind("additional_answer"))]
        got = [answers[i].findtext("text") for i in full]
        if problem.regexp:
            assert got == [grading.wildcard_of_regexp(r) or grading.literal_wildcard(r) for r in right]
        else:
            assert [_unwild(g) for g in got] == right
        assert q.findtext("usecase") == ("0" if "ci" in (response.get("type") or "").split() else "1")
        assert [answers[i].findtext("text") for i, f in enumerate(fractions) if f == 0] == \
            [grading.literal_wildcard(w.answer) for w in problem.wrong_answers]
    else:
        raise AssertionError(problem.kind)


def test_right_answers_agree_with_the_olx_target(bank) -> None:
    _course, items, doc, _data = bank
    for (_s, problem), q in zip(items, _questions(doc), strict=True):
        _check_agreement(problem, q)


# -- grading helpers ---------------------------------------------------------------------


def test_tolerance_abs() -> None:
    assert grading.tolerance_abs(200, "5%") == 10
    assert grading.tolerance_abs(-200, "5 %") == 10
    assert grading.tolerance_abs(12500, "1%") == 125
    assert grading.tolerance_abs(3, 0.5) == 0.5
    assert grading.tolerance_abs(3, "0.25") == 0.25
    assert grading.tolerance_abs(3, None) == 0
    with pytest.raises(ValueError):
        grading.tolerance_abs(3, "viisi")


def test_numerical_target() -> None:
    assert grading.numerical_target(12500, "1%") == (12500, 125)
    assert grading.numerical_target("[10, 20]", "5%") == (15, 5)  # CAPA ignores a range's tolerance
    assert grading.numerical_target("(20, 10]", None) == (15, 5)
    value, tol = grading.numerical_target(1_000_000, None)  # CAPA's default 0.001 %
    assert value == 1_000_000 and tol == pytest.approx(10)
    assert grading.answer_range("[1, 2)") == (1, 2, True, False)
    assert grading.answer_range(5) is None


def test_on_grade_list() -> None:
    assert grading.on_grade_list(100) == 100
    assert grading.on_grade_list(33.333333) == 33.33333
    assert grading.on_grade_list(100 / 7) == 14.28571
    assert grading.on_grade_list(-50) == -50
    assert grading.on_grade_list(-0.00001) == 0
    for bad in (35, 33.3, 101, -1):
        with pytest.raises(ValueError):
            grading.on_grade_list(bad)


def test_choice_fractions() -> None:
    assert grading.choice_fractions([True, False, True, True]) == [33.33333, -100, 33.33333, 33.33333]
    for n in range(1, 21):
        shares = grading.choice_fractions([True] * n + [False])
        assert shares[-1] == -100
        assert sum(shares[:-1]) == pytest.approx(100, abs=0.01)  # Moodle's check: the shares add up to 100 %
        assert all(grading.on_grade_list(s) == s for s in shares)
    with pytest.raises(ValueError):
        grading.choice_fractions([True] * 21)
    with pytest.raises(ValueError):
        grading.choice_fractions([False, False])
    _course, items = _items(FEATURE)
    multi = next(p for _s, p in items if p.id == "multi")
    assert grading.choice_fractions(multi) == [50, -100, 50]


def test_wildcards() -> None:
    assert grading.wildcard_of_regexp("abc.*") == "abc*"
    assert grading.wildcard_of_regexp(r"a\.b\*") == "a.b\\*"
    assert grading.wildcard_of_regexp("201[0-9]") is None
    assert grading.wildcard_of_regexp("a|b") is None
    assert grading.literal_wildcard("2*3") == "2\\*3"


def test_question_names() -> None:
    _course, items = _items(FEATURE)
    by_id = {p.id: p for _s, p in items}
    assert moodlexml.question_name(by_id["single-one"]) == "Yksi oikea"  # written title
    assert moodlexml.question_name(by_id["numeric"]) == "Paljonko on 10 000 + 2 500?"  # first words
    long = moodlexml.question_name(by_id["single-one"].__class__(
        id="x", loc=by_id["numeric"].loc, title="Unit", question=by_id["single-one"].question))
    assert long.endswith("…") and "|" not in long

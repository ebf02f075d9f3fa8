"""Problems a cartridge cannot carry -> a Moodle XML question bank (Question bank > Import > Moodle XML).

Per type (what Moodle 4.5's importer keeps, ``shared/reference/moodle-import-facts.md``):
numerical -> ``numerical`` (the answer with CAPA's tolerance made absolute, wrong answers with
their feedback at fraction 0); dropdown -> ``multichoice`` with one answer (Moodle has no
dropdown question outside cloze; the grading is the same: one right option); single choice ->
``multichoice`` single; multiple choice -> ``multichoice`` with per-answer fractions from
:mod:`coursekit.grading`; text -> ``shortanswer`` (``usecase`` from ``case_sensitive``, the
alternatives as further right answers). Every question keeps its hints, its explanation (general
feedback), its weight (default mark) and the coursekit id as ``idnumber``; a category per section.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from coursekit import grading, markdown
from coursekit.model import Course, MdText, Problem

PENALTY = "0.3333333"


def _html(text: MdText | None, urls_for: Callable[[MdText], dict[str, str]]) -> str:
    if text is None or not text:
        return ""
    return markdown.render_tokens(markdown.tokens_of(text), urls_for(text)).strip()


def _text(parent: etree._Element, tag: str, value: str, fmt: str | None = "html") -> etree._Element:
    element = etree.SubElement(parent, tag, {"format": fmt} if fmt else {})
    etree.SubElement(element, "text").text = value
    return element


def _number(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else f"{number:.12g}"


def _fraction(percent: float) -> str:
    return f"{percent:g}"


def losses(problem: Problem) -> list[str]:
    """What Moodle cannot keep of this problem, in plain words."""
    out = []
    if problem.kind == "text" and problem.regexp:
        out.append("the answer is a regular expression; Moodle's short answer knows only * wildcards, so it "
                   "is matched as written")
    if any(c.feedback_unselected for c in problem.choices):
        out.append("feedback for choices left unselected is not kept (Moodle has feedback for chosen answers)")
    if problem.combinations:
        out.append("feedback for combinations of choices is not kept")
    if problem.kind == "multiple-choice":
        out.append("Open edX grades it all or nothing; Moodle gives partial credit for some of the right "
                   "choices (any wrong choice still scores 0)")
    if problem.kind == "dropdown":
        out.append("shown as radio buttons, not a drop-down list")
    return out


def question_bank(course: Course, items: list[tuple[str, Problem]],
                  urls_for: Callable[[MdText], dict[str, str]]) -> bytes:
    """A Moodle XML file with ``items`` ((category, problem) in course order)."""
    root = etree.Element("quiz")
    category = None
    for name, problem in items:
        if name != category:
            category = name
            cat = etree.SubElement(root, "question", {"type": "category"})
            _text(cat, "category", f"$course$/top/{course.title}/{name}", fmt=None)
        _question(root, problem, urls_for)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _question(root: etree._Element, problem: Problem, urls_for: Callable[[MdText], dict[str, str]]) -> None:
    kind = {"numerical": "numerical", "text": "shortanswer"}.get(problem.kind, "multichoice")
    q = etree.SubElement(root, "question", {"type": kind})
    _text(q, "name", problem.title or problem.question.text[:60], fmt=None)
    _text(q, "questiontext", _html(problem.question, urls_for))
    _text(q, "generalfeedback", _html(problem.explanation, urls_for))
    weight = 1.0 if problem.weight is None else float(problem.weight)
    etree.SubElement(q, "defaultgrade").text = _number(weight)
    etree.SubElement(q, "penalty").text = PENALTY
    etree.SubElement(q, "hidden").text = "0"
    etree.SubElement(q, "idnumber").text = problem.id
    if kind == "numerical":
        answer = _text(q, "answer", _number(problem.answer), fmt="moodle_auto_format")
        answer.set("fraction", "100")
        _text(answer, "feedback", _html(problem.correct_feedback, urls_for))
        etree.SubElement(answer, "tolerance").text = _number(grading.tolerance_abs(problem.answer, problem.tolerance))
        for wrong in problem.wrong_answers:
            try:
                value = _number(wrong.answer)
            except ValueError:
                continue  # not a number: CAPA never matches it either
            other = _text(q, "answer", value, fmt="moodle_auto_format")
            other.set("fraction", "0")
            _text(other, "feedback", _html(wrong.feedback, urls_for))
            etree.SubElement(other, "tolerance").text = "0"
    elif kind == "shortanswer":
        etree.SubElement(q, "usecase").text = "1" if problem.case_sensitive else "0"
        for n, value in enumerate([str(problem.answer), *problem.alternatives]):
            answer = _text(q, "answer", value, fmt="moodle_auto_format")
            answer.set("fraction", "100")
            _text(answer, "feedback", _html(problem.correct_feedback, urls_for) if n == 0 else "")
        for wrong in problem.wrong_answers:
            other = _text(q, "answer", wrong.answer, fmt="moodle_auto_format")
            other.set("fraction", "0")
            _text(other, "feedback", _html(wrong.feedback, urls_for))
    else:
        single = problem.kind != "multiple-choice"
        etree.SubElement(q, "single").text = "true" if single else "false"
        etree.SubElement(q, "shuffleanswers").text = "true" if problem.shuffle else "false"
        etree.SubElement(q, "answernumbering").text = "abc"
        correct = [c.correct for c in problem.choices]
        fractions = [100.0 if ok else 0.0 for ok in correct] if single else grading.choice_fractions(correct)
        for choice, fraction in zip(problem.choices, fractions, strict=True):
            answer = _text(q, "answer", _html(choice.text, urls_for))
            answer.set("fraction", _fraction(fraction))
            _text(answer, "feedback", _html(choice.feedback, urls_for))
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            _text(q, tag, "")
    for hint in problem.hints:
        _text(q, "hint", _html(hint, urls_for))

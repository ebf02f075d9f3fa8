"""Problems -> a Moodle XML question bank (Question bank > Import > Moodle XML).

Written for Moodle 4.5's importer (``question/format/xml/format.php``; facts in
``shared/reference/moodle-import-facts.md``). Per type:

- numerical -> ``numerical``: one value and an absolute tolerance from :mod:`coursekit.grading`
  (``N%`` made absolute, a range ``[a, b]`` as its middle ± half its width); the correct feedback
  on it; each numeric ``wrong_answers`` entry as a 0 % answer with its feedback.
- single-choice -> ``multichoice`` with ``<single>true</single>``: right 100 %, wrong 0 %.
- dropdown -> ``multichoice`` single too. Cloze (``multianswer`` with ``{1:MULTICHOICE:...}``) would
  keep the drop-down look, but: its mark comes from the sub-question weight, not
  ``<defaultgrade>``; per-option feedback only shows as a hover pop-up; the whole question text is
  scanned for ``{n:TYPE:...}`` syntax and option texts need cloze escaping (``} # ~ / " \\``);
  and it is graded as a part of a compound question. A single-answer multichoice grades exactly as
  Open edX's one right option and keeps every feedback; the loss is the look (reported).
- multiple-choice -> ``multichoice`` with ``<single>false</single>`` and the fractions of
  :func:`coursekit.grading.choice_fractions`; the feedback of the combination that is exactly the
  right set becomes Moodle's "correct" feedback.
- text -> ``shortanswer``: ``usecase`` from ``case_sensitive``; the answer and the alternatives at
  100 % (a literal ``*`` escaped, since Moodle reads it as a wildcard), the correct feedback on each;
  wrong answers at 0 % with their feedback. A regexp made only of text and ``.*`` becomes a
  wildcard pattern; any other regexp is kept as written (and reported by :func:`losses`).

Every question: ``<name>`` (the title written in the problem, else the first words of the
question), the question text, the explanation as general feedback, a ``<hint>`` per hint, the
coursekit id as ``<idnumber>``, the weight as ``<defaultgrade>`` (1 without one) and penalty 0
(Open edX takes no marks off for another try). A ``category`` question opens each section.
Texts are HTML, escaped by lxml; the output is UTF-8 with an XML declaration and the same bytes
for the same input.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html

from coursekit import grading, markdown
from coursekit.model import Course, MdText, Problem

UrlsFor = Callable[[MdText], dict[str, str]]
PENALTY = "0"  # Open edX does not take marks off for another try
NAME_WORDS = 8
NAME_CHARS = 80


def default_urls(text: MdText) -> dict[str, str]:
    """Every link as written (external links work; the rest is the caller's to map)."""
    return {link.href: link.href for link in text.links}


def _html(text: MdText | None, urls_for: UrlsFor) -> str:
    if text is None or not text:
        return ""
    return markdown.render_text(text, urls_for(text))


def _text(parent: etree._Element, tag: str, value: str, fmt: str | None = "html") -> etree._Element:
    element = etree.SubElement(parent, tag, {"format": fmt} if fmt else {})
    etree.SubElement(element, "text").text = value
    return element


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.12g}"


def _fraction(percent: float) -> str:
    # five decimals, as the grade list has them (":g" would give 33.3333, which is off the list)
    text = f"{grading.on_grade_list(percent):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("0", "-0") else text


def _plain(text: MdText) -> str:
    html = markdown.render_tokens(markdown.tokens_of(text), {}).strip()
    plain = lxml_html.fragment_fromstring(html, create_parent="div").text_content() if html else ""
    return " ".join(plain.split())


def question_name(problem: Problem) -> str:
    """The title written in the problem, else the first words of the question (the loader's default
    title is the unit's, shared by all its problems)."""
    if "title" in problem.fields and problem.title.strip():
        return problem.title.strip()
    words = _plain(problem.question).split()
    name = " ".join(words[:NAME_WORDS])
    if len(name) > NAME_CHARS:
        name = name[:NAME_CHARS].rsplit(" ", 1)[0] or name[:NAME_CHARS]
    if len(words) > NAME_WORDS or len(name) < len(" ".join(words)):
        name += "…"
    return name or problem.title or problem.id


def category_path(course: Course, section_title: str) -> str:
    """Moodle splits category paths on ``/``; a slash inside a name is written ``//``."""
    parts = [course.title, section_title]
    return "$course$/top/" + "/".join(p.strip().replace("/", "//") for p in parts)


def _exact_right_set(problem: Problem) -> set[str]:
    return {chr(ord("A") + i) for i, c in enumerate(problem.choices) if c.correct}


def _lost_combinations(problem: Problem) -> list[str]:
    right = _exact_right_set(problem)
    return [" ".join(sorted(c.choices)) for c in problem.combinations if set(c.choices) != right]


def shortanswer_answers(problem: Problem) -> list[str]:
    """The 100 % answers of a text problem, as Moodle short-answer patterns."""
    out = []
    for value in [str(problem.answer), *map(str, problem.alternatives)]:
        pattern = grading.wildcard_of_regexp(value) if problem.regexp else None
        out.append(pattern if pattern is not None else grading.literal_wildcard(value))
    return out


def losses(problem: Problem) -> list[str]:
    """What Moodle cannot keep of this problem, in plain words (one line each).

    Settings Moodle makes per quiz, not per question (``max_attempts``, ``showanswer``), are not
    listed here: lint rule M902 names them against the quiz the problem ends up in.
    """
    out = []
    if problem.kind == "text" and problem.regexp:
        untranslatable = [v for v in [str(problem.answer), *map(str, problem.alternatives)]
                          if grading.wildcard_of_regexp(v) is None]
        if untranslatable:
            out.append("the answer is a regular expression; Moodle's short answer knows only * wildcards, so "
                       f"{', '.join(repr(v) for v in untranslatable)} is matched as written")
        if problem.wrong_answers:
            out.append("the wrong answers are regular expressions in Open edX; Moodle matches them as written")
    if any(c.feedback_unselected for c in problem.choices):
        out.append("feedback for choices left unselected is not kept (Moodle has feedback for chosen answers)")
    lost = _lost_combinations(problem)
    if lost:
        out.append(f"feedback for combinations of choices ({'; '.join(lost)}) is not kept (Moodle keeps only "
                   "the one for exactly the right choices)")
    if problem.kind == "multiple-choice":
        out.append("Open edX grades it all or nothing; Moodle gives partial credit for some of the right "
                   "choices (any wrong choice still scores 0)")
    if problem.kind == "dropdown":
        out.append("shown as radio buttons, not a drop-down list")
    if problem.kind == "numerical":
        span = grading.answer_range(problem.answer)
        if span is not None and not (span[2] and span[3]):
            out.append(f"the range {problem.answer} excludes an end; Moodle's tolerance includes both ends")
        if span is not None and problem.tolerance is not None:
            out.append("Open edX ignores the tolerance of a range answer; so does the Moodle copy")
        words = [w.answer for w in problem.wrong_answers if not _is_number(w.answer)]
        if words:
            out.append(f"wrong answers that are not numbers ({', '.join(repr(w) for w in words)}) are left out")
    if problem.hints:
        out.append("hints show one per wrong try, and only when the quiz's behaviour is \"Interactive with "
                   "multiple tries\" (Open edX shows them on request)")
    if any(link.kind in ("static", "internal", "page") for text in problem.texts() for link in text.links):
        out.append("links and images to course files or pages are not part of the question bank; they point "
                   "where the written link points")
    return out


def _is_number(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def question_bank(course: Course, items: list[tuple[str, Problem]], urls_for: UrlsFor = default_urls) -> bytes:
    """A Moodle XML file with ``items`` ((category = section title, problem) in course order)."""
    root = etree.Element("quiz")
    category = None
    for name, problem in items:
        if name != category:
            category = name
            cat = etree.SubElement(root, "question", {"type": "category"})
            _text(cat, "category", category_path(course, name), fmt=None)
        _question(root, problem, urls_for)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _answer(q: etree._Element, text: str, percent: float, feedback: str, fmt: str = "moodle_auto_format"
            ) -> etree._Element:
    answer = _text(q, "answer", text, fmt=fmt)
    answer.set("fraction", _fraction(percent))
    _text(answer, "feedback", feedback)
    return answer


def _question(root: etree._Element, problem: Problem, urls_for: UrlsFor) -> None:
    kind = {"numerical": "numerical", "text": "shortanswer"}.get(problem.kind, "multichoice")
    q = etree.SubElement(root, "question", {"type": kind})
    _text(q, "name", question_name(problem), fmt=None)
    _text(q, "questiontext", _html(problem.question, urls_for))
    _text(q, "generalfeedback", _html(problem.explanation, urls_for))
    weight = 1.0 if problem.weight is None else float(problem.weight)
    etree.SubElement(q, "defaultgrade").text = _number(weight)
    etree.SubElement(q, "penalty").text = PENALTY
    etree.SubElement(q, "hidden").text = "0"
    etree.SubElement(q, "idnumber").text = problem.id
    {"numerical": _numerical, "shortanswer": _shortanswer}.get(kind, _multichoice)(q, problem, urls_for)
    for hint in problem.hints:
        _text(q, "hint", _html(hint, urls_for))


def _numerical(q: etree._Element, problem: Problem, urls_for: UrlsFor) -> None:
    value, tolerance = grading.numerical_target(problem.answer, problem.tolerance)
    right = _answer(q, _number(value), 100, _html(problem.correct_feedback, urls_for))
    etree.SubElement(right, "tolerance").text = _number(tolerance)
    for wrong in problem.wrong_answers:
        if _is_number(wrong.answer):  # CAPA never matches a word either
            other = _answer(q, _number(float(wrong.answer)), 0, _html(wrong.feedback, urls_for))
            etree.SubElement(other, "tolerance").text = "0"
    etree.SubElement(q, "showunits").text = "3"  # no units: the answer is a plain number


def _shortanswer(q: etree._Element, problem: Problem, urls_for: UrlsFor) -> None:
    etree.SubElement(q, "usecase").text = "1" if problem.case_sensitive else "0"
    correct = _html(problem.correct_feedback, urls_for)  # CAPA shows it for any right answer
    for pattern in shortanswer_answers(problem):
        _answer(q, pattern, 100, correct)
    for wrong in problem.wrong_answers:
        _answer(q, grading.literal_wildcard(wrong.answer), 0, _html(wrong.feedback, urls_for))


def _multichoice(q: etree._Element, problem: Problem, urls_for: UrlsFor) -> None:
    single = problem.kind != "multiple-choice"
    etree.SubElement(q, "single").text = "true" if single else "false"
    etree.SubElement(q, "shuffleanswers").text = "true" if problem.shuffle else "false"
    etree.SubElement(q, "answernumbering").text = "none"  # Open edX does not number choices
    fractions = [100.0 if c.correct else 0.0 for c in problem.choices] if single \
        else grading.choice_fractions(problem)
    for choice, fraction in zip(problem.choices, fractions, strict=True):
        _answer(q, _html(choice.text, urls_for), fraction, _html(choice.feedback, urls_for), fmt="html")
    right = _exact_right_set(problem)
    exact = next((c.feedback for c in problem.combinations if set(c.choices) == right), None)
    _text(q, "correctfeedback", _html(exact, urls_for))
    _text(q, "partiallycorrectfeedback", "")
    _text(q, "incorrectfeedback", "")
    if not single:
        etree.SubElement(q, "shownumcorrect")

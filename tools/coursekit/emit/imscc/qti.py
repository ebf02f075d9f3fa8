"""Problems -> QTI 1.2 items in the IMS Common Cartridge profile, the way Moodle 4.5 restores them.

What Moodle's converter keeps (``shared/reference/moodle-import-facts.md``):
single choice -> ``cc.multiple_choice.v0p1`` (per-choice feedback in ``continue="No"``
conditions); multiple choice -> ``cc.multiple_response.v0p1`` (``varequal case="Yes"``, or
every answer scores 0); text -> ``cc.fib.v0p1`` (short answer). ``cc.pattern_match`` is never
written (the converter gives its answer 10000 %). Numerical and dropdown problems have no CC
profile: they go to the Moodle XML question bank instead (:func:`carried`).
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from coursekit.model import MdText, Problem, Subsection

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{QTI_NS} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
PROFILES = {"single-choice": "cc.multiple_choice.v0p1", "multiple-choice": "cc.multiple_response.v0p1",
            "text": "cc.fib.v0p1"}

Render = Callable[[MdText | None], str]


def carried(problem: Problem) -> bool:
    """Can a cartridge quiz carry this problem with its grading? (The rest goes to the question bank.)"""
    return problem.kind in PROFILES


def quiz_attempts(sub: Subsection, carried_problems: list[Problem]) -> int | None:
    """The attempts a subsection's cartridge quiz allows (Moodle sets attempts per quiz, not per question):
    the subsection's ``max_attempts``, else the first of its problems'. None: unlimited."""
    value = sub.settings.get("max_attempts") or next(
        (p.max_attempts for p in carried_problems if p.max_attempts), None)
    return int(value) if value else None  # type: ignore[call-overload]


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None
         ) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), attrs or {})
    if text is not None:
        element.text = text
    return element


def _material(parent: etree._Element, html: str) -> None:
    _sub(_sub(parent, "material"), "mattext", {"texttype": "text/html"}, html)


def _metadata(parent: etree._Element, fields: list[tuple[str, str]]) -> None:
    meta = _sub(parent, "qtimetadata")
    for label, entry in fields:
        field = _sub(meta, "qtimetadatafield")
        _sub(field, "fieldlabel", text=label)
        _sub(field, "fieldentry", text=entry)


def _feedback(item: etree._Element, ident: str, html: str) -> None:
    fb = _sub(item, "itemfeedback", {"ident": ident})
    _material(_sub(fb, "flow_mat"), html)


def assessment(ident: str, title: str, problems: list[Problem], max_attempts: int | None,
               render: Render, rubric: str = "") -> bytes:
    """One assessment (a Moodle quiz) holding ``problems``, all of them :func:`carried`; ``rubric``: HTML
    instructions shown with it (which exercises the teacher adds from the question bank)."""
    root = etree.Element(_q("questestinterop"), nsmap={None: QTI_NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    test = _sub(root, "assessment", {"ident": ident, "title": title})
    _metadata(test, [("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination"),
                     ("qmd_scoretype", "Percentage"), ("qmd_feedbackpermitted", "Yes"),
                     ("qmd_hintspermitted", "Yes"), ("qmd_solutionspermitted", "Yes"),
                     ("cc_maxattempts", str(max_attempts) if max_attempts else "unlimited")])
    if rubric:
        _material(_sub(test, "rubric"), f"<p>{rubric}</p>")
    section = _sub(test, "section", {"ident": f"{ident}_section"})
    for problem in problems:
        _item(section, problem, render)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _item(section: etree._Element, problem: Problem, render: Render) -> None:
    item = _sub(section, "item", {"ident": problem.id, "title": problem.title})
    weight = 1.0 if problem.weight is None else float(problem.weight)
    _metadata(_sub(item, "itemmetadata"), [("cc_profile", PROFILES[problem.kind]),
                                           ("cc_weighting", f"{weight:g}")])
    presentation = _sub(item, "presentation")
    _material(presentation, render(problem.question))
    processing = _sub(item, "resprocessing")
    outcomes = _sub(processing, "outcomes")
    _sub(outcomes, "decvar", {"varname": "SCORE", "vartype": "Decimal", "minvalue": "0", "maxvalue": "100"})
    feedbacks: list[tuple[str, str]] = []
    if problem.kind == "text":
        _text(problem, presentation, processing, render, feedbacks)
    else:
        _choices(problem, presentation, processing, render, feedbacks)
    general = render(problem.explanation)
    if general:  # a continue="Yes" condition: Moodle appends its feedback to the general feedback
        cond = _sub(processing, "respcondition", {"continue": "Yes"})
        _sub(_sub(cond, "conditionvar"), "other")
        _sub(cond, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
        feedbacks.append(("general_fb", general))
    for ident, html in feedbacks:
        _feedback(item, ident, html)


def _choices(problem: Problem, presentation: etree._Element, processing: etree._Element, render: Render,
             feedbacks: list[tuple[str, str]]) -> None:
    single = problem.kind == "single-choice"
    lid = _sub(presentation, "response_lid", {"ident": "response1", "rcardinality": "Single" if single else "Multiple"})
    choice_el = _sub(lid, "render_choice", {"shuffle": "Yes" if problem.shuffle else "No"})
    idents = [f"{problem.id}_c{n}" for n in range(1, len(problem.choices) + 1)]
    for ident, choice in zip(idents, problem.choices, strict=True):
        _material(_sub(choice_el, "response_label", {"ident": ident}), render(choice.text))
    if single:
        for ident, choice in zip(idents, problem.choices, strict=True):
            cond = _sub(processing, "respcondition", {"continue": "No"})
            _sub(_sub(cond, "conditionvar"), "varequal", {"respident": "response1"}, ident)
            if choice.correct:
                _sub(cond, "setvar", {"varname": "SCORE", "action": "Set"}, "100")
            if choice.feedback:
                _sub(cond, "displayfeedback", {"feedbacktype": "Response", "linkrefid": f"{ident}_fb"})
                feedbacks.append((f"{ident}_fb", render(choice.feedback)))
        return
    # Open edX grades checkboxes all or nothing: full score only for exactly the correct set
    cond = _sub(processing, "respcondition", {"continue": "No"})
    var = _sub(cond, "conditionvar")
    both = _sub(var, "and")
    for ident, choice in zip(idents, problem.choices, strict=True):
        if choice.correct:
            _sub(both, "varequal", {"respident": "response1", "case": "Yes"}, ident)
        else:
            _sub(_sub(both, "not"), "varequal", {"respident": "response1", "case": "Yes"}, ident)
    _sub(cond, "setvar", {"varname": "SCORE", "action": "Set"}, "100")
    for ident, choice in zip(idents, problem.choices, strict=True):
        if choice.feedback:
            cond = _sub(processing, "respcondition", {"continue": "Yes"})
            _sub(_sub(cond, "conditionvar"), "varequal", {"respident": "response1", "case": "Yes"}, ident)
            _sub(cond, "displayfeedback", {"feedbacktype": "Response", "linkrefid": f"{ident}_fb"})
            feedbacks.append((f"{ident}_fb", render(choice.feedback)))


def _text(problem: Problem, presentation: etree._Element, processing: etree._Element, render: Render,
          feedbacks: list[tuple[str, str]]) -> None:
    fib = _sub(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
    _sub(fib, "render_fib", {"prompt": "Box", "fibtype": "String"})
    answers = [str(problem.answer), *problem.alternatives]
    cond = _sub(processing, "respcondition", {"continue": "No"})
    var = _sub(cond, "conditionvar")
    for answer in answers:
        _sub(var, "varequal", {"respident": "response1", "case": "Yes" if problem.case_sensitive else "No"},
             answer)
    _sub(cond, "setvar", {"varname": "SCORE", "action": "Set"}, "100")
    if problem.correct_feedback:
        _sub(cond, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "correct_fb"})
        feedbacks.append(("correct_fb", render(problem.correct_feedback)))
    for n, wrong in enumerate(problem.wrong_answers, start=1):
        cond = _sub(processing, "respcondition", {"continue": "No"})
        _sub(_sub(cond, "conditionvar"), "varequal", {"respident": "response1", "case": "No"}, wrong.answer)
        _sub(cond, "displayfeedback", {"feedbacktype": "Response", "linkrefid": f"wrong{n}_fb"})
        feedbacks.append((f"wrong{n}_fb", render(wrong.feedback)))

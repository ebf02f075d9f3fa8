"""Problems -> Open edX CAPA problem XML."""

from __future__ import annotations

from lxml import etree

from coursekit.emit.olx.xml import append_html, html_element, render, split_last_paragraph
from coursekit.model import Choice, Problem

RESPONSE_TAGS = {
    "single-choice": "multiplechoiceresponse",
    "multiple-choice": "choiceresponse",
    "dropdown": "optionresponse",
    "numerical": "numericalresponse",
    "text": "stringresponse",
}


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def problem_xml(problem: Problem) -> etree._Element:
    root = etree.Element("problem", {"display_name": problem.title})
    if problem.max_attempts is not None:
        root.set("max_attempts", str(problem.max_attempts))
    if problem.weight is not None:
        root.set("weight", _number(problem.weight))
    if problem.showanswer:
        root.set("showanswer", str(problem.showanswer))
    root.set("show_reset_button", "true" if problem.show_reset_button else "false")

    response = etree.SubElement(root, RESPONSE_TAGS[problem.kind])
    context, label_html = split_last_paragraph(render(problem.question))
    if context:
        # Context (tables, lists, paragraphs) goes above the response, as plain HTML.
        holder = etree.Element("div", {"class": "problem-context"})
        append_html(holder, context)
        root.insert(0, holder)
    response.append(html_element("label", label_html or render(problem.question, inline=True)))

    build = {
        "single-choice": _single,
        "multiple-choice": _multiple,
        "dropdown": _dropdown,
        "numerical": _numerical,
        "text": _text,
    }[problem.kind]
    build(problem, response)

    if problem.explanation:
        solution = etree.SubElement(response, "solution")
        solution.append(html_element("div", render(problem.explanation), **{"class": "detailed-solution"}))
    if problem.hints:
        demand = etree.SubElement(root, "demandhint")
        for hint in problem.hints:
            demand.append(html_element("hint", render(hint, inline=True)))
    return root


def _choice(parent: etree._Element, tag: str, choice: Choice) -> etree._Element:
    element = etree.SubElement(parent, tag, {"correct": "true" if choice.correct else "false"})
    append_html(element, render(choice.text))
    return element


def _single(problem: Problem, response: etree._Element) -> None:
    group = etree.SubElement(response, "choicegroup", {"type": "MultipleChoice"})
    if problem.shuffle:
        group.set("shuffle", "true")
    for choice in problem.choices:
        element = _choice(group, "choice", choice)
        if choice.feedback:
            element.append(html_element("choicehint", render(choice.feedback)))


def _multiple(problem: Problem, response: etree._Element) -> None:
    group = etree.SubElement(response, "checkboxgroup")
    for choice in problem.choices:
        element = _choice(group, "choice", choice)
        if choice.feedback:
            element.append(html_element("choicehint", render(choice.feedback), selected="true"))
        if choice.feedback_unselected:
            element.append(html_element("choicehint", render(choice.feedback_unselected), selected="false"))
    for combo in problem.combinations:
        group.append(html_element("compoundhint", render(combo.feedback), value=" ".join(sorted(combo.choices))))


def _dropdown(problem: Problem, response: etree._Element) -> None:
    group = etree.SubElement(response, "optioninput")
    for choice in problem.choices:
        option = etree.SubElement(group, "option", {"correct": "True" if choice.correct else "False"})
        option.text = choice.text.text.strip()
        if choice.feedback:
            option.append(html_element("optionhint", render(choice.feedback)))


def _numerical(problem: Problem, response: etree._Element) -> None:
    response.set("answer", _number(problem.answer))
    if problem.tolerance is not None:
        etree.SubElement(response, "responseparam", {"type": "tolerance", "default": _number(problem.tolerance)})
    etree.SubElement(response, "formulaequationinput")
    if problem.correct_feedback:
        response.append(html_element("correcthint", render(problem.correct_feedback)))


def _text(problem: Problem, response: etree._Element) -> None:
    response.set("answer", str(problem.answer))
    kinds = [k for k, on in (("ci", not problem.case_sensitive), ("regexp", problem.regexp)) if on]
    if kinds:
        response.set("type", " ".join(kinds))
    for alt in problem.alternatives:
        etree.SubElement(response, "additional_answer", {"answer": alt})
    if problem.correct_feedback:
        response.append(html_element("correcthint", render(problem.correct_feedback)))
    for wrong in problem.wrong_answers:
        response.append(html_element("stringequalhint", render(wrong.feedback), answer=wrong.answer))
    etree.SubElement(response, "textline", {"size": str(problem.size or 40)})

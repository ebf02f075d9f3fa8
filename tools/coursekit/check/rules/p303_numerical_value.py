"""A numerical problem's answer and tolerance must be numbers.

What: in a `numerical` problem, `answer` is not a number (or a range such
as `[10, 20]`), or `tolerance` is neither a number nor a percentage such as
`5%`, or is negative.

Why: Open edX cannot compare the learner's input with a text; the problem
shows an error to every learner who answers. A decimal comma (`12,5`) is
the usual cause in Finnish courses.

Example:

    type: numerical
    answer: 12,5
    tolerance: viisi prosenttia

Fix: write numbers with a decimal point (`answer: 12.5`) and the tolerance
as a number or a percentage (`tolerance: 5%`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem

CODE = "P303"
NAME = "numerical-value"
SEVERITY = Severity.ERROR
STAGE = "model"

NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
NUMBER_RE = re.compile(rf"^{NUMBER}$")
RANGE_RE = re.compile(rf"^[\[(]\s*{NUMBER}\s*,\s*{NUMBER}\s*[\])]$")
PERCENT_RE = re.compile(rf"^({NUMBER})\s*%$")
DECIMAL_COMMA_RE = re.compile(r"^[-+]?\d+,\d+%?$")


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and NUMBER_RE.match(value.strip()):
        return float(value.strip())
    return None


def _hint(value: object, what: str) -> str:
    if isinstance(value, str) and DECIMAL_COMMA_RE.match(value.strip()):
        return f"use a decimal point: `{what}: {value.strip().replace(',', '.')}`"
    if what == "tolerance":
        return "write a number (`tolerance: 0.5`) or a percentage (`tolerance: 5%`)"
    return "write a number with a decimal point, e.g. `answer: 12.5`, or a range `[10, 20]`"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for *_, comp in course.components():
        if not isinstance(comp, Problem) or comp.kind != "numerical":
            continue
        answer = comp.answer
        valid = _number(answer) is not None or (isinstance(answer, str) and RANGE_RE.match(answer.strip()))
        if not valid:
            yield Finding(comp.fields.get("answer", comp.loc), f"numerical answer {answer!r} is not a number",
                          _hint(answer, "answer"))
        tolerance = comp.tolerance
        if tolerance is None:
            continue
        loc = comp.fields.get("tolerance", comp.loc)
        amount = _number(tolerance)
        if amount is None and isinstance(tolerance, str):
            match = PERCENT_RE.match(tolerance.strip())
            amount = float(match.group(1)) if match else None
        if amount is None:
            yield Finding(loc, f"tolerance {tolerance!r} is not a number or a percentage", _hint(tolerance,
                                                                                                 "tolerance"))
        elif amount < 0:
            yield Finding(loc, f"tolerance {tolerance!r} is negative", "write the tolerance without a minus sign")

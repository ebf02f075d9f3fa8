"""A choice problem must not offer the same answer twice.

What: two choices of a single-choice, multiple-choice or dropdown problem
have the same text (ignoring case and extra spaces).

Why: learners see two identical options; if one is marked correct and the
other not, the problem cannot be answered fairly. It is usually a copy and
paste slip.

Example:

    choices:
      - text: Hankintalaki
        correct: true
      - text: hankintalaki

Fix: change or remove one of the choices.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem

CODE = "P302"
NAME = "duplicate-choice"
SEVERITY = Severity.ERROR
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for *_, comp in course.components():
        if not isinstance(comp, Problem) or not comp.choices:
            continue
        seen: dict[str, int] = {}
        for n, choice in enumerate(comp.choices):
            key = " ".join(choice.text.text.split()).casefold()
            if key in seen:
                first = comp.choices[seen[key]]
                yield Finding(choice.loc, f"choice {chr(65 + n)} repeats choice {chr(65 + seen[key])}: "
                                          f"{choice.text.text.strip()!r}",
                              "change or remove one of them", related=(first.loc,))
            else:
                seen[key] = n

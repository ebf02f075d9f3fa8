"""Choice problems must have the right number of correct answers.

What: a single-choice or dropdown problem must mark exactly one choice
`correct: true`; a multiple-choice (checkbox) problem at least one.

Why: with no correct answer no learner can ever get the problem right, and
Open edX does not warn; with two in a single-choice problem one of them can
never be chosen.

Example:

    ```{problem}
    type: single-choice
    question: Mikä on HILMA?
    choices:
      - text: Ilmoituskanava        # nothing is marked correct
      - text: Yhteishankintayksikkö
    ```

Fix: add `correct: true` to the right choice (and only to it, for
single-choice and dropdown).
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem

CODE = "P301"
NAME = "choice-correct-count"
SEVERITY = Severity.ERROR
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for *_, comp in course.components():
        if not isinstance(comp, Problem) or comp.kind not in ("single-choice", "dropdown", "multiple-choice"):
            continue
        correct = sum(1 for c in comp.choices if c.correct)
        if comp.kind == "multiple-choice":
            if correct == 0:
                yield Finding(comp.loc, "multiple-choice problem has no correct choice",
                              "mark at least one choice with `correct: true`")
        elif correct != 1:
            what = "no correct choice" if correct == 0 else f"{correct} correct choices"
            yield Finding(comp.loc, f"{comp.kind} problem has {what}; it needs exactly one",
                          "mark exactly one choice with `correct: true`")

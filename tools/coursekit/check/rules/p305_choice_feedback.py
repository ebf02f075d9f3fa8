"""Every choice should explain itself with feedback.

What: a choice of a single-choice, multiple-choice or dropdown problem
without `feedback` (or, for multiple-choice, without `feedback` and
`feedback_unselected`).

Why: feedback that says why an answer is right or wrong is where learners
learn from a quiz; without it a wrong answer only shows a red cross.

Example:

    choices:
      - text: Hansel
        feedback: Ei. Hansel on valtion yhteishankintayksikkö.
      - text: HILMA
        correct: true            # no feedback

Fix: add `feedback:` to the choice.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem

CODE = "P305"
NAME = "choice-feedback"
SEVERITY = Severity.WARNING
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for *_, comp in course.components():
        if not isinstance(comp, Problem) or comp.kind not in ("single-choice", "multiple-choice", "dropdown"):
            continue
        for n, choice in enumerate(comp.choices):
            if not choice.feedback and not choice.feedback_unselected:
                yield Finding(choice.loc, f"choice {chr(65 + n)} ({choice.text.text.strip()[:40]!r}) has no feedback",
                              "add `feedback:` that says why the choice is right or wrong")

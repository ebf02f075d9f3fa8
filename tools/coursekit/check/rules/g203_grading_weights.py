"""The weights of the assignment types must add up to 1.

What: the `weight` values under `grading.assignment_types` do not sum to
1.0 (100 %).

Why: Open edX computes the course grade as the weighted sum of the types;
weights that sum to less than 1 make a full grade impossible, more than 1
let learners pass too early.

Example:

    assignment_types:
      - {type: Tehtävät, weight: 0.4}
      - {type: Loppukoe, weight: 0.5}     # 0.4 + 0.5 = 0.9

Fix: change the weights so that they add up to exactly 1.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "G203"
NAME = "grading-weights"
SEVERITY = Severity.ERROR
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    grading = course.grading
    if not grading:
        return
    if not grading.types:
        yield Finding(grading.loc, "the grading policy has no assignment types",
                      "add `assignment_types:` with at least one type of weight 1.0, or remove `grading:`")
        return
    total = sum(t.weight for t in grading.types)
    if abs(total - 1.0) > 1e-6:
        parts = " + ".join(f"{t.weight:g}" for t in grading.types)
        yield Finding(grading.loc, f"assignment type weights add up to {total:g} ({parts}), not 1",
                      "change the weights so that they sum to 1.0")

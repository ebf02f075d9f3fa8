"""The pass mark must be a share between 0 (exclusive) and 1.

What: `grading.cutoff` is 0 or less, or more than 1.

Why: the cutoff is the share of the total grade needed to pass (0.6 = 60 %).
With 0 every learner passes without doing anything; above 1 nobody can
pass. A common mistake is writing a percentage (`cutoff: 60`).

Example:

    grading:
      cutoff: 60

Fix: write the share as a decimal: `cutoff: 0.6`.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import find_line
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "G204"
NAME = "grading-cutoff"
SEVERITY = Severity.ERROR
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    grading = course.grading
    if not grading or 0 < grading.cutoff <= 1:
        return
    loc = find_line(ctx, grading.loc.file, grading.loc.line, r"\bcutoff\s*:")
    hint = f"write it as a share: `cutoff: {grading.cutoff / 100:g}`" if 1 < grading.cutoff <= 100 \
        else "use a value above 0 and at most 1, e.g. 0.6 for 60 %"
    yield Finding(loc, f"pass cutoff {grading.cutoff:g} is not in (0, 1]", hint)

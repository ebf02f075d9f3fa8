"""A problem loses part of its behaviour in Moodle (Moodle target only).

What: a problem feature that neither a cartridge quiz nor Moodle's question
import keeps: hints in a cartridge quiz, feedback for unselected choices or
for combinations, all-or-nothing grading of multiple-choice problems, the
feedback on a text problem's right answer, case-sensitive or regular
expression text answers. Checked by `coursekit lint --target imscc`.

Why: the Moodle copy of the problem would grade or teach differently from
the Open edX one, without a word, unless someone is told.

Example:

    type: multiple-choice
    question: Mitkä ovat hankintalain kynnysarvoja?
    ...            # Open edX: all or nothing; Moodle: 1/n per right choice

Fix: accept the difference (the finding names it), or change the problem so
both platforms grade it alike (e.g. single choice instead of multiple
choice), or adjust the question in Moodle after restore.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem

CODE = "M902"
NAME = "moodle-question-loss"
SEVERITY = Severity.WARNING
STAGE = "moodle"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    from coursekit.emit.imscc import losses

    for *_, comp in course.components():
        if isinstance(comp, Problem):
            for loss in losses(comp):
                yield Finding(comp.loc, f"in Moodle, problem {comp.id!r} ({comp.kind}): {loss}",
                              "accept it, or change the problem so both platforms grade it alike")

"""A graded subsection must contain something that gives points.

What: a subsection with `graded: ...` that has no scored problem: no
problem at all, or only problems with `weight: 0` (and no scored XBlock
written as raw OLX).

Why: the subsection still counts as one of its type in the grade, with 0
of 0 points, which Open edX averages as zero: it lowers every learner's
grade and nobody can do anything about it.

Example: a "Loppukoe" subsection whose quiz file was moved elsewhere, so
only the introduction text is left.

Fix: add the problems, or remove `graded:` from the front matter.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem, RawXBlock

CODE = "G205"
NAME = "graded-without-score"
SEVERITY = Severity.ERROR
STAGE = "model"

# Raw-OLX block types that usually give points.
SCORED_XBLOCKS = frozenset({
    "problem", "drag-and-drop-v2", "openassessment", "lti_consumer", "lti", "library_content", "itembank",
    "edx_sga", "freetextresponse", "submit-and-compare", "randomize", "split_test",
})


def _scored(comp: object) -> bool:
    if isinstance(comp, Problem):
        return comp.scored
    return isinstance(comp, RawXBlock) and comp.tag in SCORED_XBLOCKS


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for _section, sub in course.subsections():
        if not sub.graded:
            continue
        if not any(_scored(comp) for unit in sub.units for comp in unit.components):
            loc = sub.settings.get("graded_loc", sub.loc)
            yield Finding(loc if hasattr(loc, "file") else sub.loc,
                          f"subsection is graded as {sub.graded!r} but has no scored problem",
                          "add problems to it, or remove `graded:`")

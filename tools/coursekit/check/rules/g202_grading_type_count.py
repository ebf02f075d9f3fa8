"""Each assignment type needs as many graded subsections as its policy expects.

What: an assignment type in `grading.assignment_types` with fewer graded
subsections than its `min_count`, a type with a weight that no subsection
uses, or a `drop_count` that drops every subsection of the type.

Why: Open edX fills the missing subsections with zeros. With `min_count: 2`
and only one graded subsection, the best possible score for the type is
50 %; with a weighted type that nothing uses, nobody can reach the full
grade, and perhaps not even the pass mark.

Example:

    assignment_types:
      - type: Loppukoe
        weight: 1.0
        min_count: 2         # but only one subsection says `graded: Loppukoe`

Fix: set `min_count` to the real number of graded subsections of the type,
add the missing ones, or remove the type (and rebalance the weights).
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit import plural
from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "G202"
NAME = "grading-type-count"
SEVERITY = Severity.ERROR
STAGE = "model"
WHOLE_COURSE = True


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    if not course.grading:
        return
    for t in course.grading.types:
        count = sum(1 for _s, sub in course.subsections() if sub.graded == t.type)
        if count < t.min_count:
            yield Finding(t.loc, f"assignment type {t.type!r} expects at least "
                                 f"{plural.count(t.min_count, 'graded subsection')} (min_count) but the course "
                                 f"has {count}",
                          f"set `min_count: {count}`, or mark more subsections `graded: {t.type}`")
        elif count == 0 and t.weight > 0:
            yield Finding(t.loc, f"assignment type {t.type!r} has weight {t.weight:g} but no graded subsection",
                          f"mark subsections `graded: {t.type}`, or remove the type and rebalance the weights")
        elif count and t.drop_count >= max(count, t.min_count):
            yield Finding(t.loc, f"assignment type {t.type!r} drops {t.drop_count} of its "
                                 f"{plural.count(count, 'subsection')}: none would count",
                          "lower `drop_count`")

"""A graded subsection must use an assignment type from the grading policy.

What: `graded: X` in a subsection's front matter, where course.yaml's
`grading.assignment_types` has no type named X (or there is no `grading:`
block at all).

Why: Open edX counts a subsection only under a type its grading policy
knows; with an unknown type the learner's answers never reach the grade,
and Studio shows the subsection as ungraded. The names must match exactly,
including case.

Example:

    graded: loppukoe        # course.yaml defines `type: Loppukoe`

Fix: use one of the names in `grading.assignment_types`, or add the type
there (and keep the weights summing to 1).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course

CODE = "G201"
NAME = "graded-type-unknown"
SEVERITY = Severity.ERROR
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    types = [t.type for t in course.grading.types] if course.grading else []
    for _section, sub in course.subsections():
        if not sub.graded or sub.graded in types:
            continue
        loc = sub.settings.get("graded_loc", sub.loc)
        loc = loc if isinstance(loc, Loc) else sub.loc
        if not types:
            yield Finding(loc, f"subsection is graded as {sub.graded!r}, but course.yaml has no grading policy",
                          f"add `grading:` with an assignment type `{sub.graded}` to course.yaml")
            continue
        near = difflib.get_close_matches(sub.graded, types, n=1, cutoff=0.5)
        near += [t for t in types if t.casefold() == sub.graded.casefold()]
        hint = f"did you mean {near[-1]!r}?" if near else f"use one of: {', '.join(types)}"
        yield Finding(loc, f"assignment type {sub.graded!r} is not in the grading policy", hint)

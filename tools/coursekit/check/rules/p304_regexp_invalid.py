"""Text-input answers marked as regular expressions must be valid ones.

What: a `text` problem with `regexp: true` whose `answer`, one of its
`alternatives` or a `wrong_answers` entry is not a valid regular
expression (an unclosed bracket or parenthesis, a lone `*` ...).

Why: Open edX compiles the expression when a learner answers; an invalid
one makes the problem fail for everyone.

Example:

    type: text
    regexp: true
    answer: "hankinta(laki"

Fix: close the group, or escape special characters with a backslash
(`\\(`, `\\.`, `\\?`); or set `regexp: false` if the answers are plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem

CODE = "P304"
NAME = "regexp-invalid"
SEVERITY = Severity.ERROR
STAGE = "model"


def _error(pattern: str) -> str | None:
    try:
        re.compile(pattern, re.UNICODE)
    except re.error as exc:
        return str(exc)
    return None


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for *_, comp in course.components():
        if not isinstance(comp, Problem) or comp.kind != "text" or not comp.regexp:
            continue
        candidates = [("answer", str(comp.answer), comp.fields.get("answer", comp.loc))]
        candidates += [("alternative", alt, comp.fields.get("alternatives", comp.loc)) for alt in comp.alternatives]
        candidates += [("wrong answer", w.answer, w.loc) for w in comp.wrong_answers]
        for what, pattern, loc in candidates:
            error = _error(pattern)
            if error:
                yield Finding(loc, f"{what} {pattern!r} is not a valid regular expression: {error}",
                              "escape special characters with a backslash, or set `regexp: false`")

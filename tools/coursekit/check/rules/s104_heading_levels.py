"""Headings must go down one level at a time, starting below the page title.

What: in a unit, the unit title is the `##` heading, so headings inside the
unit start at `###` and may then go to `####`, never skipping a level
(`###` followed by `#####`). On custom pages, the About page, handouts and
updates the page title is the top heading, so the text starts at `##` and
does not use `#`.

Why: screen readers list headings to let learners jump around a page; a
skipped level looks like missing content (WCAG 2.1, 1.3.1 Info and
Relationships). The levels also set the visual hierarchy.

Example:

    ## Kynnysarvot
    #### EU-kynnysarvot      <- skips ###

Fix: use the next level down: `### EU-kynnysarvot`.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import headings, locate, pages
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "S104"
NAME = "heading-levels"
SEVERITY = Severity.WARNING
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for page in pages(course):
        base = 2 if page.kind == "unit" else 1
        previous = base
        for text in page.texts:
            for level, line in headings(text):
                loc = locate(ctx, text, line, "#" * level)
                marks = "#" * level
                if level <= base:
                    if page.kind == "page":
                        yield Finding(loc, f"`{marks}` heading on a page: the page title is the top heading",
                                      "start the page's headings at `##`")
                    # in units `#` is a load error and `##` starts a new unit
                    previous = base
                    continue
                if level > previous + 1:
                    want = "#" * (previous + 1)
                    where = f"`{'#' * previous}`"
                    if previous == base:
                        where = "the unit title" if page.kind == "unit" else "the page title"
                    yield Finding(loc, f"heading level skipped: `{marks}` after {where}",
                                  f"use `{want}` here")
                previous = level

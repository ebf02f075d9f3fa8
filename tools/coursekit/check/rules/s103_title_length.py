"""Titles should be short enough to read in the course navigation.

What: a section, subsection, unit, component or page title longer than
`title_max_length` characters (default 80; set it under `lint.options`).

Why: Open edX truncates long titles in the course outline, the unit
navigation bar and on phones, so learners see only the beginning.

Example:

    ## Miten hankintayksikkö ottaa kestävyyden huomioon kaikissa vaiheissa tarpeesta sopimuskauden loppuun

Fix: shorten the title and move the detail into the text.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import find_line
from coursekit.diagnostics import Severity
from coursekit.model import Course, Html

CODE = "S103"
NAME = "title-length"
SEVERITY = Severity.WARNING
STAGE = "model"
TITLE_RE = r"^title\s*:"
OPTIONS = {"title_max_length": (80, "Longest title (in characters) before S103 reports it.")}


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    limit = int(ctx.option("title_max_length"))

    def too_long(kind: str, title: str, loc) -> Iterator[Finding]:
        if len(title) > limit:
            yield Finding(loc, f"{kind} title is {len(title)} characters long (limit {limit})",
                          "shorten it; long titles are cut in the course navigation")

    for section in course.sections:
        yield from too_long("section", section.title, find_line(ctx, section.loc.file, 1, TITLE_RE))
        for sub in section.subsections:
            yield from too_long("subsection", sub.title, find_line(ctx, sub.file, 1, TITLE_RE))
            for unit in sub.units:
                if unit.title != sub.title:
                    yield from too_long("unit", unit.title, unit.loc)
                for comp in unit.components:
                    if not isinstance(comp, Html) and comp.title != unit.title:
                        yield from too_long(comp.block_type, comp.title, comp.loc)
    for page in course.pages:
        yield from too_long("page", page.title, page.loc)

"""Every section, subsection, unit and page needs a title.

What: a title that is empty or only spaces: `title: " "` in section.yaml
or front matter, a `##` heading with no text (only `{#id}`), or a custom
page without a title.

Why: the title is what learners see in the course outline, the unit
navigation and the tabs; Open edX fills a missing one with a generic text
or, for units, coursekit repeats the subsection title.

Example:

    ## {#tavoitteet}

Fix: write the title: `## Osaamistavoitteet {#tavoitteet}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import find_line
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "S102"
NAME = "title-missing"
SEVERITY = Severity.WARNING
STAGE = "model"

TITLE_RE = r"^title\s*:"
EMPTY_HEADING_RE = re.compile(r"^\s*##\s*(\{#[^{}]*\})?\s*#*\s*$")


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for section in course.sections:
        if not section.title.strip():
            yield Finding(find_line(ctx, section.loc.file, 1, TITLE_RE), "section has no title",
                          "write `title: ...` in section.yaml")
        for sub in section.subsections:
            if not sub.title.strip():
                yield Finding(find_line(ctx, sub.file, 1, TITLE_RE), "subsection has no title",
                              "write `title: ...` in the front matter")
            for unit in sub.units:
                lines = ctx.source_lines(unit.loc.file)
                line = lines[unit.loc.line - 1] if 0 < unit.loc.line <= len(lines) else ""
                if line.lstrip().startswith("##") and EMPTY_HEADING_RE.match(line):
                    yield Finding(unit.loc, "unit heading has no text",
                                  "write the unit title after `##`")
    for page in course.pages:
        if not page.title.strip():
            yield Finding(page.loc, f"page {page.slug!r} has no title", "write `title: ...` for the page")

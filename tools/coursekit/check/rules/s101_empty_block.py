"""Sections, subsections and units must have content.

What: a section folder with no subsection files, a subsection whose text is
empty, or a unit (a `##` heading) with nothing under it before the next
heading.

Why: Open edX shows empty blocks as blank pages and counts them in the
course outline and progress; learners cannot tell whether content is
missing or was never meant to be there.

Example:

    ## Johdanto

    ## Tavoitteet          <- "Johdanto" above is an empty unit

Fix: write the content, or remove the empty heading, file or folder.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "S101"
NAME = "empty-block"
SEVERITY = Severity.WARNING
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for section in course.sections:
        unread = any(path.startswith(section.folder + "/") for path in course.skipped)
        if not section.subsections and not unread:  # a subsection that could not be read is reported already
            yield Finding(section.loc, f"section {section.title!r} has no subsections",
                          f"add a subsection file such as {section.folder}/01-johdanto.md, or remove the folder")
        for sub in section.subsections:
            if all(not unit.components for unit in sub.units):
                yield Finding(sub.loc, f"subsection {sub.title!r} has no content",
                              "write the text under the front matter, or remove the file")
                continue
            for unit in sub.units:
                if not unit.components:
                    yield Finding(unit.loc, f"unit {unit.title!r} is empty",
                                  "write content under the heading, or remove the heading")

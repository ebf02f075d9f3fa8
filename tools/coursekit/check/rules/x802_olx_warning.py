"""The built OLX should pass Open edX's course validator (warnings).

What: like X801, but for what olxcleaner rates as warnings: for example a
block without a display name, a policy entry for a block that does not
exist, or dates that olxcleaner finds out of order in the built course.

Why: the course imports, but something will look or behave unexpectedly.

Example: `[MissingDisplayName] The tag <discussion url_name='...'> is
missing the display_name attribute.`

Fix: follow the message; `olx_ignore` in `lint.options` silences a check
that does not apply to your course.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.olx import build_and_validate
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "X802"
NAME = "olx-warning"
SEVERITY = Severity.WARNING
STAGE = "output"
LEVELS = ("WARNING",)


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for issue in build_and_validate(course, ctx):
        if issue.level in LEVELS:
            yield Finding(issue.loc, f"[{issue.name}] {issue.description}",
                          "see `coursekit lint --explain X802`")

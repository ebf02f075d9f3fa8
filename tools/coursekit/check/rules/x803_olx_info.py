"""Notes from Open edX's course validator about the built OLX.

What: like X801, for what olxcleaner rates as information (for example
settings that are obsolete in current Open edX releases).

Why: nothing breaks now, but the course may rely on behaviour that is
going away.

Example: `[Obsolete] The tag <... > uses the obsolete setting ...`.

Fix: follow the message, or ignore it with `olx_ignore`.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.olx import build_and_validate
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "X803"
NAME = "olx-info"
SEVERITY = Severity.INFO
STAGE = "output"
LEVELS = ("INFO",)


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for issue in build_and_validate(course, ctx):
        if issue.level in LEVELS:
            yield Finding(issue.loc, f"[{issue.name}] {issue.description}",
                          "see `coursekit lint --explain X803`")

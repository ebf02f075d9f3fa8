"""The built OLX must pass Open edX's course validator (errors).

What: lint builds the course into a temporary folder, exactly as
`coursekit build` would, and runs olxcleaner, the OLX validator from the
Open edX community, over it. Problems olxcleaner rates as errors are
reported here, at the source of the block they concern (or course.yaml
for course-wide settings). The message starts with olxcleaner's error
name, e.g. `[InvalidSetting]`, `[BadJumpToLink]`, `[MissingFile]`.

Why: this is what Studio's import would reject or show broken: missing
files, links to blocks that do not exist, settings Open edX requires (a
course image, for instance).

Example: `[InvalidSetting] The tag <course ...> does not have the required
setting 'course_image'` → set `about.image` in course.yaml.

Fix: follow the message. If a check does not apply to your course, list
its olxcleaner name in the `olx_ignore` option (e.g. `olx_ignore:
[MissingDisplayName]`).
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.olx import build_and_validate
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "X801"
NAME = "olx-error"
SEVERITY = Severity.ERROR
STAGE = "output"
LEVELS = ("ERROR",)
OPTIONS = {"olx_ignore": ([], "olxcleaner error names (e.g. MissingDisplayName) that X801-X803 do not report.")}


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for issue in build_and_validate(course, ctx):
        if issue.level in LEVELS:
            yield Finding(issue.loc, f"[{issue.name}] {issue.description}",
                          "see `coursekit lint --explain X801`; the loc is the block's source")

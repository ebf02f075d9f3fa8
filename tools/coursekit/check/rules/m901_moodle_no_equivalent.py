"""A raw XBlock has no Moodle equivalent (Moodle target only).

What: a component written as raw OLX (a poll, survey, word cloud, drag-and-drop
or any other XBlock) in a course built for Moodle with
`coursekit build --target imscc` (checked by `coursekit lint --target imscc`).

Why: an IMS Common Cartridge has no such activity. coursekit puts a visible
placeholder naming the XBlock in the unit's page instead, so nothing
disappears silently, but learners on Moodle cannot take part.

Example:

    ```{poll}
    <poll question="Mikä kiinnostaa eniten?" ...>
    ```

Fix: after restoring, add the matching Moodle activity (Choice for a poll,
Feedback or Questionnaire for a survey) where the placeholder is; or write
the part as a problem or a discussion, which travel to both platforms.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, RawXBlock

CODE = "M901"
NAME = "moodle-no-equivalent"
SEVERITY = Severity.WARNING
STAGE = "moodle"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for *_, comp in course.components():
        if isinstance(comp, RawXBlock):
            yield Finding(comp.loc, f"the {comp.tag} XBlock {comp.id!r} has no Moodle equivalent: the Moodle "
                          "page shows a placeholder naming it",
                          "add the matching Moodle activity after restore, or write it as a problem or a discussion")

"""Do not link to this course's own pages by their LMS or Studio address.

What: an absolute link into a specific run of this course
(`https://lms.example.org/courses/course-v1:ORG+NUMBER+2019_kesa/...`,
`/courses/course-v1:...`, `/jump_to/block-v1:...`, `asset-v1:...` file
URLs), or any link to Studio (hosts starting with `studio.` or listed in
the `studio_hosts` option). LMS hosts of your own (`lms_hosts` option) are
checked the same way.

Why: the address contains the run. In the next run the link still leads
to the old run (often closed to new learners), or to nowhere. Studio links
open only for course staff.

Example:

    [Osa 3](https://courses.example.org/courses/course-v1:KEINO+KIJH01+2019_kesa/jump_to_id/tavoitteet)

Fix: link by path or id, which works in every run:
`[Osa 3](../03-tavoitteet/)` or `[Osa 3](#tavoitteet)`; for files use
`../static/...` paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from coursekit.check import CheckContext, Finding
from coursekit.check.text import html_links
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course

CODE = "L402"
NAME = "lms-link"
SEVERITY = Severity.ERROR
STAGE = "model"
OPTIONS = {
    "lms_hosts": ([], "Host names of your Open edX LMS (e.g. courses.example.org); L402 checks links to them."),
    "studio_hosts": ([], "Host names of your Studio; L402 reports every link to them."),
}

RUN_PATH_RE = re.compile(r"^/(courses|course|container|jump_to|asset-v1|xblock|courseware)\b")


def _problem(url: str, course: Course, lms: set[str], studio: set[str]) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    text = unquote(url)
    key = f"{course.org}+{course.number}+".lower()
    if host and (host in studio or host.startswith("studio.")):
        return "links to Studio, which only course staff can open"
    lowered = text.lower()
    for prefix in ("course-v1:", "block-v1:", "asset-v1:"):
        at = lowered.find(prefix + key)
        if at >= 0:
            run = text[at + len(prefix) + len(key):].split("+", 1)[0].split("/", 1)[0]
            return f"links to run {run} of this course by its address; the link breaks in other runs"
    if f"/courses/{course.org}/{course.number}/".lower() in lowered:
        return "links to this course by an old-style run address; the link breaks in other runs"
    if host and host in lms and RUN_PATH_RE.match(parts.path):
        return "links into a course on your LMS by address; such links depend on the run"
    if not host and not parts.scheme and RUN_PATH_RE.match(parts.path):
        return "is an LMS address that depends on the run"
    return None


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    lms = {str(h).lower() for h in ctx.option("lms_hosts")}
    studio = {str(h).lower() for h in ctx.option("studio_hosts")}
    found: list[tuple[str, Loc]] = [(link.href, link.loc) for link in course.links()
                                    if link.kind in ("external", "other")]
    found += [(h.url, h.item.loc) for h in html_links(ctx, course)]
    for url, loc in found:
        problem = _problem(url, course, lms, studio)
        if problem:
            yield Finding(loc, f"link {url} {problem}",
                          "link to the .md file or folder, or to #id (becomes /jump_to_id/<id>), "
                          "which works in every run")

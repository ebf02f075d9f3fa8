"""Every file under the course folder should be used by the course.

What: a file under the course source folder that nothing refers to: an
image no page shows, a quiz file no subsection includes, a Markdown file
whose name does not start with a number (so it is not a subsection) and
that no `pages:` entry or link uses, a leftover draft.

Why: such a file is silently left out of the course (or, under static/,
uploaded without anyone linking to it), which usually means a broken
reference or forgotten content.

Example: `02-osa/02_tavoitteet.md.bak`, or `static/kuvat/kaavio-vanha.png`
after the text switched to another image.

Fix: link or include the file where it belongs, or delete it. Files meant
to stay unused (notes for authors) can be ignored in course.yaml:
`lint: {ignore: [{code: S105, path: "muistiinpanot/*"}]}`.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import html_links, static_target
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course, RawXBlock

CODE = "S105"
NAME = "unused-file"
SEVERITY = Severity.WARNING
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    used = set(course.used_files)
    used.add("course.yaml")
    for section in course.sections:
        used.add(f"{section.folder}/section.yaml")
        used.update(sub.file for sub in section.subsections)
    config = ctx.cache.get("config")
    if config is not None and config.words:
        used.add(config.words)
    by_asset = {sf.asset_name: sf.source for sf in course.static_files}
    for link in html_links(ctx, course):
        target = static_target(link.url, link.item.loc.file)
        if target:
            used.add(target)
            used.add(by_asset.get(target[len("static/"):], target))
    for *_, comp in course.components():
        if isinstance(comp, RawXBlock):
            for sf in course.static_files:
                if f"/static/{sf.asset_name}" in comp.xml or f"/static/{sf.path}" in comp.xml:
                    used.add(sf.source)
    reported = ctx.cache.get("load_error_files", set())  # the loader already said what is wrong with them
    skipped = course.skipped  # parts not read because of a load error: what they use is unknown
    for rel in course.source_files:
        if skipped and (rel.startswith("static/") or any(rel == p or rel.startswith(p + "/") for p in skipped)):
            continue
        if rel not in used and rel not in reported:
            yield Finding(Loc(rel), f"file {rel} is not used by the course",
                          "link or include it where it belongs, or delete it")

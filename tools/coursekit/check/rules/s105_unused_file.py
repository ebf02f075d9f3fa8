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

Files referred to from raw markup count as used in every form Open edX
resolves: in an `{olx}` block or a verbatim `.html` file (and in raw HTML
inside Markdown) `/static/NAME` (with folders flattened: `/static/kuvat_a.png`
for `static/kuvat/a.png`), `/c4x/.../asset/NAME` and
`asset-v1:...+type@asset+block@NAME`, also inside escaped HTML or JSON in an
attribute (`html5_sources`, `handout`); and a raw video's transcripts:
`<transcript src="NAME">`, `transcripts='{"en": "NAME"}'` and `sub="ID"`
(the file `subs_ID.srt.sjson`).

Fix: link or include the file where it belongs, or delete it. Files meant
to stay unused (notes for authors) can be ignored in course.yaml:
`lint: {ignore: [{code: S105, path: "muistiinpanot/*"}]}`.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import html_links, static_target
from coursekit.diagnostics import Loc, Severity
from coursekit.markdown import tokens_of
from coursekit.model import Course, MdText, RawXBlock
from coursekit.static_refs import asset_name, referenced_assets

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
    by_asset = {asset_name(sf.path): sf.source for sf in course.static_files}  # the name Open edX gives it
    by_asset.update({sf.asset_name: sf.source for sf in course.static_files})
    for link in html_links(ctx, course):
        target = static_target(link.url, link.item.loc.file)
        if target:
            used.add(target)
            used.add(by_asset.get(target[len("static/"):], target))
    for name in _raw_references(course):
        if name in by_asset:
            used.add(by_asset[name])
    reported = ctx.cache.get("load_error_files", set())  # the loader already said what is wrong with them
    skipped = course.skipped  # parts not read because of a load error: what they use is unknown
    for rel in course.source_files:
        if skipped and (rel.startswith("static/") or any(rel == p or rel.startswith(p + "/") for p in skipped)):
            continue
        if rel not in used and rel not in reported:
            yield Finding(Loc(rel), f"file {rel} is not used by the course",
                          "link or include it where it belongs, or delete it")


def _html_parts(text: MdText) -> str:
    """The raw HTML of ``text``: all of it when kept verbatim, else its HTML blocks and inline tags."""
    if text.raw_html:
        return text.text
    if "<" not in text.text:
        return ""
    parts = []
    for tok in tokens_of(text):
        if tok.type == "html_block":
            parts.append(tok.content)
        elif tok.type == "inline" and tok.children:
            parts.extend(child.content for child in tok.children if child.type == "html_inline")
    return "\n".join(parts)


def _raw_references(course: Course) -> set[str]:
    """Asset names that raw OLX blocks and raw HTML (verbatim files, HTML inside Markdown) refer to."""
    names: set[str] = set()
    for *_, comp in course.components():
        if isinstance(comp, RawXBlock):
            names |= referenced_assets(comp.xml)
    texts = list(course.texts())
    if course.about:
        texts.extend(course.about.files.values())
    for text in texts:
        names |= referenced_assets(_html_parts(text))
    return names

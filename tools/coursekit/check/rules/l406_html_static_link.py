"""Files linked from raw HTML must exist under static/, in the form Open edX serves.

What: a `src` or `href` in raw HTML (`<img src=...>`, `<a href=...>`,
`<source src=...>`) that points into static/ but names a file that does
not exist (with exactly this case), or uses a form Open edX does not
serve. Markdown links are rewritten by coursekit; raw HTML is copied as is,
so it must use the Open edX asset address: `/static/` and the path under
static/ with `/` replaced by `_` (`static/kuvat/kaavio.png` becomes
`/static/kuvat_kaavio.png`).

Why: the image or file is missing for learners.

Example:

    <img src="../static/kuvat/kaavio.png" alt="Kaavio">

Fix: prefer Markdown (`![Kaavio](../static/kuvat/kaavio.png)`); in raw HTML
write `<img src="/static/kuvat_kaavio.png" alt="Kaavio">`.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import html_links, static_target
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "L406"
NAME = "html-static-link"
SEVERITY = Severity.ERROR
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    by_asset = {sf.asset_name: sf for sf in course.static_files}
    by_path = {sf.path: sf for sf in course.static_files}
    lower = {sf.asset_name.lower(): sf for sf in course.static_files}
    for link in html_links(ctx, course):
        target = static_target(link.url, link.item.loc.file)
        if target is None:
            continue
        name = target[len("static/"):]
        direct = link.url.startswith("/static/")
        if direct and name in by_asset:
            continue
        sf = by_path.get(name) or by_asset.get(name.replace("/", "_"))
        if sf is not None:
            yield Finding(link.item.loc, f"{link.attr}={link.url!r} does not work in Open edX: raw HTML is "
                                         "not rewritten", f"write {link.attr}=\"/static/{sf.asset_name}\"")
            continue
        near = lower.get(name.replace("/", "_").lower())
        hint = (f"the name differs in case: /static/{near.asset_name}; Open edX is case-sensitive" if near
                else "check the file name, or add the file under static/")
        yield Finding(link.item.loc, f"{link.attr}={link.url!r}: no such file under static/", hint)

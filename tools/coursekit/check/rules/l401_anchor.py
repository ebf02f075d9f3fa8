"""Links to a place inside a page must lead to that place.

What: two kinds of anchor links that the loader cannot check:

- a link to a subsection file with a fragment, `[...](../03-osa/01-x.md#id)`,
  where `id` exists but is not in that subsection (the link would jump
  somewhere else than the text says);
- a raw HTML link `<a href="#kohta">` on a page or in a unit where no
  element has `id="kohta"` (or `name="kohta"`).

Why: the link silently goes to the wrong place or nowhere.

Example:

    [vaikuttavuusketju](../03-tavoitteet/01-johdanto.md#osa6-mittarit)

Fix: link to the file the id is in, or just `[...](#id)`; for raw HTML, add
the `id` to the target element or fix the fragment.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from coursekit.check import CheckContext, Finding
from coursekit.check.text import pages, raw_html
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "L401"
NAME = "anchor"
SEVERITY = Severity.ERROR
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    where: dict[str, str] = {}
    for section in course.sections:
        where[section.id] = section.folder + "/"
        for sub in section.subsections:
            where[sub.id] = sub.file
            for unit in sub.units:
                where[unit.id] = sub.file
                for comp in unit.components:
                    where[comp.id] = sub.file

    for link in course.links():
        if link.kind != "internal":
            continue
        parts = urlsplit(link.href)
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if not path.endswith(".md") or not fragment:
            continue
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(link.loc.file), path))
        actual = where.get(link.target)
        if actual is not None and actual != rel:
            yield Finding(link.loc, f"#{fragment} is not in {rel}; it is in {actual}",
                          f"link to [{link.text or '...'}](#{fragment}), or to the right file")

    for page in pages(course):
        elements = [item for text in page.texts for item in raw_html(ctx, text)]
        targets = {e.element.get("id") for e in elements} | {e.element.get("name") for e in elements}
        for item in elements:
            href = item.element.get("href") if item.element.tag == "a" else None
            if not href or not href.startswith("#") or len(href) < 2:
                continue
            if unquote(href[1:]) not in targets:
                scope = "unit" if page.kind == "unit" else "page"
                yield Finding(item.loc, f"link {href!r}: no element on this {scope} has id {href[1:]!r}",
                              f"add id=\"{href[1:]}\" to the element it should jump to, or fix the link")

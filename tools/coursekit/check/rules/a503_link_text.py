"""Link text must say where the link goes.

What: a link whose text says nothing on its own: "tästä", "klikkaa tästä",
"lue lisää", "täällä", "linkki", "click here", "here", "more"; a link with
no text; or a bare address as the text (`<https://...>` or
`[https://...](https://...)`). The list is the `vague_link_texts` option.

Why: screen reader users often move from link to link or list all links of
a page; "tästä, tästä, lue lisää" tells them nothing. WCAG 2.1 success
criterion 2.4.4 (Link Purpose, level A). Bare addresses are read out
character by character.

Example:

    Hankintalain löydät [tästä](https://www.finlex.fi/fi/laki/ajantasa/2016/20161397).

Fix: put the destination in the link text:
`Lue [hankintalaki Finlexissä](https://www.finlex.fi/...).`
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import element_text, raw_html
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "A503"
NAME = "link-text"
SEVERITY = Severity.WARNING
STAGE = "model"
OPTIONS = {
    "vague_link_texts": ([
        "tästä", "tässä", "täältä", "täällä", "klikkaa", "klikkaa tästä", "klikkaa tätä", "paina tästä",
        "lue lisää", "lisää", "lisätietoa", "lisätietoja", "linkki", "linkistä", "tästä linkistä", "sivu",
        "click here", "here", "more", "read more", "learn more", "link", "this", "this link", "info",
    ], "Link texts that A503 reports as saying nothing (compared ignoring case and end punctuation)."),
}

BARE_URL_RE = re.compile(r"^(https?://|www\.)\S+$", re.I)


def _normal(text: str) -> str:
    return " ".join(text.strip().strip("\"'“”‘’«»()[].,:;!?…").split()).casefold()


def _problem(text: str, href: str, vague: set[str]) -> str | None:
    if href.lower().startswith("mailto:"):
        return None
    plain = text.strip()
    if not plain:
        return "has no text"
    if BARE_URL_RE.match(plain) or plain == href:
        return "shows a bare address as its text"
    if _normal(plain) in vague:
        return f"text {plain!r} does not say where the link goes"
    return None


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    vague = {_normal(str(t)) for t in ctx.option("vague_link_texts")}
    for text in course.texts():
        for link in text.links:
            if link.is_image:
                continue
            problem = _problem(link.text, link.href, vague)
            if problem:
                yield Finding(link.loc, f"link {problem}", "write link text that names the destination")
        for item in raw_html(ctx, text):
            element = item.element
            if element.tag != "a" or element.get("href") is None:
                continue
            label = element_text(element) or " ".join(
                img.get("alt", "") for img in element.iter("img")).strip() or element.get("aria-label", "")
            problem = _problem(label, element.get("href", ""), vague)
            if problem:
                yield Finding(item.loc, f"link {problem}", "write link text that names the destination")


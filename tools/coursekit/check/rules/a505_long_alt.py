"""A long alt text needs a short alt and a long description instead.

What: an image whose alt text is longer than `alt_max_length` characters
(default 150) and that has no long description next to it. A long
description is, for a Markdown image, a `<details>` block right after the
image's paragraph (see docs/authoring.md, "Images, files and links"); for a
raw HTML `<img>`, an `aria-describedby` or `aria-details` attribute, or a
`<figure>` around it with a `<figcaption>`.

Why: a screen reader reads the alt text in one go, with no way to pause,
go back or move inside it; a long one is hard to follow and impossible to
skim. WCAG 2.1 (1.1.1, and the WAI tutorial on complex images) asks for a
short text alternative that identifies the image, plus a long description
for charts and diagrams whose content does not fit in a sentence; common
guidance keeps the alt under 125 to 150 characters.

Example:

    ![Pylväskaavio julkisten hankintojen hiilijalanjäljestä vuonna 2015:
    yhteensä 8,3 miljoonaa tonnia, kunnat 57 %, kuntayhtymät 22 % ja valtio
    21 %. Suurimmat ... (300 characters)](../static/kuvat/hiilijalanjalki.svg)

Fix: keep one sentence in the alt and move the details into a `<details>`
block right after the image (or into the text or a table next to it, and
leave the alt short):

    ![Pylväskaavio julkisten hankintojen hiilijalanjäljestä vuonna 2015.](../static/kuvat/hiilijalanjalki.svg)

    <details>
    <summary>Kuvan sanallinen kuvaus</summary>

    Hiilijalanjälki oli yhteensä 8,3 miljoonaa tonnia ...

    </details>
"""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it.token import Token

from coursekit import markdown
from coursekit.check import CheckContext, Finding
from coursekit.check.text import raw_html
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course, MdText

CODE = "A505"
NAME = "long-alt"
SEVERITY = Severity.WARNING
STAGE = "model"
OPTIONS = {"alt_max_length": (150, "Longest alt text (in characters) that A505 accepts without a long description.")}

HINT = ("keep one sentence in the alt and put the rest in a <details> block right after the image "
        "(<summary>Kuvan sanallinen kuvaus</summary>), or in the text next to it")


def _described_next(tokens: list[Token], inline_index: int) -> bool:
    """Whether the block after the paragraph holding ``tokens[inline_index]`` opens a <details> element."""
    i = inline_index + 1
    if i < len(tokens) and tokens[i].type == "paragraph_close":
        i += 1
    return i < len(tokens) and tokens[i].type == "html_block" and tokens[i].content.lstrip().lower().startswith(
        "<details")


def _markdown_images(text: MdText, limit: int) -> Iterator[tuple[int, str]]:
    """(index among the text's images, alt) of each long alt without a long description."""
    tokens = markdown.tokens_of(text)
    n = -1
    for index, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children:
            continue
        for child in tok.children:
            if child.type != "image":
                continue
            n += 1
            alt = " ".join(child.content.split())
            if len(alt) > limit and not _described_next(tokens, index):
                yield n, alt


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    limit = int(ctx.option("alt_max_length"))
    for text in course.texts():
        if "![" in text.text:
            images = [link for link in text.links if link.is_image]
            for n, alt in _markdown_images(text, limit):
                loc = images[n].loc if n < len(images) else text.loc
                yield Finding(loc, f"the alt text is {len(alt)} characters long (more than {limit}) and the image "
                                   f"has no long description", HINT)
        for item in raw_html(ctx, text):
            element = item.element
            if element.tag != "img":
                continue
            alt = " ".join((element.get("alt") or "").split())
            if len(alt) <= limit or element.get("aria-describedby") or element.get("aria-details"):
                continue
            figure = next((a for a in element.iterancestors() if a.tag == "figure"), None)
            if figure is not None and figure.find(".//figcaption") is not None:
                continue
            loc = item.loc if isinstance(item.loc, Loc) else text.loc
            yield Finding(loc, f"the alt text of <img src={element.get('src', '')!r}> is {len(alt)} characters long "
                               f"(more than {limit}) and the image has no long description",
                          "keep one sentence in alt and add aria-describedby pointing to a description, or a "
                          "<figure> with a <figcaption>")

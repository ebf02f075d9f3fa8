"""Every image needs alternative text.

What: a Markdown image with empty brackets, `![](../static/kuva.png)`, or a
raw HTML `<img>` without an `alt` attribute. (In raw HTML, `alt=""` is
allowed: it marks a purely decorative image that screen readers skip.)

Why: learners who use a screen reader hear only "image" or the file name.
WCAG 2.1 success criterion 1.1.1 (Non-text Content, level A) requires a
text alternative for every informative image.

Example:

    ![](../static/kuvat/elinkaari.svg)

Fix: describe what the image shows or means:
`![Hankinnan elinkaari: tarve, valmistelu, kilpailutus, sopimuskausi](../static/kuvat/elinkaari.svg)`.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import raw_html
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "A501"
NAME = "image-alt"
SEVERITY = Severity.ERROR
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for link in course.links():
        if link.is_image and not link.text.strip():
            yield Finding(link.loc, f"image {link.href} has no alt text",
                          "describe the image between the brackets: ![what it shows](...)")
    for text in course.texts():
        for item in raw_html(ctx, text):
            if item.element.tag == "img" and item.element.get("alt") is None:
                src = item.element.get("src", "")
                yield Finding(item.loc, f"<img src={src!r}> has no alt attribute",
                              'add alt="what it shows" (or alt="" for a purely decorative image)')

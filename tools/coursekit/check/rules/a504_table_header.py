"""Data tables need a header row.

What: a table written in raw HTML (`<table>`) without header cells
(`<th>`). Markdown tables always have a header row, so this concerns raw
HTML only.

Why: screen readers announce the column header with each cell; without
headers a table is a list of unconnected values. WCAG 2.1 success
criterion 1.3.1 (Info and Relationships, level A).

Example:

    <table>
      <tr><td>EU-kynnysarvo</td><td>140 000 €</td></tr>
    </table>

Fix: make the first row `<tr><th>Hankinta</th><th>Kynnysarvo</th></tr>`
(or write the table in Markdown).
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import raw_html
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "A504"
NAME = "table-header"
SEVERITY = Severity.WARNING
STAGE = "model"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for text in course.texts():
        for item in raw_html(ctx, text):
            if item.element.tag == "table" and not any(True for _ in item.element.iter("th")):
                yield Finding(item.loc, "table has no header cells (<th>)",
                              "make the first row <th> cells, or write the table in Markdown")

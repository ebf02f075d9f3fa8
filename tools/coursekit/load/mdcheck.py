"""Checks on one Markdown text for what the parser would swallow or drop without a word.

- a ``` fence that is never closed (the rest of the text becomes code);
- raw HTML opened and never closed (``<!--``, ``<div>``, ``<pre>`` ...);
- footnote references without a definition (a literal ``[^2]``), and
  definitions that nothing refers to (left out of the page).

Each function returns ``(0-based line, column, message, fix)`` tuples for the
caller to place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from markdown_it.token import Token

Problem = tuple[int, int, str, str]

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"})
# Elements a browser closes by itself where the next one starts; unclosed, they swallow nothing.
SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "colgroup"})
FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]\s]+)\]")
FOOTNOTE_DEF_RE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
COMPONENT_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*\{")


def unclosed_fences(tokens: list[Token], lines: list[str]) -> Iterator[Problem]:
    for tok in tokens:
        if tok.type != "fence" or not tok.map:
            continue
        start, end = tok.map
        last = lines[end - 1] if 0 < end <= len(lines) else ""
        marker = tok.markup
        closed = end - start >= 2 and re.match(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}\s*$", last)
        if not closed:
            yield (start, 1, f"this {marker} fence is never closed, so everything after it is shown as code",
                   f"add a line with {marker} where the block should end")


def component_fence_runs_on(tok: Token) -> Iterator[Problem]:
    """A component fence whose body holds the opening of the next component: its own closing line is missing."""
    if not tok.map:
        return
    for n, line in enumerate(tok.content.split("\n"), start=1):
        if COMPONENT_FENCE_RE.match(line):
            yield (tok.map[0], 1, f"this {tok.markup}{tok.info.strip()} block is not closed before the next "
                   f"component starts {n} line(s) below", f"add a line with {tok.markup} at the end of this block")
            return


class _Tags(HTMLParser):
    """Start and end tags of one piece of raw HTML, kept on a stack shared by the pieces of a text."""

    def __init__(self, stack: list[tuple[str, int]], base: int) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = stack  # (tag, 0-based line in the text)
        self.base = base

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append((tag, self.base + self.getpos()[0] - 1))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return


def unclosed_html(tokens: list[Token], lines: list[str]) -> Iterator[Problem]:
    """Raw HTML elements opened in this text and never closed in it."""
    stack: list[tuple[str, int]] = []
    for tok in tokens:
        pieces: list[tuple[str, int]] = []
        if tok.type == "html_block" and tok.map:
            pieces.append((tok.content, tok.map[0]))
        elif tok.type == "inline" and tok.children and tok.map:
            pieces.extend((child.content, tok.map[0]) for child in tok.children if child.type == "html_inline")
        for content, line in pieces:
            if content.lstrip().startswith("<!--") and "-->" not in content:
                yield (line, 1, "this HTML comment `<!--` is never closed, so the rest of the text is hidden",
                       "end the comment with -->")
                continue
            _Tags(stack, line).feed(content)
    for tag, line in stack:
        if tag in SELF_CLOSING:
            continue
        yield (line, 1, f"the raw HTML element <{tag}> opened here is never closed, so the Markdown after it "
               "is swallowed into it", f"add </{tag}> where the element should end, and leave a blank line "
               "between the HTML and the Markdown")


def footnotes(tokens: list[Token], lines: list[str]) -> Iterator[Problem]:
    code = {n for tok in tokens if tok.type in ("fence", "code_block") and tok.map for n in range(*tok.map)}
    defined: dict[str, int] = {}
    for n, line in enumerate(lines):
        match = FOOTNOTE_DEF_RE.match(line)
        if match and n not in code:
            defined.setdefault(match.group(1), n)
    referenced: set[str] = set()
    for tok in tokens:
        if tok.type != "inline" or not tok.children or not tok.map:
            continue
        for child in tok.children:
            if child.type == "footnote_ref":
                referenced.add(str(child.meta.get("label", "")))
            elif child.type == "text":
                for match in FOOTNOTE_REF_RE.finditer(child.content):
                    yield (tok.map[0], 1, f"footnote [^{match.group(1)}] has no definition in this text block, "
                           "so learners would see it as it is written",
                           f"add a line `[^{match.group(1)}]: ...` below it, before the next component "
                           "(footnotes work within one text block)")
    for label, line in sorted(defined.items(), key=lambda item: item[1]):
        if label not in referenced:
            yield (line, 1, f"footnote [^{label}] is defined but nothing in this text block refers to it, so it "
                   "would be left out", f"refer to it with [^{label}] in the same text block (above the next "
                   "component), or remove it")

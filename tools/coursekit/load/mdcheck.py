"""Checks on one Markdown text for what the parser would swallow or drop without a word.

- text nested deeper than the parser keeps (``too_deep`` tokens);
- a ``` fence that is never closed (the rest of the text becomes code);
- math opened with ``\\(``, ``\\[`` or ``[mathjax]`` and never closed;
- raw HTML opened and never closed (``<!--``, ``<div>``, ``<pre>`` ...), and
  Markdown written inside a raw HTML block (shown as typed);
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

from coursekit import markdown
from coursekit.load import codes
from coursekit.plural import count

Problem = tuple[int, int, str, str]

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"})
# Elements a browser closes by itself where the next one starts; unclosed, they swallow nothing.
SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "colgroup"})
# Text inside these is not meant as Markdown.
VERBATIM = frozenset({"pre", "code", "script", "style", "textarea"})
# Tokens that show the text was meant as Markdown.
MARKDOWN_TOKENS = frozenset({"heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open", "fence",
                             "table_open", "em_open", "strong_open", "s_open", "link_open", "image", "code_inline"})
FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]\s]+)\]")
FOOTNOTE_DEF_RE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
COMPONENT_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*\{")


def _children(tok: Token) -> Iterator[tuple[int, Token]]:
    """(0-based line, child) for the inline children of ``tok``."""
    line = tok.map[0] if tok.map else 0
    for child in tok.children or []:
        yield line, child
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type in ("html_inline", "math_inline"):
            line += child.content.count("\n")


def _col(lines: list[str], line: int, needle: str) -> int:
    at = lines[line].find(needle) if 0 <= line < len(lines) and needle else -1
    return at + 1 if at >= 0 else 1


def too_deep(tokens: list[Token]) -> Iterator[Problem]:
    """The first place nested past the parser's depth limit."""
    for tok in tokens:
        deep = tok.map[0] if tok.type == "too_deep" and tok.map else None
        if deep is None and tok.type == "inline" and any(c.type == "too_deep" for c in tok.children or []):
            deep = tok.map[0] if tok.map else 0
        if deep is not None:
            yield (deep, 1, markdown.TOO_DEEP_MESSAGE, "use fewer levels: flatten the list or the quotes here")
            return


def unclosed_fences(tokens: list[Token], lines: list[str]) -> Iterator[Problem]:
    for tok in tokens:
        if tok.type != "fence" or not tok.map:
            continue
        start, end = tok.map
        content = tok.content
        body_lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
        if body_lines == end - start - 1:  # every line after the opening is content: no closing line
            yield (start, _col(lines, start, tok.markup),
                   f"this {tok.markup} fence is never closed, so everything after it is shown as code",
                   f"add a line with {tok.markup} where the block should end")


def component_fence_runs_on(tok: Token) -> Iterator[Problem]:
    """A component fence whose body holds the opening of the next component: its own closing line is missing."""
    if not tok.map:
        return
    for n, line in enumerate(tok.content.split("\n"), start=1):
        if COMPONENT_FENCE_RE.match(line):
            yield (tok.map[0], 1, f"this {tok.markup}{tok.info.strip()} block is not closed before the next "
                   f"component starts {count(n, 'line')} below",
                   f"add a line with {tok.markup} at the end of this block")
            return


def unclosed_math(tokens: list[Token], lines: list[str]) -> Iterator[Problem]:
    for tok in tokens:
        if tok.type != "inline":
            continue
        for line, child in _children(tok):
            if child.type == "math_unclosed":
                yield (line, _col(lines, line, child.markup),
                       f"the formula started with {child.markup} is never closed with {child.info}, so it would "
                       "be shown as plain text", f"end the formula with {child.info} in the same paragraph (a "
                       "formula cannot hold a blank line)")


class _Tags(HTMLParser):
    """Start and end tags of one piece of raw HTML, kept on a stack shared by the pieces of a text."""

    def __init__(self, stack: list[tuple[str, int, int]], base: int, lines: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = stack  # (tag, 0-based line in the text, column)
        self.base = base
        self.lines = lines
        self.text: list[tuple[int, str]] = []  # (line, text outside tags), not inside <pre> and the like

    def _line(self) -> int:
        return self.base + self.getpos()[0] - 1

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            line = self._line()
            self.stack.append((tag, line, _col(self.lines, line, self.get_starttag_text() or f"<{tag}")))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(tag in VERBATIM for tag, _line, _col in self.stack):
            self.text.append((self._line() + data[: len(data) - len(data.lstrip())].count("\n"), data))


def _is_markdown(text: str) -> str:
    """The first Markdown construct in ``text`` (as the token type), or ""."""
    lines = "\n".join(line.strip() for line in text.split("\n")).strip()
    for tok in markdown.parse(lines):
        if tok.type in MARKDOWN_TOKENS:
            return tok.type
        for child in tok.children or []:
            if child.type in MARKDOWN_TOKENS:
                return child.type
    return ""


def unclosed_html(tokens: list[Token], lines: list[str]) -> Iterator[Problem]:
    """Raw HTML elements opened in this text and never closed in it; Markdown typed inside an HTML block."""
    stack: list[tuple[str, int, int]] = []
    swallowed: list[tuple[int, int, int]] = []  # (block line, column, line of the Markdown)
    for tok in tokens:
        pieces: list[tuple[str, int, bool]] = []  # (html, 0-based line, is a block)
        if tok.type == "html_block" and tok.map:
            pieces.append((tok.content, tok.map[0], True))
        elif tok.type == "inline" and tok.children:
            pieces.extend((child.content, line, False) for line, child in _children(tok) if child.type == "html_inline")
        for content, line, is_block in pieces:
            comment = content.rfind("<!--")
            if comment >= 0 and content.find("-->", comment + 4) < 0:
                at = line + content.count("\n", 0, comment)
                yield (at, _col(lines, at, "<!--"), "this HTML comment `<!--` is never closed, so the rest of the "
                       "text is hidden", "end the comment with -->")
                content = content[:comment]
            tags = _Tags(stack, line, lines)
            tags.feed(content)
            if is_block:
                markdown_line = next((at for at, text in tags.text if _is_markdown(text)), None)
                if markdown_line is not None:
                    swallowed.append((line, _col(lines, line, "<"), markdown_line))
    open_lines = set()
    for tag, line, col in stack:
        if tag in SELF_CLOSING:
            continue
        open_lines.add(line)
        yield (line, col, f"the raw HTML element <{tag}> opened here is never closed, so the Markdown after it "
               "is swallowed into it", f"add </{tag}> where the element should end, and leave a blank line "
               "between the HTML and the Markdown")
    for line, col, markdown_line in swallowed:
        if line not in open_lines:
            below = markdown_line - line
            where = "on the same line" if below == 0 else ("on the next line" if below == 1 else f"{below} lines below")
            yield (line, col, f"this raw HTML block holds Markdown ({where}), which learners would see as typed",
                   "leave a blank line after the HTML tag (and before its closing tag), so the text between is "
                   "read as Markdown; or write it in HTML")


def footnotes(tokens: list[Token], lines: list[str]) -> Iterator[Problem]:
    code = {n for tok in tokens if tok.type in ("fence", "code_block") and tok.map for n in range(*tok.map)}
    defined: dict[str, int] = {}
    for n, line in enumerate(lines):
        match = FOOTNOTE_DEF_RE.match(line)
        if match and n not in code:
            defined.setdefault(match.group(1), n)
    referenced: set[str] = set()
    for tok in tokens:
        if tok.type != "inline":
            continue
        for line, child in _children(tok):
            if child.type == "footnote_ref":
                referenced.add(str(child.meta.get("label", "")))
            elif child.type == "text":
                for match in FOOTNOTE_REF_RE.finditer(child.content):
                    yield (line, 1, f"footnote [^{match.group(1)}] has no definition in this text block, "
                           "so learners would see it as it is written",
                           f"add a line `[^{match.group(1)}]: ...` below it, before the next component "
                           "(footnotes work within one text block)")
    for label, line in sorted(defined.items(), key=lambda item: item[1]):
        if label not in referenced:
            yield (line, _col(lines, line, "[^"), f"footnote [^{label}] is defined but nothing in this text block "
                   "refers to it, so it would be left out", f"refer to it with [^{label}] in the same text block "
                   "(above the next component), or remove it")


def check_text(tokens: list[Token], lines: list[str]) -> Iterator[tuple[str, Problem]]:
    """Every check above on one text, each problem with its load code."""
    for problem in too_deep(tokens):
        yield codes.TOO_DEEP, problem
    for check in (unclosed_fences, unclosed_math, unclosed_html):
        for problem in check(tokens, lines):
            yield codes.UNCLOSED, problem
    for problem in footnotes(tokens, lines):
        yield codes.FOOTNOTE, problem

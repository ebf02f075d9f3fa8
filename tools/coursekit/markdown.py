"""Markdown parsing and rendering, one configuration for every stage.

CommonMark with tables, strikethrough, footnotes, definition lists and math
(markdown-it-py and its plugins); raw HTML passes through. Links are
rewritten at render time from a mapping the emitter supplies, so the
loader's resolution is the single truth.

Math is written as Open edX's MathJax reads it: ``\\(...\\)`` inline and
``\\[...\\]`` on lines of its own; both reach the HTML with their delimiters
and the TeX escaped, never eaten by CommonMark's backslash escapes.

Text nested deeper than :data:`MAX_DEPTH` (lists in lists, quotes in quotes)
raises :class:`TooDeep` with its line: markdown-it would otherwise drop the
rest of the text silently.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.texmath import texmath_plugin

MAX_DEPTH = 40  # levels of nesting (a list item inside a list counts two); markdown-it stops at its maxNesting
_PARSER_NESTING = MAX_DEPTH + 20
TOO_DEEP_MESSAGE = (f"the text is nested too deeply (lists more than {MAX_DEPTH // 2} levels inside each other, or "
                    f"quotes more than {MAX_DEPTH}); the rest of it would be lost")


class TooDeep(Exception):
    """Markdown nested deeper than coursekit keeps; ``line`` is 0-based in the parsed text (None: unknown)."""

    def __init__(self, line: int | None) -> None:
        super().__init__("Markdown nested too deeply")
        self.line = line


def _block_guard(state, start_line: int, _end_line: int, _silent: bool) -> bool:
    if state.level >= MAX_DEPTH:
        raise TooDeep(start_line)
    return False


def _inline_guard(state, _silent: bool) -> bool:
    if state.level >= MAX_DEPTH:
        raise TooDeep(None)
    return False


def _display_math_inline(state, silent: bool) -> bool:
    """``\\[...\\]`` inside a paragraph: MathJax shows it as display math, so keep it whole."""
    if not state.src.startswith("\\[", state.pos):
        return False
    end = state.src.find("\\]", state.pos + 2)
    if end < 0:
        return False
    if not silent:
        token = state.push("math_display_inline", "", 0)
        token.content = state.src[state.pos + 2:end]
    state.pos = end + 2
    return True


def _math_display_inline(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
    return f"\\[{escapeHtml(tokens[idx].content)}\\]"


def _math_inline(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
    return f"\\({escapeHtml(tokens[idx].content)}\\)"


def _math_block(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
    tag = f" \\tag{{{escapeHtml(tokens[idx].info)}}}" if tokens[idx].type == "math_block_eqno" else ""
    return f"<p>\\[{escapeHtml(tokens[idx].content)}{tag}\\]</p>\n"


def _rewrite(attr: str):
    def rule(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        value = token.attrGet(attr)
        urls: Mapping[str, str] = env.get("urls", {}) if env else {}
        if isinstance(value, str) and value in urls:
            token.attrSet(attr, urls[value])  # tokens are shared (cached): restore below
        try:
            if token.type == "image":
                return RendererHTML.image(self, tokens, idx, options, env)
            return self.renderToken(tokens, idx, options, env)
        finally:
            if isinstance(value, str):
                token.attrSet(attr, value)

    return rule


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": True, "typographer": False,
                                   "maxNesting": _PARSER_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(texmath_plugin, delimiters="brackets")
    md.block.ruler.before("table", "depth_guard", _block_guard)
    md.inline.ruler.before("text", "depth_guard", _inline_guard)
    md.inline.ruler.before("escape", "math_display_inline", _display_math_inline)
    md.validateLink = lambda _url: True  # unsafe targets are load errors (E020), not text to show learners
    md.add_render_rule("link_open", _rewrite("href"))
    md.add_render_rule("image", _rewrite("src"))
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("math_display_inline", _math_display_inline)
    md.add_render_rule("math_block_eqno", _math_block)
    return md


_CACHE: dict[tuple[str, bool], list[Token]] = {}
_CACHE_MAX = 100_000


def _cached(text: str, inline: bool) -> list[Token]:
    key = (text, inline)
    tokens = _CACHE.get(key)
    if tokens is None:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        md = parser()
        tokens = md.parseInline(text, {}) if inline else md.parse(text, {})
        _CACHE[key] = tokens
    return tokens


def parse(text: str) -> list[Token]:
    """Tokens of ``text``, parsed once per process and shared by every stage: do not modify them."""
    return _cached(text, False)


def block_tokens(text: str) -> list[Token]:
    """Block-level tokens only (headings, fences, ...), skipping inline parsing: enough to split units."""
    md = parser()
    tokens: list[Token] = []
    md.block.parse(text, md, {}, tokens)
    return tokens


def render(text: str, urls: Mapping[str, str] | None = None, inline: bool = False, doc_id: str = "") -> str:
    """Render Markdown; ``doc_id`` prefixes footnote ids so several texts can share a page."""
    env: dict[str, object] = {"urls": dict(urls or {})}
    if doc_id:
        env["docId"] = doc_id
    md = parser()
    return md.renderer.render(_cached(text, inline), md.options, env)


@dataclass(frozen=True)
class FoundLink:
    href: str
    text: str
    line: int  # 0-based, relative to the text
    col: int  # 1-based
    is_image: bool


def _inline_text(children: list[Token], start: int) -> str:
    out: list[str] = []
    depth = 0
    for tok in children[start + 1 :]:
        if tok.type == "link_open":
            depth += 1
        elif tok.type == "link_close":
            if depth == 0:
                break
            depth -= 1
        elif tok.type in ("text", "code_inline") or tok.type == "image":
            out.append(tok.content)
    return "".join(out)


def _locate(lines: list[str], first: int, last: int, needle: str, start_from: tuple[int, int]) -> tuple[int, int]:
    """Find ``needle`` in lines[first:last] at or after ``start_from``; return (line, col)."""
    s_line, s_col = start_from
    for i in range(max(first, s_line), max(last, first + 1)):
        if i >= len(lines):
            break
        col_from = s_col if i == s_line else 0
        pos = lines[i].find(needle, col_from)
        if pos >= 0:
            return i, pos
    return first, -1


def find_links(text: str, tokens: list[Token] | None = None) -> Iterator[FoundLink]:
    """Every link and image in ``text`` with its line and column."""
    if tokens is None:
        if "[" not in text and "<" not in text and "://" not in text:
            return  # no link syntax at all: skip the parse
        tokens = parse(text)
    lines = text.split("\n")
    cursor = (0, 0)
    for block in tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        first, last = block.map
        for idx, tok in enumerate(block.children):
            if tok.type == "link_open":
                href = str(tok.attrGet("href") or "")
                label = _inline_text(block.children, idx)
                is_image = False
            elif tok.type == "image":
                href = str(tok.attrGet("src") or "")
                label = tok.content
                is_image = True
            else:
                continue
            markup = tok.markup
            needle = "<" if markup == "autolink" else ("](" if markup != "linkify" else href)
            line, pos = _locate(lines, first, last, needle, cursor)
            if pos < 0:
                line, col = first, 1
            else:
                cursor = (line, pos + 1)
                col = pos + 1
                if needle == "](":
                    # point at the start of the link: the '[' or '![' before
                    opening = lines[line].rfind("!" if is_image else "[", 0, pos)
                    col = (opening + 1) if opening >= 0 else pos + 1
            yield FoundLink(href, label, line, col, is_image)


def headings(tokens: list[Token]) -> Iterator[tuple[int, int, str]]:
    """(level, 0-based line, text) for each heading."""
    for idx, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map:
            inline = tokens[idx + 1]
            yield int(tok.tag[1]), tok.map[0], inline.content

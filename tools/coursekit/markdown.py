"""Markdown parsing and rendering, one configuration for every stage.

CommonMark with tables, strikethrough, footnotes, definition lists, math and
attribute spans (``[in vivo]{lang=la}``; markdown-it-py and its plugins); raw HTML passes through. Links are
rewritten at render time from a mapping the emitter supplies, so the
loader's resolution is the single truth.

Math is written as Open edX's MathJax reads it: ``\\(...\\)`` or
``[mathjax inline]...[/mathjax inline]`` inline, ``\\[...\\]`` or
``[mathjax]...[/mathjax]`` for display. The delimiters and the TeX reach the
HTML as written (TeX HTML-escaped), never eaten by CommonMark's backslash
escapes; an opening delimiter without its closing one becomes a
``math_unclosed`` token, which the loader reports.

Text nested :data:`MAX_DEPTH` levels deep (lists in lists, quotes in quotes)
becomes a hidden ``too_deep`` token at its line, which the loader reports:
markdown-it would otherwise drop the rest of the text silently.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from coursekit.model import MdText

MAX_DEPTH = 40  # levels of nesting (a list item inside a list counts two)
_PARSER_NESTING = MAX_DEPTH + 20  # markdown-it's own limit, never reached: the guards stop first
TOO_DEEP_MESSAGE = (f"the text is nested too deeply (lists {MAX_DEPTH // 2} or more levels inside each other, or "
                    f"quotes {MAX_DEPTH} or more); the rest of it would be lost")
# Open edX's MathJax delimiters (opening, closing); the display ones may also stand on lines of their own.
MATH_INLINE = (("\\(", "\\)"), ("\\[", "\\]"), ("[mathjax inline]", "[/mathjax inline]"), ("[mathjax]", "[/mathjax]"))
MATH_DISPLAY = (("\\[", "\\]"), ("[mathjax]", "[/mathjax]"))


def _block_guard(state: StateBlock, start_line: int, _end_line: int, silent: bool) -> bool:
    """At the depth limit, mark the line and step over it; the lines after it keep their own structure."""
    if state.level < MAX_DEPTH or silent:
        return False
    token = state.push("too_deep", "", 0)
    token.map, token.hidden = [start_line, start_line + 1], True
    state.line = start_line + 1
    return True


def _inline_guard(state: StateInline, silent: bool) -> bool:
    """Bound the recursion of link-label scanning (``[[[[...``); the text stays as it is written."""
    if state.level < MAX_DEPTH:
        return False
    if not silent:
        state.push("too_deep", "", 0).hidden = True
    state.pos = state.posMax
    return True


def _math_inline(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    for opening, closing in MATH_INLINE:
        if not src.startswith(opening, pos):
            continue
        start = pos + len(opening)
        end = src.find(closing, start)
        if not silent:
            token = state.push("math_inline" if end >= 0 else "math_unclosed", "", 0)
            token.markup, token.info = opening, closing
            token.content = src[start:end] if end >= 0 else opening
        state.pos = end + len(closing) if end >= 0 else start
        return True
    return False


def _math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Display math starting a block; it ends on the line whose closing delimiter is followed by nothing."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    first = state.src[state.bMarks[start_line] + state.tShift[start_line]:state.eMarks[start_line]]
    pair = next(((o, c) for o, c in MATH_DISPLAY if first.startswith(o)), None)
    if pair is None:
        return False
    opening, closing = pair
    line = start_line
    while line < end_line:
        if line > start_line and (state.isEmpty(line) or state.sCount[line] < state.blkIndent):
            return False  # no blank line inside a formula: left to the paragraph (and its checks)
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
        at = text.find(closing, len(opening) if line == start_line else 0)
        if at >= 0:
            if text[at + len(closing):].strip():
                return False  # text after the formula: the paragraph keeps it, with the formula inline
            break
        line += 1
    else:
        return False
    if not silent:
        body = state.getLines(start_line, line + 1, state.blkIndent, False).strip()
        token = state.push("math_block", "", 0)
        token.block, token.map = True, [start_line, line + 1]
        token.markup, token.info = opening, closing
        token.content = body[len(opening):body.rfind(closing)]
    state.line = line + 1
    return True


def _render_math(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
    tok = tokens[idx]
    math = f"{tok.markup}{escapeHtml(tok.content)}{tok.info}"
    return f"<p>{math}</p>\n" if tok.type == "math_block" else math


def _render_literal(self: RendererHTML, tokens: list[Token], idx: int, options, env) -> str:
    return escapeHtml(tokens[idx].content)


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
    md.use(attrs_plugin, after=(), spans=True)  # [text]{lang=sv}: a span, for a phrase in another language
    md.block.ruler.before("table", "depth_guard", _block_guard)
    md.block.ruler.before("fence", "math_block", _math_block, {"alt": ["paragraph", "reference", "blockquote"]})
    md.inline.ruler.before("text", "depth_guard", _inline_guard)
    md.inline.ruler.before("escape", "math_inline", _math_inline)
    md.validateLink = lambda _url: True  # unsafe targets are load errors (E020), not text to show learners
    md.add_render_rule("link_open", _rewrite("href"))
    md.add_render_rule("image", _rewrite("src"))
    md.add_render_rule("math_inline", _render_math)
    md.add_render_rule("math_block", _render_math)
    md.add_render_rule("math_unclosed", _render_literal)
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
        if inline:
            tokens = md.parseInline(text, {})
            tokens[0].map = [0, text.count("\n") + 1]  # the lines it spans, for locating links and checks
        else:
            tokens = md.parse(text, {})
        _CACHE[key] = tokens
    return tokens


def parse(text: str, inline: bool = False) -> list[Token]:
    """Tokens of ``text``, parsed once per process and shared by every stage: do not modify them."""
    return _cached(text, inline)


def tokens_of(text: MdText) -> list[Token]:
    """The tokens of a model text, parsed once, in the mode it is rendered in."""
    if text.tokens is None:
        text.tokens = _cached(text.text, text.inline)
    return text.tokens


def block_parse(text: str) -> tuple[list[Token], dict]:
    """Block-level tokens only (no inline parsing yet) and the parser's env (references, footnotes)."""
    md = parser()
    tokens: list[Token] = []
    env: dict = {}
    md.block.parse(text, md, env, tokens)
    return tokens, env


def top_level_blocks(tokens: list[Token]) -> list[tuple[int, int, int]]:
    """(first line, start index, end index) of each top-level block in a block token stream."""
    out: list[tuple[int, int, int]] = []
    i = 0
    while i < len(tokens):
        start, depth = i, 0
        while True:
            depth += tokens[i].nesting
            i += 1
            if depth <= 0 or i >= len(tokens):
                break
        first = tokens[start].map[0] if tokens[start].map else (out[-1][0] if out else 0)
        out.append((first, start, i))
    return out


@cache
def _after_block() -> tuple:
    return tuple(rule.fn for rule in parser().core.ruler.__rules__
                 if rule.enabled and rule.name not in ("normalize", "block"))


def finish(text: str, blocks: list[Token], first_line: int) -> list[Token]:
    """Finish parsing ``text`` from its block tokens, cut out of the block parse of a larger text.

    ``first_line`` is where ``text`` starts in the larger text; the tokens' line maps are moved to be
    relative to ``text``. Gives the tokens :func:`parse` would (the caller makes sure no reference or
    footnote definitions were involved, which the larger parse keeps for the whole text).
    """
    if first_line:
        for tok in blocks:
            if tok.map:
                tok.map = [tok.map[0] - first_line, tok.map[1] - first_line]
    state = StateCore(text, parser(), {})
    state.tokens = blocks
    for rule in _after_block():
        rule(state)
    if len(_CACHE) < _CACHE_MAX:
        _CACHE.setdefault((text, False), state.tokens)
    return state.tokens


def render_tokens(tokens: list[Token], urls: Mapping[str, str] | None = None, doc_id: str = "") -> str:
    env: dict[str, object] = {"urls": dict(urls or {})}
    if doc_id:
        env["docId"] = doc_id
    md = parser()
    return md.renderer.render(tokens, md.options, env)


def render(text: str, urls: Mapping[str, str] | None = None, inline: bool = False, doc_id: str = "") -> str:
    """Render Markdown; ``doc_id`` prefixes footnote ids so several texts can share a page."""
    return render_tokens(_cached(text, inline), urls, doc_id)


def render_text(text: MdText, urls: Mapping[str, str], inline: bool | None = None, doc_id: str = "") -> str:
    """A model text as HTML: from its own tokens, or parsed anew only when asked for in the other mode."""
    if text.raw_html:
        return text.text
    if inline is None or inline == text.inline:
        return render_tokens(tokens_of(text), urls, doc_id).strip()
    return render(text.text, urls, inline, doc_id).strip()


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


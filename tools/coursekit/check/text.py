"""Helpers for rules that look inside Markdown: headings, raw HTML, prose words, exact locations.

Texts from Markdown files map line for line onto the file. Texts from YAML
values (problem questions, feedback) may be folded, so a location is found
by searching the source file from the text's first line for the exact
string: messages then point at the real line and column.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html
from markdown_it.token import Token

from coursekit import cache, markdown
from coursekit.check import CheckContext
from coursekit.diagnostics import Loc
from coursekit.model import Course, Html, MdText, Section, Subsection, Unit

SEARCH_WINDOW = 400  # lines to search forward for a string


def tokens(ctx: CheckContext, text: MdText) -> list[Token]:
    return markdown.tokens_of(text)


def headings(text: MdText) -> list[tuple[int, int]]:
    """(level, 0-based line) of each heading in ``text``: a pure function of it (memoised)."""
    return cache.current().get("headings", (text.text, text.inline), lambda: [
        (int(tok.tag[1]), tok.map[0]) for tok in markdown.tokens_of(text) if tok.type == "heading_open" and tok.map])


def locate(ctx: CheckContext, text: MdText, rel_line: int, needle: str | re.Pattern[str] = "") -> Loc:
    """The source location of ``needle`` on (or, for folded YAML, after) line ``rel_line`` of ``text``."""
    file = text.loc.file
    lines = ctx.source_lines(file)
    first = text.loc.line - 1
    guess = first + rel_line
    if needle:
        pattern = needle if isinstance(needle, re.Pattern) else re.compile(re.escape(needle))
        for start in (guess, first):
            for i in range(start, min(len(lines), start + SEARCH_WINDOW)):
                from_col = text.loc.col - 1 if i == first else 0
                match = pattern.search(lines[i], from_col)
                if match:
                    return Loc(file, i + 1, match.start() + 1)
    return Loc(file, guess + 1, text.loc.col if rel_line == 0 else 1)


def find_line(ctx: CheckContext, file: str, start_line: int, pattern: str) -> Loc:
    """First line at or after ``start_line`` matching the regex ``pattern``; else ``start_line``."""
    regex = re.compile(pattern)
    lines = ctx.source_lines(file)
    for i in range(max(start_line - 1, 0), len(lines)):
        match = regex.search(lines[i])
        if match:
            return Loc(file, i + 1, match.start() + 1)
    return Loc(file, start_line, 1)


# -- which texts form one page ---------------------------------------------------------


@dataclass
class PageText:
    """Markdown shown together on one page: a unit's HTML components, or a page/about/info text."""

    kind: str  # "unit" or "page"
    texts: list[MdText]
    unit: Unit | None = None
    subsection: Subsection | None = None
    section: Section | None = None


def pages(course: Course) -> Iterator[PageText]:
    if course.about and course.about.overview:
        yield PageText("page", [course.about.overview])
    if course.info.handouts:
        yield PageText("page", [course.info.handouts])
    for update in course.info.updates:
        yield PageText("page", [update.body])
    for page in course.pages:
        yield PageText("page", [page.body])
    for section, sub, unit in course.units():
        bodies = [c.body for c in unit.components if isinstance(c, Html)]
        yield PageText("unit", bodies, unit, sub, section)


# -- raw HTML ---------------------------------------------------------------------------


@dataclass
class HtmlElement:
    element: etree._Element
    loc: Loc
    text: MdText


def _inline_html(children: list[Token]) -> str:
    out: list[str] = []
    for tok in children:
        if tok.type == "html_inline":
            out.append(tok.content)
        elif tok.type == "text":
            out.append(html.escape(tok.content, quote=False))
        elif tok.type == "code_inline":
            out.append(f"<code>{html.escape(tok.content, quote=False)}</code>")
        elif tok.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif tok.type == "image":
            out.append(html.escape(tok.content, quote=False))
    return "".join(out)


def raw_html(ctx: CheckContext, text: MdText) -> list[HtmlElement]:
    """Elements written as raw HTML in ``text`` (not those Markdown makes), with source locations."""
    key = f"html:{id(text)}"
    if key in ctx.cache:
        return ctx.cache[key]
    found: list[HtmlElement] = []
    if "<" in text.text:
        n_lines = text.text.count("\n") + 1
        lines = [""] * n_lines
        for tok in tokens(ctx, text):
            if not tok.map:
                continue
            if tok.type == "html_block":
                for i, line in enumerate(tok.content.rstrip("\n").split("\n")):
                    if tok.map[0] + i < n_lines:
                        lines[tok.map[0] + i] = line
            elif tok.type == "inline" and tok.children and any(c.type == "html_inline" for c in tok.children):
                for i, line in enumerate(_inline_html(tok.children).split("\n")):
                    if tok.map[0] + i < n_lines:
                        lines[tok.map[0] + i] = line
        source = "\n".join(lines)
        if source.strip():
            try:
                doc = lxml_html.document_fromstring(source)
            except (etree.ParserError, ValueError):
                doc = None
            for element in doc.iter() if doc is not None else ():
                if not isinstance(element.tag, str) or element.tag in ("html", "head", "body") \
                        or element.sourceline is None:
                    continue
                rel_line = element.sourceline - 1
                found.append(HtmlElement(element, locate(ctx, text, rel_line, f"<{element.tag}"), text))
    ctx.cache[key] = found
    return found


def element_text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


# -- prose -------------------------------------------------------------------------------

# a token that is a URL, e-mail address, file or domain name (kaavio.svg, data.finlex.fi) or path (owner/repo)
URLISH_RE = re.compile(r"\w[./@]\w|://|^\W*www\.", re.I)
# a word may hold - : ' inside (hankinta-asiakirja, EU:n); a suffix after "§:" or "24:" is not a word
WORD_RE = re.compile(r"(?<![\w:§'’-])\w(?:[\w:'’-]*\w)?-?(\.)?")
NOT_PROSE_RE = re.compile(r"[\d_]")  # words with digits or underscores are codes and identifiers
SKIP_HTML = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "math"})
OPEN_TAG_RE = re.compile(r"^<\s*([a-zA-Z][\w-]*)")
CLOSE_TAG_RE = re.compile(r"^<\s*/\s*([a-zA-Z][\w-]*)")
LANG_ATTR_RE = re.compile(r"""\slang\s*=\s*["']?\s*([A-Za-z][\w-]*)""")


def _html_lang(tag: str) -> str | None:
    found = LANG_ATTR_RE.search(tag)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Word:
    word: str
    rel_line: int
    dot: bool = False  # followed by a full stop: an abbreviation such as "esim." may need it


def _words_in(content: str, rel_line: int, glued: bool = False) -> Iterator[Word]:
    """``glued``: the text continues a word that markup interrupted (**EMAS**iin): skip that first part."""
    if "." in content or "/" in content or "@" in content:
        content = " ".join("" if URLISH_RE.search(token) else token for token in content.split(" "))
    if glued:
        content = re.sub(r"^[\w:'’-]+", "", content)
    for match in WORD_RE.finditer(content):
        word = match.group(0).rstrip(".")
        if len(word) < 2 or NOT_PROSE_RE.search(word):
            continue
        yield Word(word, rel_line, bool(match.group(1)))


def _foreign(lang: object, language: str | None) -> bool:
    """Whether a ``lang`` attribute marks text as not in the course's ``language``."""
    if not isinstance(lang, str) or not lang.strip() or language is None:
        return False
    return lang.strip().lower().split("-")[0] != language.lower().split("-")[0]


@dataclass(frozen=True)
class Prose:
    """A piece of running text (one inline token's text or image alt) and where it is."""

    content: str
    rel_line: int
    kind: str  # "text" or "image" (an alt text)
    glued: bool = False  # continues a word that markup interrupted (**EMAS**iin)
    in_link: bool = False  # inside a link's text


def prose(ctx: CheckContext, text: MdText, language: str | None = None) -> Iterator[Prose]:
    """Running text of ``text``: not code, not HTML tags, not link targets, and not text the author marked
    as another language than ``language`` (``[...]{lang=en}``, ``<span lang="en">``)."""
    for tok in tokens(ctx, text):
        if tok.type != "inline" or not tok.children or not tok.map:
            continue
        rel = tok.map[0]
        skipping: list[str] = []
        links = 0
        previous = ""
        for child in tok.children:
            glued = previous.endswith("_close") or previous == "code_inline"
            previous = child.type
            if child.type in ("softbreak", "hardbreak"):
                rel += 1
            elif child.type == "link_open":
                links += 1
            elif child.type == "link_close":
                links = max(0, links - 1)
            elif child.type == "html_inline":
                close = CLOSE_TAG_RE.match(child.content)
                opened = OPEN_TAG_RE.match(child.content)
                if close and skipping and skipping[-1] == close.group(1).lower():
                    skipping.pop()
                elif opened and not child.content.rstrip().endswith("/>") and (
                        opened.group(1).lower() in SKIP_HTML or _foreign(_html_lang(child.content), language)):
                    skipping.append(opened.group(1).lower())
            elif child.type == "span_open" and (skipping or _foreign(child.attrGet("lang"), language)):
                skipping.append("[span]")
            elif child.type == "span_close" and skipping and skipping[-1] == "[span]":
                skipping.pop()
            elif skipping:
                continue
            elif child.type in ("text", "image"):
                yield Prose(child.content, rel, child.type, glued and child.type == "text", links > 0)


def prose_words(ctx: CheckContext, text: MdText, language: str | None = None) -> Iterator[Word]:
    """Words of running text: not code, not URLs, not HTML tags, not link targets, and not text the
    author marked as another language than ``language`` (``[...]{lang=en}``, ``<span lang="en">``)."""
    for piece in prose(ctx, text, language):
        yield from _words_in(piece.content, piece.rel_line, piece.glued)


def plain_words(value: str) -> Iterator[Word]:
    """Words of a plain string such as a title."""
    yield from _words_in(value, 0)


# -- links written as raw HTML -----------------------------------------------------------

LINK_ATTRS = (("a", "href"), ("img", "src"), ("source", "src"), ("iframe", "src"), ("audio", "src"),
              ("video", "src"), ("track", "src"), ("embed", "src"), ("object", "data"), ("link", "href"),
              ("script", "src"))


@dataclass
class HtmlLink:
    url: str
    attr: str
    item: HtmlElement


def html_links(ctx: CheckContext, course: Course) -> Iterator[HtmlLink]:
    for text in course.texts():
        for item in raw_html(ctx, text):
            for tag, attr in LINK_ATTRS:
                if item.element.tag == tag and item.element.get(attr) is not None:
                    yield HtmlLink(item.element.get(attr, "").strip(), attr, item)


def static_target(url: str, base_file: str) -> str | None:
    """The root-relative path a raw-HTML URL points to under static/, if it does."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if path.startswith("/static/"):
        return "static/" + path[len("/static/"):]
    if not path or path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_file), path))
    return joined if joined.startswith("static/") else None

"""Resolve every link and image in the course's Markdown: the one place every target reads links from.

Runs after all blocks exist, so that ``#id`` and ``../02-osa/01-x.md`` links
can be checked against real ids. Results are stored on the :class:`MdText`.

What a relative link can lead to (besides web addresses):

- a subsection file or a section folder: ``../02-osa/01-x.md``, ``../02-osa/``;
- a unit or component: ``#id`` (any id in the course), or ``01-x.md#id``;
  in a file's own units also the heading, ``#mita-opit`` or ``01-x.md#mitä-opit``
  for ``## Mitä opit`` (compared as slugs, so accents and case do not matter);
- a custom page listed under ``pages:`` in course.yaml: ``../pages/sanasto.md``
  (``#fragment`` is kept as it is);
- a file under ``static/``: ``../static/ohje.pdf`` (or ``/static/ohje.pdf``).
"""

from __future__ import annotations

import difflib
import posixpath
import re
from urllib.parse import unquote, urlsplit

from coursekit import cache, ids, markdown
from coursekit.diagnostics import FatalSourceError, Loc, causes
from coursekit.load import codes, mdcheck
from coursekit.load.context import LoadContext
from coursekit.model import LinkRef, MdText

SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
JUMP_PREFIX = "/jump_to_id/"
UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
LINK_FORMS = ("link to a subsection (../02-osa/01-aihe.md), a section folder (../02-osa/), a unit or component "
              "(#id, or ../02-osa/01-aihe.md#id), a custom page listed under pages: in course.yaml "
              "(../pages/sanasto.md) or a file under static/ (../static/ohje.pdf)")
DRIVE_RE = re.compile(r"^[a-zA-Z]:[\\/]")
# Absolute paths that are a build machine's folders, never a place on the LMS.
MACHINE_ROOTS = ("/home/", "/Users/", "/root/", "/tmp/", "/mnt/", "/media/", "/var/", "/opt/", "/srv/", "/usr/",
                 "/etc/", "/private/", "/Volumes/")


def analyse(text: MdText) -> tuple[list[tuple[str, mdcheck.Problem]], list[markdown.FoundLink]]:
    """The load checks' problems and the links of one text: a pure function of it (memoised)."""
    def compute() -> tuple[list[tuple[str, mdcheck.Problem]], list[markdown.FoundLink]]:
        tokens = markdown.tokens_of(text)
        lines = text.text.split("\n")
        return list(mdcheck.check_text(tokens, lines)), list(markdown.find_links(text.text, tokens))

    return cache.current().get("text", (text.text, text.inline), compute)


def resolve_all(ctx: LoadContext) -> None:
    for text, base_file in ctx.texts:
        problems, links = analyse(text)
        for code, (line, col, message, hint) in problems:
            ctx.report.add(code, message, _at(text, line, col), hint)
        for found in links:
            col = found.col if found.line else text.loc.col + found.col - 1
            loc = Loc(text.loc.file, text.loc.line + found.line, col)
            try:
                link = _resolve(ctx, found, base_file, loc)
            except FatalSourceError as err:
                ctx.fail(err)
                continue
            text.links.append(link)


def _at(text: MdText, line: int, col: int) -> Loc:
    return Loc(text.loc.file, text.loc.line + line, col if line else text.loc.col + col - 1)


def _unsafe(href: str, loc: Loc) -> None:
    href = unquote(href)  # markdown-it writes C:\\x as C:%5Cx
    scheme = href.split(":", 1)[0].strip().lower() if SCHEME_RE.match(href.strip()) else ""
    if scheme in UNSAFE_SCHEMES:
        raise FatalSourceError(codes.UNSAFE_LINK, f"a {scheme}: link is not allowed", loc,
                               "link to a web address (https://...), or to a file under static/")
    if scheme == "file" or DRIVE_RE.match(href) or "\\" in href or href.startswith(MACHINE_ROOTS):
        raise FatalSourceError(codes.UNSAFE_LINK, f"{href!r} is a path on this computer, which works nowhere else",
                               loc, "put the file under course_src/static/ and use a path relative to this file, "
                               "e.g. ../static/kuva.png")


def _resolve(ctx: LoadContext, found: markdown.FoundLink, base_file: str, loc: Loc) -> LinkRef:
    href = found.href
    link = LinkRef(href=href, text=found.text, loc=loc, kind="other", is_image=found.is_image)
    _unsafe(href, loc)
    if SCHEME_RE.match(href):
        scheme = href.split(":", 1)[0].lower()
        link.kind = "external" if scheme in ("http", "https") else ("mailto" if scheme == "mailto" else "other")
        link.target = href
        return link
    if href.startswith("//"):
        link.kind, link.target = "external", "https:" + href
        return link
    parts = urlsplit(href)
    path, fragment = unquote(parts.path), unquote(parts.fragment)

    if not path and fragment:
        return _internal(ctx, link, fragment, loc, base_file)
    if path.startswith(JUMP_PREFIX):
        return _internal(ctx, link, path[len(JUMP_PREFIX):].strip("/"), loc)
    if path.startswith("/static/"):
        return _static(ctx, link, "static/" + path[len("/static/"):], loc)
    if path.startswith("/"):
        link.kind, link.target = "other", href  # absolute path on the LMS; lint reports it
        return link

    rel = ctx.tree.join(base_file, path, loc)
    if rel.startswith("static/"):
        return _static(ctx, link, rel, loc)
    if found.is_image:
        raise FatalSourceError(codes.MISSING_FILE, f"image {href!r} is not under static/", loc,
                               "put images under course_src/static/ and refer to them with a relative path")
    if rel in ctx.page_files:
        ctx.tree.used.add(rel)
        link.kind, link.target = "page", ctx.page_files[rel] + (f"#{fragment}" if fragment else "")
        return link
    folder = rel.rstrip("/")
    if folder in ctx.dir_ids and not fragment:
        link.kind, link.target = "internal", ctx.dir_ids[folder]
        return link
    if ctx.skipped_because(folder):
        link.kind = "other"  # the file's own error is already reported; do not pile on
        return link
    if rel in ctx.file_ids:
        ctx.tree.used.add(rel)
        if fragment:
            return _internal(ctx, link, fragment, loc, rel)
        link.kind, link.target = "internal", ctx.file_ids[rel]
        return link
    try:
        ctx.tree.require_exact_case(rel, loc, "linked file")
    except FatalSourceError as err:
        if err.diagnostic.hint.startswith("check the path"):  # not a case slip: say what a link can lead to
            raise FatalSourceError(err.diagnostic.code, err.diagnostic.message, loc,
                                   f"check the path; {LINK_FORMS}") from None
        raise
    what = "a Markdown file that is not a subsection or a page in course.yaml" if rel.endswith(".md") else \
        "not a subsection, a section, a custom page or a file under static/"
    raise FatalSourceError(codes.BROKEN_LINK, f"link {href!r} leads to {rel!r}, {what}", loc,
                           f"{LINK_FORMS}; to link to a custom page, list it under pages: in course.yaml; "
                           "for a download, move the file under static/")


def _internal(ctx: LoadContext, link: LinkRef, block_id: str, loc: Loc, in_file: str = "") -> LinkRef:
    if block_id not in ctx.ids:
        by_heading = ctx.unit_slugs.get(in_file, {}).get(ids.slugify(block_id))
        if by_heading:  # `#mita-opit` for `## Mitä opit` in that file
            link.kind, link.target = "internal", by_heading
            return link
        message = f"link to #{block_id}: no section, subsection, unit or component has this id"
        near = difflib.get_close_matches(block_id, sorted(ctx.ids.where), n=1, cutoff=0.75)
        hint = (f"did you mean #{near[0]}? " if near else "check the id; ") + \
            "link to a section, subsection, unit or component by its id (pin a unit's id with `## Title {#id}`), " \
            "or to a unit of the same file by its heading (#mita-opit for `## Mitä opit`)"
        if ctx.skipped:  # the id may live in a file that could not be read
            ctx.report.add(codes.BROKEN_LINK, message, loc, hint, cause=causes(ctx.skipped))
            link.kind = "other"
            return link
        raise FatalSourceError(codes.BROKEN_LINK, message, loc, hint)
    link.kind, link.target = "internal", block_id
    return link


def _static(ctx: LoadContext, link: LinkRef, rel: str, loc: Loc) -> LinkRef:
    rel = posixpath.normpath(rel)
    if not rel.startswith("static/"):
        raise FatalSourceError(codes.OUTSIDE, f"{link.href!r} points outside static/", loc)
    what = "image" if link.is_image else "linked file"
    ctx.tree.require_exact_case(rel, loc, what)
    ctx.tree.abspath(rel, loc)
    ctx.tree.used.add(rel)
    link.kind, link.target = "static", rel[len("static/"):]
    return link


"""Section folders and subsection Markdown files -> sections, subsections, units, components."""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from coursekit import cache, dates, ids, markdown
from coursekit.diagnostics import FatalSourceError, Loc
from coursekit.load import codes, mdcheck
from coursekit.load.components import UnitScope, parse_fence
from coursekit.load.context import LoadContext
from coursekit.load.ydata import YMap
from coursekit.model import Component, Course, Html, Section, Subsection, Unit

SECTION_FILE = "section.yaml"
PIN_SUFFIX_RE = re.compile(r"\s*\{#([^{}]*)\}\s*$")
COMPONENT_INFO_RE = re.compile(r"^\{([^{}]*)\}")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
SUBSECTION_SETTINGS = ("max_attempts", "showanswer", "show_correctness", "hide_after_due")
PROBLEM_SETTINGS = ("max_attempts", "showanswer", "weight")
# `<!-- html id="..." title="..." -->` on its own: the text below it (up to the next component, marker or
# unit) is one HTML component with that id, title and any other attributes given; `src="x.html"` takes its
# HTML verbatim from that file instead.
HTML_MARKER_RE = re.compile(r"\A<!--\s*html\b(.*?)-->\s*\Z", re.S)
MARKER_ATTR_RE = re.compile(r'\s*([A-Za-z_][\w:.-]*)="([^"]*)"')
HTML_MARKER = "#html"


def ordered_entries(ctx: LoadContext, folder: str, want_dir: bool, suffix: str = "") -> list[tuple[int, str, str]]:
    """(order, name, slug) of entries named ``NN-slug`` in ``folder``, sorted."""
    path = ctx.tree.root / folder if folder else ctx.tree.root
    found = []
    for entry in path.iterdir():
        if entry.name.startswith("."):
            continue
        if want_dir != entry.is_dir() or (suffix and not entry.name.endswith(suffix)):
            continue
        stem = entry.name[: -len(suffix)] if suffix else entry.name
        order, slug = ids.strip_order(stem)
        if order is None:
            continue
        found.append((order, entry.name, slug))
    return sorted(found)


def load_sections(ctx: LoadContext, course: Course) -> None:
    for _order, folder, slug in ordered_entries(ctx, "", want_dir=True):
        errors_before = len(ctx.report.errors)
        try:
            section = _load_section(ctx, course, folder, slug)
        except FatalSourceError as err:
            ctx.fail(err)
            section = None
        if section is not None:
            course.sections.append(section)
        else:
            new_errors = ctx.report.errors[errors_before:]
            ctx.skip(folder, new_errors[0].loc.file if new_errors else f"{folder}/{SECTION_FILE}")


def _load_section(ctx: LoadContext, course: Course, folder: str, slug: str) -> Section | None:
    meta_rel = f"{folder}/{SECTION_FILE}"
    loc = Loc(meta_rel, 1, 1)
    if not ctx.tree.is_file(meta_rel):
        raise FatalSourceError(codes.STRUCTURE, f"section folder {folder}/ has no {SECTION_FILE}", Loc(folder + "/"),
                               f"create {meta_rel} with a line `title: ...`")
    ctx.tree.abspath(folder, loc)
    data = ctx.read_checked_yaml(meta_rel, loc, "section file", "section.schema.json", SECTION_FILE, loc)
    if data is False:
        return None
    if not isinstance(data, YMap):
        raise FatalSourceError(codes.INVALID, f"{SECTION_FILE} must contain `title: ...`", loc)
    section_id, pinned = _id_from(ctx, data, ids.slugify(slug) or "section")
    section = Section(
        id=ctx.ids.claim(section_id, "section", loc),
        title=str(data["title"]),
        loc=loc,
        folder=folder,
        id_pinned=pinned,
    )
    if "start" in data:
        section.start = dates.parse(data["start"], data.value_loc("start"), ctx.tz, ctx.report, allow_relative=True)
    ctx.dir_ids[folder] = section.id
    for _order, name, sub_slug in ordered_entries(ctx, folder, want_dir=False, suffix=".md"):
        rel = f"{folder}/{name}"
        try:
            sub = _load_subsection(ctx, course, section, rel, sub_slug)
        except FatalSourceError as err:
            ctx.fail(err)
            ctx.skip(rel, rel)
            continue
        if sub is not None:
            section.subsections.append(sub)
        else:
            ctx.skip(rel, rel)
    return section


def _id_from(ctx: LoadContext, data: YMap, default: str) -> tuple[str, bool]:
    """The pinned `id:` if there is a valid one, else ``default``; and whether it was pinned."""
    if "id" not in data:
        return default, False
    return ids.check_pin(data["id"], data.value_loc("id"), ctx.report) or default, True


def split_front_matter(text: str, rel: str) -> tuple[str, str, int]:
    """(front matter, body, 1-based line where the body starts)."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        raise FatalSourceError(codes.STRUCTURE, "a subsection file must start with front matter", Loc(rel, 1, 1),
                               "begin the file with ---, a line `title: ...`, and --- again")
    front = match.group(1) or ""
    body_line = text[: match.end()].count("\n") + 1
    return front, text[match.end():], body_line


def _load_subsection(ctx: LoadContext, course: Course, section: Section, rel: str, slug: str) -> Subsection | None:
    text = ctx.tree.read_text(rel, Loc(rel), "subsection")
    front, body, body_line = split_front_matter(text, rel)
    loc = Loc(rel, 1, 1)
    meta = ctx.checked_yaml(front, rel, 1, "frontmatter.schema.json", "front matter", loc, empty_is_map=False)
    if meta is False:
        return None
    if not isinstance(meta, YMap):
        raise FatalSourceError(codes.INVALID, "front matter must contain `title: ...`", loc)
    sub_id, pinned = _id_from(ctx, meta, f"{section.id}_{ids.slugify(slug) or 'subsection'}")
    sub = Subsection(
        id=ctx.ids.claim(sub_id, "subsection", loc),
        title=str(meta["title"]),
        loc=loc,
        file=rel,
        graded=str(meta["graded"]) if meta.get("graded") else None,
        settings={k: meta[k] for k in SUBSECTION_SETTINGS if k in meta},
        id_pinned=pinned,
    )
    if meta.get("graded"):
        sub.settings["graded_loc"] = meta.value_loc("graded")
    for key in ("due", "start"):
        if key in meta:
            setattr(sub, key, dates.parse(meta[key], meta.value_loc(key), ctx.tz, ctx.report, allow_relative=True))
    ctx.file_ids[rel] = sub.id
    problem_settings = {k: course.problem_defaults[k] for k in PROBLEM_SETTINGS if k in course.problem_defaults}
    problem_settings.update({k: meta[k] for k in PROBLEM_SETTINGS if k in meta})
    sub.units = _split_units(ctx, sub, section, body, body_line, problem_settings)
    return sub


@dataclass
class Outline:
    """What the loader needs from a subsection's Markdown: a pure function of the text (memoised)."""

    too_deep: tuple[int, str, str] | None = None  # (line, message, fix)
    problems: list[tuple[str, int, int, str, str]] = field(default_factory=list)  # (code, line, col, msg, fix)
    heads: list[tuple[int, str]] = field(default_factory=list)  # (line, raw `##` heading line)
    fences: list[tuple[int, int, str, str]] = field(default_factory=list)  # (start, end, name, content)
    sliceable: bool = True  # no reference or footnote definitions: texts can be cut from the file's parse


def outline(body: str, tokens: list[Token], env: dict) -> Outline:
    out = Outline(sliceable=not env)
    deep = next(mdcheck.too_deep(tokens), None)
    if deep:
        out.too_deep = (deep[0], deep[2], deep[3])
        return out
    lines = body.split("\n")
    component_fences = [t for t in tokens if t.type == "fence" and COMPONENT_INFO_RE.match(t.info.strip())]
    for line, col, message, hint in mdcheck.unclosed_fences(component_fences, lines):
        out.problems.append((codes.UNCLOSED, line, col, message, hint))
    for tok in component_fences:
        for line, col, message, hint in mdcheck.component_fence_runs_on(tok):
            out.problems.append((codes.UNCLOSED, line, col, message, hint))
    for tok in tokens:
        if tok.map is None:
            continue
        start = tok.map[0]
        if tok.type == "heading_open" and tok.level == 0:
            if tok.tag == "h1":
                out.problems.append((codes.STRUCTURE, start, 1, "`#` headings are not used inside a subsection",
                                     "the subsection title comes from the front matter; start units with `##`"))
            elif tok.tag == "h2":
                out.heads.append((start, lines[start]))
        elif tok.type == "html_block" and tok.level == 0 and HTML_MARKER_RE.match(tok.content.strip()):
            out.fences.append((start, tok.map[1], HTML_MARKER, HTML_MARKER_RE.match(tok.content.strip()).group(1)))
        elif tok.type == "fence":
            match = COMPONENT_INFO_RE.match(tok.info.strip())
            if not match:
                continue
            if tok.level != 0:
                out.problems.append((codes.STRUCTURE, start, 1,
                                     f"component {{{match.group(1)}}} must not be indented or nested",
                                     "start the ``` fence at the beginning of the line"))
                continue
            out.fences.append((start, tok.map[1], match.group(1).strip(), tok.content))
    out.problems.sort(key=lambda p: (p[1], p[2]))
    return out


def _split_units(
    ctx: LoadContext, sub: Subsection, section: Section, body: str, body_line: int, settings: dict[str, object]
) -> list[Unit]:
    rel = sub.file
    parsed: list = []  # the file's block parse, when this run made it: its texts are cut from it

    def compute() -> Outline:
        tokens, env = markdown.block_parse(body)  # the one parse of the file's Markdown
        parsed.extend([tokens, env])
        return outline(body, tokens, env)

    found = cache.current().get("outline", (body,), compute)
    if found.too_deep:
        line, message, hint = found.too_deep
        raise FatalSourceError(codes.TOO_DEEP, message, Loc(rel, body_line + line), hint)
    for code, line, col, message, hint in found.problems:
        ctx.report.add(code, message, Loc(rel, body_line + line, col), hint)
    lines = body.split("\n")
    heads, fences = found.heads, found.fences

    # Reference and footnote definitions belong to the whole parse, not to one text: parse each text anew then.
    blocks = (parsed[0], markdown.top_level_blocks(parsed[0])) if parsed and found.sliceable else None
    units: list[Unit] = []
    if not heads:
        spans = [(0, len(lines), sub.title, None, Loc(rel, body_line))]
    else:
        first_text = "\n".join(lines[: heads[0][0]]).strip()
        if first_text:
            first = next(i for i, line in enumerate(lines) if line.strip())
            ctx.report.add(codes.STRUCTURE, "text before the first `##` unit heading", Loc(rel, body_line + first),
                           "move it under a `##` heading; Open edX keeps content only inside units")
        spans = []
        for n, (start, raw) in enumerate(heads):
            end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
            title = re.sub(r"^\s*#+\s*", "", raw).rstrip().rstrip("#").rstrip()
            pin = None
            match = PIN_SUFFIX_RE.search(title)
            if match:
                title = title[: match.start()].rstrip()
                pin = match.group(1)
            spans.append((start + 1, end, title, pin, Loc(rel, body_line + start)))

    for start, end, title, pin, loc in spans:
        unit_id = f"{sub.id}_{ids.slugify(title) or 'unit'}" if heads else f"{sub.id}_unit"
        if pin is not None:
            unit_id = ids.check_pin(pin, loc, ctx.report) or unit_id
        unit = Unit(id=ctx.ids.claim(unit_id, "unit", loc), title=title or sub.title, loc=loc,
                    id_pinned=pin is not None)
        if heads and ids.slugify(title):
            ctx.unit_slugs.setdefault(rel, {}).setdefault(ids.slugify(title), unit.id)
        scope = UnitScope(unit.id, unit.title, section.title, rel, settings)
        unit.components = _components(ctx, scope, lines, start, end, fences, body_line, blocks)
        units.append(unit)
    return units


def _components(
    ctx: LoadContext,
    scope: UnitScope,
    lines: list[str],
    start: int,
    end: int,
    fences: list[tuple[int, int, str, str]],
    body_line: int,
    blocks: tuple[list[Token], list[tuple[int, int, int]]] | None,
) -> list[Component]:
    rel = scope.file
    out: list[Component] = []
    cursor = start
    marker: dict[str, object] | None = None  # the `<!-- html ... -->` above the text being collected

    def flush_html(upto: int) -> None:
        nonlocal marker
        pinned, marker = marker, None
        chunk = lines[cursor:upto]
        while chunk and not chunk[0].strip():
            chunk = chunk[1:]
        if not chunk and pinned is None:
            return
        first_line = upto - len(chunk)
        while chunk and not chunk[-1].strip():
            chunk = chunk[:-1]
        loc = Loc(rel, body_line + first_line)
        generated = scope.next_id("html")
        attrs: dict[str, str] = {}
        title = scope.unit_title
        raw: str | None = None
        if pinned is not None:
            loc = pinned["loc"]  # type: ignore[assignment]
            attrs = dict(pinned["attrs"])  # type: ignore[arg-type]
            if "id" in attrs:
                generated = ids.check_pin(attrs.pop("id"), loc, ctx.report) or generated
            title = attrs.pop("title", title)
            if "src" in attrs:
                src = attrs.pop("src")
                if chunk:
                    ctx.report.add(codes.STRUCTURE, "an HTML component with src= cannot also have text below its "
                                   "marker", Loc(rel, body_line + first_line),
                                   "move the text into the file, or start a new component with its own marker")
                try:
                    src_rel = ctx.tree.join(rel, src, loc)
                    raw = ctx.tree.read_text(src_rel, loc, "HTML file")
                except FatalSourceError as err:
                    ctx.fail(err)
                    raw = ""
        html_id = ctx.ids.claim(generated, "html", loc)
        if raw is not None:
            out.append(Html(id=html_id, loc=loc, title=title, body=ctx.raw_html(raw, loc), attrs=attrs))
            return
        body = ctx.md("\n".join(chunk), loc, rel)
        if blocks is not None and chunk:
            tokens, spans = blocks
            lo = bisect.bisect_left(spans, (first_line, -1, -1))
            hi = bisect.bisect_left(spans, (upto, -1, -1))
            mine = [t for _first, i, j in spans[lo:hi] for t in tokens[i:j]]
            body.tokens = markdown.finish(body.text, mine, first_line)
        out.append(Html(id=html_id, loc=loc, title=title, body=body, attrs=attrs))

    for f_start, f_end, name, content in fences:
        if f_start < start or f_start >= end:
            continue
        flush_html(f_start)
        cursor = f_end
        if name == HTML_MARKER:
            found = {k: html.unescape(v) for k, v in MARKER_ATTR_RE.findall(content)}
            left = MARKER_ATTR_RE.sub("", content).strip()
            marker_loc = Loc(rel, body_line + f_start)
            if left:
                ctx.report.add(codes.INVALID, f"cannot read {left!r} in the html marker", marker_loc,
                               'write attributes as name="value", e.g. <!-- html id="intro" title="Intro" -->')
            marker = {"attrs": found, "loc": marker_loc}
            continue
        out.extend(parse_fence(ctx, name, content, Loc(rel, body_line + f_start), scope))
    flush_html(end)
    return out

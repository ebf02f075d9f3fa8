"""``coursekit pin``: write the current id of blocks into the sources, so that later renames keep learner state.

Open edX keeps learners' answers, scores and progress under each block's id.
coursekit derives ids from folder names, file names, ``##`` headings and the
order of components (see ``coursekit.ids``); renaming one of those changes
the id. Pinning writes the id the block has *now* as an explicit pin:

- sections: ``id:`` in ``section.yaml``;
- subsections: ``id:`` in the front matter;
- units: ``{#id}`` at the end of the ``##`` heading;
- problems, videos, discussions: ``id:`` in their YAML (in the Markdown fence or the quiz file);
- raw OLX XBlocks: ``url_name="..."`` on the root element.

HTML components and the unit of a file without ``##`` headings cannot be
pinned; their ids follow the unit's (the subsection's) id, which is pinned.

Edits are surgical: one line is inserted (or one heading line extended) per
pin, at the place the loader recorded; everything else in the file, comments,
quoting, line endings and a byte-order mark included, stays byte for byte.
Before anything is written the edited sources are loaded again in memory: every
block must keep exactly the id it had, and every pinned block must now be
pinned. Otherwise nothing is written.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coursekit.diagnostics import Diagnostic, Loc, Severity
from coursekit.load import codes, load_course
from coursekit.load.sources import SourceTree
from coursekit.load.structure import SECTION_FILE, split_front_matter
from coursekit.model import Course, Discussion, Problem, RawXBlock, Section, Subsection, Unit, Video
from coursekit.plural import count
from coursekit.push.impact import SCORED_XBLOCKS

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_CLOSING_HASHES_RE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_FENCE_RE = re.compile(r"^(`{3,}|~{3,})")
_XML_PROLOGUE_RE = re.compile(r"\s*(?:(?:<\?.*?\?>|<!--.*?-->)\s*)*", re.S)


@dataclass(frozen=True)
class Pin:
    """One id to write: where the block is now (``loc``) and how the pin goes in."""

    kind: str  # section, subsection, unit, problem, video, discussion, or the XBlock tag
    id: str
    title: str
    loc: Loc  # the block in the sources as they are now (what is printed)
    edit_line: int  # 1-based line of the edit
    edit_col: int  # 1-based column: insert a YAML key here, or (heading/attr) see ``how``
    how: str  # "key": a new `id:` key before the key at (line, col); "append": a new last line of a region;
    # "heading": `{#id}` at the end of the line; "attr": ` url_name="id"` at (line, col)


class PinError(Exception):
    """A block that cannot be pinned automatically; carries a diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass
class PinPlan:
    pins: list[Pin]
    new_files: dict[str, bytes]  # root-relative path -> the whole new content
    problems: list[Diagnostic]  # blocks that could not be pinned (reported, not fatal)

    @property
    def files(self) -> list[str]:
        return sorted(self.new_files)


# -- which blocks -----------------------------------------------------------------------------------------------


def _holds_state(comp: object, all_blocks: bool) -> bool:
    if isinstance(comp, Problem):
        return True
    if isinstance(comp, RawXBlock):
        return all_blocks or comp.tag in SCORED_XBLOCKS
    if isinstance(comp, Video | Discussion):
        return all_blocks
    return False


def _split_lines(text: str) -> list[str]:
    """Lines with their own line endings; joining them gives ``text`` back exactly."""
    lines = _LINE_RE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _eol(lines: list[str]) -> str:
    for line in lines:
        body = line.rstrip("\r\n")
        if body != line:
            return line[len(body):]
    return "\n"


class _Sources:
    """Decoded source files as lists of lines, read once."""

    def __init__(self, root: Path, files: dict[str, bytes] | None = None) -> None:
        self.root = root
        self.files = files or {}  # contents that replace the files on disk
        self.lines: dict[str, list[str]] = {}
        self.bom: dict[str, bool] = {}

    def get(self, rel: str) -> list[str]:
        if rel not in self.lines:
            data = self.files[rel] if rel in self.files else (self.root / rel).read_bytes()
            text = data.decode("utf-8")
            self.bom[rel] = text.startswith("\ufeff")
            self.lines[rel] = _split_lines(text[1:] if self.bom[rel] else text)
        return self.lines[rel]

    def line(self, rel: str, number: int) -> str:
        lines = self.get(rel)
        return lines[number - 1].rstrip("\r\n") if 0 < number <= len(lines) else ""


def _keys(text: str, rel: str, line_offset: int) -> dict[str, Loc]:
    from coursekit.load.yamlsrc import YMap, load_yaml

    data = load_yaml(text, rel, line_offset)
    if not isinstance(data, YMap):
        return {}
    return {str(k): data.loc_of(k) for k in data}


def _cannot(loc: Loc, what: str, block_id: str, how: str) -> PinError:
    return PinError(Diagnostic(codes.INVALID, Severity.ERROR, f"cannot pin {what} {block_id!r} automatically", loc,
                               f"{how} by hand"))


def _key_pin(src: _Sources, keys: dict[str, Loc], after: str, kind: str, block_id: str, title: str, loc: Loc,
             region_end: int | None = None) -> Pin:
    """A new `id:` key: before the key that follows ``after``; else as the last line of the region (files whose
    mapping is the whole region: section.yaml, front matter); else before the first key."""
    ordered = sorted(keys.items(), key=lambda kv: (kv[1].line, kv[1].col))
    if not ordered:
        raise _cannot(loc, kind, block_id, f"add `id: {block_id}`")
    first = ordered[0][1]
    for (name, _key_loc), (_next_name, next_loc) in itertools.pairwise(ordered):
        if name == after and next_loc.col == first.col and next_loc.line > first.line:
            target = next_loc
            break
    else:
        if region_end is not None:
            return Pin(kind, block_id, title, loc, region_end, first.col, "append")
        target = first
    text = src.line(target.file, target.line)
    prefix = text[: target.col - 1]
    if prefix.strip() not in ("", "-") or "\t" in prefix:
        raise _cannot(loc, kind, block_id, f"add `id: {block_id}`")
    return Pin(kind, block_id, title, loc, target.line, target.col, "key")


def _last_content_line(src: _Sources, rel: str, first: int, last: int) -> int:
    """The last line in [first, last] (1-based) that is not blank; ``first`` if none."""
    for number in range(last, first - 1, -1):
        if src.line(rel, number).strip():
            return number
    return first


def _section_pin(src: _Sources, section: Section) -> Pin:
    rel = f"{section.folder}/{SECTION_FILE}"
    text = "".join(src.get(rel))
    keys = _keys(text, rel, 0)
    end = _last_content_line(src, rel, 1, len(src.get(rel)))
    return _key_pin(src, keys, "title", "section", section.id, section.title, section.loc, region_end=end)


def _subsection_pin(src: _Sources, sub: Subsection) -> Pin:
    rel = sub.file
    text = "".join(src.get(rel)).replace("\r\n", "\n").replace("\r", "\n")
    front, _body, body_line = split_front_matter(text, rel)
    keys = _keys(front, rel, 1)
    # front matter is lines 2 .. body_line - 2; body_line - 1 is the closing ---
    end = _last_content_line(src, rel, 2, body_line - 2)
    return _key_pin(src, keys, "title", "subsection", sub.id, sub.title, sub.loc, region_end=end)


def _unit_pin(src: _Sources, unit: Unit) -> Pin | None:
    text = src.line(unit.loc.file, unit.loc.line)
    if not text.lstrip().startswith("##"):
        return None  # a file without `##` headings: its one unit's id follows the subsection's
    return Pin("unit", unit.id, unit.title, unit.loc, unit.loc.line, 1, "heading")


def _fence_body(src: _Sources, comp: object) -> str:
    """The text of the fenced component whose body starts at ``comp.loc`` (lines up to the closing fence)."""
    rel, start = comp.loc.file, comp.loc.line  # type: ignore[attr-defined]
    opening = _FENCE_RE.match(src.line(rel, start - 1).lstrip())
    if not opening:
        return ""
    mark = opening.group(1)
    body: list[str] = []
    for number in range(start, len(src.get(rel)) + 1):
        text = src.line(rel, number)
        if text.strip().startswith(mark) and not text.strip().strip(mark[0]):
            break
        body.append(text + "\n")
    return "".join(body)


def _fence_keys(src: _Sources, comp: Video | Discussion) -> dict[str, Loc]:
    body = _fence_body(src, comp)
    return _keys(body, comp.loc.file, comp.loc.line - 1) if body else {}


def _xml_pinned(body: str) -> bool:
    from lxml import etree

    element = etree.fromstring(body.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    return element.get("url_name") is not None


def _component_pin(src: _Sources, comp: object) -> Pin | None:
    if isinstance(comp, Problem):
        if "id" in comp.fields:
            return None
        keys = dict(comp.fields)
        return _key_pin(src, keys, "type", "problem", comp.id, comp.title, comp.loc)
    if isinstance(comp, Video | Discussion):
        keys = _fence_keys(src, comp)
        if "id" in keys:
            return None
        kind = "video" if isinstance(comp, Video) else "discussion"
        if not keys:
            raise _cannot(comp.loc, kind, comp.id, f"add `id: {comp.id}`")
        return _key_pin(src, keys, "title", kind, comp.id, comp.title, comp.loc)
    if isinstance(comp, RawXBlock):
        body = _fence_body(src, comp)
        if body and _xml_pinned(body):
            return None
        prologue = _XML_PROLOGUE_RE.match(body)
        match = re.compile(rf"<{re.escape(comp.tag)}(?=[\s/>])").match(body, prologue.end() if prologue else 0)
        if not match:
            raise _cannot(comp.loc, comp.tag, comp.id, f'add url_name="{comp.id}" to the <{comp.tag}> element')
        before = body[: match.end()]
        line = comp.loc.line + before.count("\n")
        col = len(before) - (before.rfind("\n") + 1) + 1
        return Pin(comp.tag, comp.id, comp.title, comp.loc, line, col, "attr")
    return None


def find_pins(course: Course, root: Path, all_blocks: bool = False,
              files: dict[str, bytes] | None = None) -> tuple[list[Pin], list[Diagnostic]]:
    """Every block that should be pinned and is not, in course order; and those that cannot be pinned.
    ``files`` replaces the contents of some files (the edited sources, before they are written)."""
    src = _Sources(root, files)
    pins: list[Pin] = []
    problems: list[Diagnostic] = []

    def add(make: object) -> None:
        try:
            pin = make() if callable(make) else None
        except PinError as err:
            problems.append(err.diagnostic)
            return
        if pin is not None:
            pins.append(pin)

    for section in course.sections:
        if not section.id_pinned:
            add(lambda s=section: _section_pin(src, s))
        for sub in section.subsections:
            if not sub.id_pinned:
                add(lambda s=sub: _subsection_pin(src, s))
            for unit in sub.units:
                if not unit.id_pinned:
                    add(lambda u=unit: _unit_pin(src, u))
                for comp in unit.components:
                    if _holds_state(comp, all_blocks):
                        add(lambda c=comp: _component_pin(src, c))
    # One place in the sources that stands for two blocks (a quiz file included twice) has no single id to pin.
    first_at: dict[tuple[str, int, int], Pin] = {}
    for pin in pins:
        other = first_at.setdefault((pin.loc.file, pin.edit_line, pin.edit_col), pin)
        if other is not pin:
            problems.append(Diagnostic(
                codes.INVALID, Severity.ERROR,
                f"cannot pin {pin.kind} {other.id!r}: the same source is also {pin.kind} {pin.id!r} (a quiz file "
                "included twice?)", pin.loc, "include the file once, or copy it, then pin"))
    return pins, problems


# -- editing ----------------------------------------------------------------------------------------------------


def _apply(lines: list[str], pins: list[Pin]) -> list[str]:
    out = list(lines)
    eol = _eol(lines)
    # bottom-up and right-to-left, so that earlier positions stay valid
    for pin in sorted(pins, key=lambda p: (p.edit_line, p.edit_col), reverse=True):
        index = pin.edit_line - 1
        text = out[index] if index < len(out) else ""
        body = text.rstrip("\r\n")
        ending = text[len(body):]
        if pin.how == "heading":
            head = _CLOSING_HASHES_RE.sub("", body)
            out[index] = f"{head} {{#{pin.id}}}{ending}"
        elif pin.how == "key":
            col = pin.edit_col - 1
            out[index] = f"{body[:col]}id: {pin.id}{eol}{' ' * col}{body[col:]}{ending}"
        elif pin.how == "append":
            if not ending:
                ending = eol
                out[index] = body + ending
            out.insert(index + 1, f"{' ' * (pin.edit_col - 1)}id: {pin.id}{ending}")
        elif pin.how == "attr":
            col = pin.edit_col - 1
            out[index] = f'{body[:col]} url_name="{pin.id}"{body[col:]}{ending}'
        else:  # pragma: no cover - the kinds above are all there are
            raise ValueError(pin.how)
    return out


class _Overlay(SourceTree):
    """The source tree, with some files replaced by new contents (nothing is written)."""

    def __init__(self, root: Path, files: dict[str, bytes]) -> None:
        super().__init__(root)
        self.files = files

    def read_bytes(self, rel: str, loc: Loc, what: str = "file") -> bytes:
        if rel in self.files:
            self.require_exact_case(rel, loc, what)
            self.used.add(rel)
            return self.files[rel]
        return super().read_bytes(rel, loc, what)


def block_ids(course: Course) -> list[tuple[str, str]]:
    """(kind, id) of every block, in course order."""
    out: list[tuple[str, str]] = []
    for section in course.sections:
        out.append(("section", section.id))
        for sub in section.subsections:
            out.append(("subsection", sub.id))
            for unit in sub.units:
                out.append(("unit", unit.id))
                out.extend((comp.block_type, comp.id) for comp in unit.components)
    return out


def plan(course: Course, root: Path, all_blocks: bool = False) -> PinPlan:
    """What pinning would change; the new file contents are checked by loading them again in memory."""
    pins, problems = find_pins(course, root, all_blocks)
    if problems:  # pinned only as a whole
        return PinPlan(pins, {}, problems)
    src = _Sources(root)
    by_file: dict[str, list[Pin]] = {}
    for pin in pins:
        by_file.setdefault(pin.loc.file, []).append(pin)
    new_files: dict[str, bytes] = {}
    for rel, file_pins in sorted(by_file.items()):
        lines = _apply(src.get(rel), file_pins)
        text = ("\ufeff" if src.bom[rel] else "") + "".join(lines)
        new_files[rel] = text.encode("utf-8")
    if new_files:
        _verify(course, root, new_files, pins, all_blocks)
    return PinPlan(pins, new_files, problems)


def _verify(course: Course, root: Path, new_files: dict[str, bytes], pins: list[Pin], all_blocks: bool) -> None:
    again, report = load_course(root, tree=_Overlay(root, new_files))
    where = ", ".join(sorted(new_files))
    if again is None or report.has_errors():
        first = report.errors[0].format() if report.errors else "the course could not be read"
        raise RuntimeError(f"pinning would break the sources ({first}); nothing was written ({where})")
    if block_ids(again) != block_ids(course):
        raise RuntimeError(f"pinning would change block ids; nothing was written ({where})")
    left, _ = find_pins(again, root, all_blocks, files=new_files)
    if left:
        raise RuntimeError(f"pinning left {count(len(left), 'id')} unpinned ({left[0].loc}); nothing was written")


def write(root: Path, new_files: dict[str, bytes]) -> None:
    """Write every new file: all to temporary files first, then each moved over the original."""
    staged: list[tuple[str, Path]] = []
    try:
        for rel, data in sorted(new_files.items()):
            target = root / rel
            fd, tmp = tempfile.mkstemp(prefix=".coursekit-pin-", dir=target.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, target.stat().st_mode & 0o7777)
            staged.append((rel, Path(tmp)))
        for rel, tmp in staged:
            os.replace(tmp, root / rel)
    finally:
        for _rel, tmp in staged:
            tmp.unlink(missing_ok=True)


def lines_of(pins: list[Pin], root_display: str) -> Iterator[str]:
    prefix = f"{root_display.rstrip('/')}/" if root_display else ""
    for pin in pins:
        syntax = f"{{#{pin.id}}}" if pin.how == "heading" else (
            f'url_name="{pin.id}"' if pin.how == "attr" else f"id: {pin.id}")
        yield f"{prefix}{pin.loc.file}:{pin.loc.line}: {pin.kind} {syntax}  ({pin.title})"

"""Load stage: course sources (YAML + Markdown) -> the course model."""

from __future__ import annotations

import re
from pathlib import Path

from coursekit.diagnostics import FatalSourceError, Loc, Report
from coursekit.ids import IdRegistry
from coursekit.load import codes
from coursekit.load.context import LoadContext
from coursekit.load.links import resolve_all
from coursekit.load.settings import load_settings
from coursekit.load.sources import SourceTree
from coursekit.load.structure import load_sections
from coursekit.model import Course, StaticFile

STATIC_NAME_RE = r"^[A-Za-z0-9._-]+$"
# Folders under the source root that hold tool data, not course content.
RELEASES_DIR = "releases"
NOT_CONTENT = (RELEASES_DIR,)


def load_course(root: Path, tree: SourceTree | None = None) -> tuple[Course | None, Report]:
    """Read a course; the report holds every problem found. The course is None if it could not be read.

    ``tree`` reads the files instead of a plain :class:`SourceTree` of ``root`` (``coursekit pin`` loads
    its edits this way before writing them)."""
    report = Report()
    if not root.is_dir():
        report.add(codes.MISSING_FILE, f"course source folder {root} does not exist", Loc("."),
                   "run from the repository root, or pass --source")
        return None, report
    tree = tree or SourceTree(root)
    ctx = LoadContext(tree=tree, report=report, ids=IdRegistry(report))
    try:
        files = tree.walk()
    except FatalSourceError as err:
        ctx.fail(err)
        return None, report
    course = load_settings(ctx)
    if course is None:
        return None, report
    course.source_files = [f for f in files if f.split("/", 1)[0] not in NOT_CONTENT]
    course.static_files = _static_files(ctx, files)
    load_sections(ctx, course)
    resolve_all(ctx)
    course.used_files = set(tree.used)
    course.skipped = dict(ctx.skipped)
    return course, report


def _static_files(ctx: LoadContext, files: list[str]) -> list[StaticFile]:
    out: list[StaticFile] = []
    by_asset: dict[str, StaticFile] = {}
    for rel in files:
        if not rel.startswith("static/"):
            continue
        loc = Loc(rel)
        try:
            ctx.tree.abspath(rel, loc)
        except FatalSourceError as err:
            ctx.fail(err)
            continue
        sf = StaticFile(rel[len("static/"):], rel, loc)
        bad = [part for part in sf.path.split("/") if not re.match(STATIC_NAME_RE, part)]
        if bad:
            ctx.report.add(codes.STATIC_NAME, f"file name {bad[0]!r} has characters Open edX would change", loc,
                           "rename it using letters, digits, '-', '_' and '.' only")
            continue
        if sf.asset_name in by_asset:
            other = by_asset[sf.asset_name]
            ctx.report.add(codes.STATIC_NAME,
                           f"static/{sf.path} and static/{other.path} would both become asset {sf.asset_name!r}",
                           loc, "rename one of them", related=(other.loc,))
            continue
        by_asset[sf.asset_name] = sf
        out.append(sf)
    return out

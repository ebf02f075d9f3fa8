"""course.yaml -> the course-level parts of the model."""

from __future__ import annotations

import datetime as dt

from coursekit import dates
from coursekit.diagnostics import FatalSourceError, Loc
from coursekit.load import codes
from coursekit.load.context import LoadContext
from coursekit.load.ydata import YList, YMap
from coursekit.model import (
    About,
    AssignmentType,
    Certificates,
    Course,
    Grading,
    Info,
    MdText,
    Page,
    Run,
    StaticFile,
    Update,
)

COURSE_FILE = "course.yaml"


def _empty_map(loc: Loc) -> YMap:
    m = YMap()
    m.loc, m.key_locs, m.value_locs = loc, {}, {}
    return m


def _sub(data: YMap, key: str) -> YMap:
    value = data.get(key)
    return value if isinstance(value, YMap) else _empty_map(data.loc_of(key))


def _plain(value: object) -> dict:
    """YAML data as plain dicts and lists (for policy.json)."""
    def plain(v: object) -> object:
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    result = plain(value)
    return result if isinstance(result, dict) else {}


def _markdown_file(ctx: LoadContext, data: YMap, key: str) -> MdText | None:
    """Read the Markdown file named by ``data[key]`` (relative to course.yaml)."""
    if not data.get(key):
        return None
    loc = data.value_loc(key)
    try:
        rel = ctx.tree.join(COURSE_FILE, str(data[key]), loc)
        text = ctx.tree.read_text(rel, loc, "file")
    except FatalSourceError as err:
        ctx.fail(err)
        return None
    if rel.endswith(".html"):  # HTML kept as it is (what `coursekit adopt` writes when Markdown would change it)
        return ctx.raw_html(text, Loc(rel, 1, 1))
    return ctx.md(text, Loc(rel, 1, 1), rel)


def static_ref(ctx: LoadContext, value: str, loc: Loc, base_file: str = COURSE_FILE) -> StaticFile | None:
    try:
        rel = ctx.tree.join(base_file, value, loc)
        if not rel.startswith("static/"):
            raise FatalSourceError(codes.MISSING_FILE, f"{value!r} is not under static/", loc,
                                   "put the file under course_src/static/ and refer to it there")
        ctx.tree.require_exact_case(rel, loc)
    except FatalSourceError as err:
        ctx.fail(err)
        return None
    ctx.tree.used.add(rel)
    return StaticFile(rel[len("static/"):], rel, loc)


def load_settings(ctx: LoadContext) -> Course | None:
    root_loc = Loc(COURSE_FILE, 1, 1)
    try:
        data = ctx.read_checked_yaml(COURSE_FILE, root_loc, "course settings file", "course.schema.json",
                                     "course.yaml", root_loc)
    except FatalSourceError as err:
        if err.diagnostic.code == codes.MISSING_FILE:
            err = FatalSourceError(codes.MISSING_FILE, "course.yaml is missing", root_loc,
                                   "run `coursekit new` for a template, or point --source at the course folder")
        ctx.fail(err)
        return None
    if data is False:
        return None
    if not isinstance(data, YMap):
        ctx.report.add(codes.INVALID, "course.yaml must be a mapping of settings", root_loc)
        return None

    tz_name = str(data.get("timezone", "UTC"))
    try:
        ctx.tz = dates.zone(tz_name)
    except ValueError as exc:
        ctx.report.add(codes.INVALID, str(exc), data.value_loc("timezone"), "use an IANA name such as Europe/Helsinki")

    runs: dict[str, Run] = {}
    runs_data: YMap = data["runs"]
    for name, run_data in runs_data.items():
        run = Run(name=str(name), loc=runs_data.loc_of(name))
        for key in ("start", "end", "enrollment_start", "enrollment_end"):
            if key in run_data:
                spec = dates.parse(run_data[key], run_data.value_loc(key), ctx.tz, ctx.report, allow_relative=False)
                setattr(run, key, spec)
        runs[run.name] = run
    default_run = str(data.get("default_run", next(iter(runs))))
    if default_run not in runs:
        ctx.report.add(codes.UNKNOWN_REF, f"default_run {default_run!r} is not one of the runs",
                       data.value_loc("default_run"), f"use one of: {', '.join(runs)}")

    grading = None
    if "grading" in data:
        g = data["grading"]
        types = []
        for i, t in enumerate(g["assignment_types"]):
            types.append(AssignmentType(
                type=str(t["type"]),
                short_label=str(t.get("short_label", str(t["type"])[:3])),
                weight=float(t["weight"]),
                min_count=int(t.get("min_count", 1)),
                drop_count=int(t.get("drop_count", 0)),
                loc=g["assignment_types"].loc_of(i),
            ))
        grading = Grading(cutoff=float(g["cutoff"]), types=types, loc=data.loc_of("grading"))

    certificates = None
    if "certificates" in data:
        c = data["certificates"]
        certificates = Certificates(
            enabled=bool(c.get("enabled", True)),
            display_behavior=str(c.get("display_behavior", "end")),
            name=str(c.get("name", data["title"])),
            description=str(c.get("description", "")),
            loc=data.loc_of("certificates"),
        )

    about = None
    if "about" in data:
        a = data["about"]
        image = static_ref(ctx, str(a["image"]), a.value_loc("image")) if a.get("image") else None
        about = About(
            short_description=str(a.get("short_description", "")),
            overview=_markdown_file(ctx, a, "overview"),
            effort=str(a.get("effort", "")),
            duration=str(a.get("duration", "")),
            image=image,
            loc=data.loc_of("about"),
        )
        files = _sub(a, "files")
        for slug in files:
            text = _markdown_file(ctx, files, slug)
            if text is not None:
                about.files[str(slug)] = text

    info_data = _sub(data, "info")
    updates = []
    update_list = info_data.get("updates", YList())
    for i, item in enumerate(update_list):
        body = _markdown_file(ctx, item, "file")
        day = item["date"]
        if isinstance(day, dt.datetime):
            day = day.date()
        if not isinstance(day, dt.date):
            spec = dates.parse(day, item.value_loc("date"), ctx.tz, ctx.report, allow_relative=False)
            day = spec.absolute.astimezone(ctx.tz).date() if spec and spec.absolute else None
        if body is not None and day is not None:
            updates.append(Update(date=day, body=body, loc=update_list.loc_of(i)))
    info = Info(handouts=_markdown_file(ctx, info_data, "handouts"), updates=updates)
    info_files = _sub(info_data, "files")
    for name in info_files:
        loc = info_files.value_loc(name)
        try:
            rel = ctx.tree.join(COURSE_FILE, str(info_files[name]), loc)
            info.files[str(name)] = ctx.tree.read_text(rel, loc, "file")
        except FatalSourceError as err:
            ctx.fail(err)

    pages = []
    seen_slugs: dict[str, Loc] = {}
    page_list = data.get("pages", YList())
    for i, p in enumerate(page_list):
        loc = page_list.loc_of(i)
        if p["slug"] in seen_slugs:
            ctx.report.add(codes.DUPLICATE_ID, f"page slug {p['slug']!r} is used twice", loc,
                           "give every page its own slug", related=(seen_slugs[p["slug"]],))
            continue
        seen_slugs[p["slug"]] = loc
        body = _markdown_file(ctx, p, "file")
        if body is not None:
            pages.append(Page(slug=str(p["slug"]), title=str(p["title"]), body=body, loc=loc))
            ctx.page_files.setdefault(body.loc.file, str(p["slug"]))

    return Course(
        org=str(data["org"]),
        number=str(data["number"]),
        title=str(data["title"]),
        language=str(data["language"]),
        timezone=tz_name,
        pacing=str(data.get("pacing", "self")),
        runs=runs,
        default_run=default_run,
        grading=grading,
        certificates=certificates,
        about=about,
        info=info,
        pages=pages,
        advanced_modules=[str(m) for m in data.get("advanced_modules", [])],
        discussion_topics=[str(t) for t in _sub(data, "discussion").get("topics", [])],
        problem_defaults=dict(data.get("problem_defaults", {})),
        lint=data.get("lint", _empty_map(data.loc_of("lint"))),
        policy=_plain(data.get("policy", {})),
        loc=root_loc,
    )

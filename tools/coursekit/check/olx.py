"""Run olxcleaner (the OLX validator) over the built course, for the X80x rules.

The OLX is the one the build emitted (``ctx.emitted``), or is emitted here
when lint runs alone. olxcleaner reads folders, so the files are written to a
scratch folder, in memory (``/dev/shm``) where the system has it; static
files go in empty, since olxcleaner only checks that they exist. Each
olxcleaner error is mapped back to the source: the ``url_name`` it mentions,
or the file it names, leads to the block and its ``loc`` in the model.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coursekit.check import CheckContext
from coursekit.diagnostics import CourseError, Loc
from coursekit.model import Course, RawXBlock

URL_NAME_RE = re.compile(r"url_name=['\"]([^'\"]+)['\"]")


@dataclass(frozen=True)
class OlxIssue:
    level: str  # olxcleaner's level name: ERROR, WARNING, INFO, DEBUG
    name: str  # olxcleaner's error class, e.g. InvalidSetting
    description: str
    loc: Loc


def _block_locs(course: Course) -> dict[str, Loc]:
    locs: dict[str, Loc] = {}
    for section in course.sections:
        locs[section.id] = section.loc
        for sub in section.subsections:
            locs[sub.id] = sub.loc
            for unit in sub.units:
                locs[unit.id] = unit.loc
                for comp in unit.components:
                    locs[comp.id] = comp.loc
    return locs


def _file_loc(course: Course, filename: str, blocks: dict[str, Loc]) -> Loc:
    parts = Path(filename).parts
    rel = "/".join(parts[parts.index("static"):]) if "static" in parts else ""
    stem = Path(filename).stem
    top = parts[-2] if len(parts) >= 2 else ""
    if stem in blocks and top not in ("course", "policies"):
        return blocks[stem]
    if rel:
        name = rel[len("static/"):]
        for sf in course.static_files:
            if sf.asset_name == name or sf.path == name:
                return sf.loc
        for *_, comp in course.components():
            for tr in getattr(comp, "transcripts", []):
                if name == f"{comp.id}-{tr.language}.srt":
                    return tr.loc
    if top == "tabs":
        for page in course.pages:
            if page.slug == stem:
                return page.loc
    if top in ("about", "info") and course.about is not None:
        return course.about.loc
    if "grading_policy" in filename and course.grading is not None:
        return course.grading.loc
    return course.loc


def _scratch_root() -> str | None:
    """A folder in memory when there is one: thousands of small files are slow to write on some disks."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def start_in_background(course: Course, ctx: CheckContext) -> None:
    """Start :func:`build_and_validate` in a forked process, so it runs beside the rules still to run.

    The results are the same as in this process (the child has this model, copy on write, and sends back
    only its findings); where processes cannot be forked, the work is simply done when asked for.
    """
    import multiprocessing

    if "olx" in ctx.cache or "olx_pending" in ctx.cache:
        return
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(course, ctx, sender), daemon=True)
    process.start()
    sender.close()
    ctx.cache["olx_pending"] = (process, receiver)


def _child(course: Course, ctx: CheckContext, sender) -> None:  # pragma: no cover - runs in the child
    try:
        sender.send(("ok", build_and_validate(course, ctx)))
    except BaseException as exc:
        sender.send(("failed", repr(exc)))
    finally:
        sender.close()


def _collect(ctx: CheckContext) -> list[OlxIssue] | None:
    process, receiver = ctx.cache.pop("olx_pending")
    try:
        status, value = receiver.recv()
    except (EOFError, OSError):
        status, value = "failed", None
    finally:
        receiver.close()
        process.join()
    return value if status == "ok" else None


def build_and_validate(course: Course, ctx: CheckContext) -> list[OlxIssue]:
    """olxcleaner's findings for the built course, once per lint run."""
    if "olx" in ctx.cache:
        return ctx.cache["olx"]
    if "olx_pending" in ctx.cache:
        found = _collect(ctx)
        if found is not None:
            ctx.cache["olx"] = found
            return found
    from olxcleaner import validate

    from coursekit import package
    from coursekit.emit import TARGETS

    ignore = [str(n) for n in ctx.option("olx_ignore")]
    allowed = set(course.advanced_modules)
    allowed.update(c.tag for *_, c in course.components() if isinstance(c, RawXBlock))
    blocks = _block_locs(course)
    issues: list[OlxIssue] = []
    work: Path | None = None
    try:
        output = ctx.emitted or TARGETS["olx"].emit(course, ctx.run or course.default_run, ctx.source_root)
        work = Path(tempfile.mkdtemp(prefix="coursekit-lint-", dir=_scratch_root()))
        tree = work / output.top
        package.write_tree(output, tree, static_content=False)
        _course, store, _names = validate(str(tree), steps=8, ignore=ignore, allowed_xblocks=sorted(allowed))
        for error in store.errors:
            names = URL_NAME_RE.findall(error.description)
            loc = next((blocks[n] for n in names if n in blocks), None)
            if loc is None:
                loc = _file_loc(course, str(error.filename or ""), blocks)
            issues.append(OlxIssue(error.level, error.name, " ".join(error.description.split()), loc))
    except CourseError as exc:
        for diag in exc.diagnostics:
            issues.append(OlxIssue("ERROR", "BuildFailed", f"the OLX could not be built: {diag.message}", diag.loc))
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    ctx.cache["olx"] = issues
    return issues

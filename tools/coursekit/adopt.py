"""Adopt an Open edX course: read (OLX -> model) -> write sources, checked by a round trip.

The sources are written into a temporary folder, loaded and built again by
coursekit itself, and the rebuilt OLX is compared with the original
(:mod:`coursekit.read.compare`). A converted block that does not come back
the same is kept as it was and the sources are written again; what still
differs is listed in the report. Only then is the folder moved to ``out``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.diagnostics import CourseError, Diagnostic, Severity
from coursekit.plural import count
from coursekit.read.archive import opened
from coursekit.read.compare import Difference, compare
from coursekit.read.model import Adoption, to_model
from coursekit.read.olx import OlxCourse, read_course
from coursekit.write.sources import write_sources

ROUNDS = 4
CONVERTIBLE = ("html", "problem", "discussion", "video")


@dataclass
class AdoptResult:
    out: Path
    blocks: int
    report: Adoption
    differences: list[Difference] = field(default_factory=list)  # left after the round trip
    load_errors: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def rebuild(sources: Path, work: Path) -> OlxCourse:
    """Load and emit ``sources`` with coursekit, and read the OLX back.

    Only load errors stop it (CourseError): lint findings are the course's own, reported apart."""
    from coursekit import package
    from coursekit.build import choose_run
    from coursekit.emit import TARGETS
    from coursekit.load import load_course

    course, found = load_course(sources)
    if course is None or found.has_errors():
        raise CourseError(found.items)
    run = choose_run(course, None)
    output = TARGETS["olx"].emit(course, run, sources)
    tree = work / "olx"
    package.write_tree(output, tree)
    return read_course(tree)


def adopt(source: Path, out: Path) -> AdoptResult:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not empty")
    out.parent.mkdir(parents=True, exist_ok=True)
    with opened(source) as root:
        olx = read_course(root)
        force: set[str] = set()
        keys = {b.key: b.type for b in olx.blocks()}
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.adopt-", dir=out.parent))
        try:
            for _ in range(ROUNDS):
                course, report = to_model(olx, force)
                sources = staging / "src"
                if sources.exists():
                    shutil.rmtree(sources)
                sources.mkdir()
                files = write_sources(course, olx, sources, report.static_renamed, report.transcripts)
                work = staging / "work"
                if work.exists():
                    shutil.rmtree(work)
                work.mkdir()
                try:
                    rebuilt = rebuild(sources, work)
                except CourseError as exc:
                    errors = [d for d in exc.diagnostics if d.severity >= Severity.ERROR]
                    return AdoptResult(out, olx.block_count(), report, load_errors=errors, files=files)
                differences = compare(olx, rebuilt)
                again = {d.where for d in differences if keys.get(d.where) in CONVERTIBLE} - force
                if not again:
                    break
                force |= again
            shutil.rmtree(staging / "work", ignore_errors=True)
            if out.exists():
                out.rmdir()
            os.replace(sources, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return AdoptResult(out, olx.block_count(), report, differences, files=files)


def format_report(result: AdoptResult) -> str:
    rep = result.report
    lines = [f"# Adopted course: {result.blocks} blocks", ""]
    types = sorted(set(rep.converted) | set(rep.raw))
    lines.append("| block type | converted | of these, Markdown with raw HTML blocks | kept as they are |")
    lines.append("|---|---:|---:|---:|")
    for t in types:
        mixed = rep.mixed if t == "html" else 0
        lines.append(f"| {t} | {rep.converted.get(t, 0)} | {mixed} | {rep.raw.get(t, 0)} |")
    lines.append(f"| **all** | {sum(rep.converted.values())} | {rep.mixed} | {sum(rep.raw.values())} |")
    lines.append("")
    if rep.converted.get("html"):
        html = rep.converted.get("html", 0)
        lines.append(f"Of the {html} HTML components converted, {html - rep.mixed} are Markdown only and "
                     f"{rep.mixed} keep some of their top-level elements as raw HTML blocks inside the Markdown "
                     "(elements with styles, classes, target=_blank links ...): in all, "
                     f"{rep.md_parts} top-level parts became Markdown and {rep.raw_parts} stayed HTML.")
        lines.append("")
    lines.append("Converted: HTML to Markdown, problems to `{problem}` blocks, videos to `{video}`, discussions to "
                 "`{discussion}`. "
                 "Kept: HTML verbatim in a .html file, everything else as raw OLX in an `{olx}` fence.")
    if rep.kept_raw:
        lines += ["", f"## Kept as they are ({len(rep.kept_raw)})", ""]
        lines += [f"- {key}: {why}" for key, why in rep.kept_raw]
    if rep.editor_source_dropped:
        sources = sum(1 for _, held in rep.editor_source_dropped if held)
        lines += ["", f"## Studio editor source dropped ({len(rep.editor_source_dropped)})", "",
                  "The `markdown` attribute of these converted problems is dropped: it is the source of Studio's "
                  "simple editor, which no learner sees and nothing grades (Studio opens such a problem in its "
                  f"advanced editor). {sources} held a source, {len(rep.editor_source_dropped) - sources} were "
                  "\"null\".", ""]
        lines += [f"- {key}" + ("" if held else " (markdown=\"null\")") for key, held in rep.editor_source_dropped]
    if rep.static_renamed:
        lines += ["", f"## Static files written under their Open edX asset name ({len(rep.static_renamed)})", ""]
        lines += [f"- static/{old} -> static/{new}" for new, old in sorted(rep.static_renamed.items())]
    if rep.notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {note}" for note in rep.notes]
    if rep.lost:
        lines += ["", f"## Not carried ({len(rep.lost)})", ""]
        lines += [f"- {where}: {what}" for where, what in rep.lost]
    if result.load_errors:
        lines += ["", "## The adopted sources do not load", ""]
        lines += [f"- {d.format()}" for d in result.load_errors]
    lines += ["", "## Round trip (adopted sources built again, compared with the original)", ""]
    if result.load_errors:
        lines.append("not done: the sources did not load")
    elif result.differences:
        lines.append(f"{count(len(result.differences), 'difference')}:")
        lines += [f"- {d}" for d in result.differences]
    else:
        lines.append("equivalent")
    return "\n".join(lines) + "\n"

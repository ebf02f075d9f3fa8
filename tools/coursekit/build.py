"""load -> check -> emit -> package, written atomically into the output folder.

Everything is produced in a temporary folder beside the outputs and moved
in only when the whole build has succeeded, so a failed build leaves the
previous archive, manifest (and unpacked tree, if asked for) untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coursekit import check, package
from coursekit.diagnostics import CourseError, Diagnostic, Loc, Severity
from coursekit.emit import TARGETS
from coursekit.emit.base import Output
from coursekit.load import codes, load_course
from coursekit.model import Course

COMPANIONS = {"imscc": ("moodle.xml",)}  # files a target may write beside its archive


@dataclass
class BuildResult:
    course: Course
    run: str
    course_id: str
    archive: Path
    manifest: Path
    tree: Path | None
    sha256: str
    counts: dict[str, int]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    output: Output | None = None  # what the emitter produced (the lint's output stage validates it)
    companions: list[Path] = field(default_factory=list)  # files written beside the archive (.moodle.xml)


def load_checked(source: Path) -> tuple[Course, list[Diagnostic]]:
    """Load and run the model rules; raise CourseError on any error."""
    course, report = load_course(source)
    if course is None:
        raise CourseError(report.items)
    # Rules run even after load errors, so one build reports everything it can find.
    ctx = check.CheckContext(source_root=source)
    findings = check.run_rules(course, ctx, ("model",))  # severities and ignores from course.yaml
    report.extend(findings)
    if report.has_errors():
        raise CourseError(report.items)
    return course, report.sorted()


def choose_run(course: Course, run: str | None) -> str:
    name = run or course.default_run
    if name not in course.runs:
        raise CourseError([Diagnostic(
            codes.UNKNOWN_REF, Severity.ERROR, f"run {name!r} is not defined in course.yaml", Loc("course.yaml"),
            f"use one of: {', '.join(course.runs)}",
        )])
    return name


def build(source: Path, out_dir: Path, run: str | None = None, target: str = "olx",
          keep_tree: bool = False, loaded: tuple[Course, list[Diagnostic]] | None = None,
          on_emitted: Callable[[str, Output], None] | None = None) -> BuildResult:
    """Build one run. ``keep_tree`` also writes the unpacked OLX folder next to the archive.

    ``loaded`` is the result of :func:`load_checked` when the caller has it already (several runs);
    ``on_emitted(run, output)`` is called before packaging (lint starts validating the output then).
    """
    course, diagnostics = loaded or load_checked(source)
    run_name = choose_run(course, run)
    output = TARGETS[target].emit(course, run_name, source)
    if on_emitted is not None:
        on_emitted(run_name, output)

    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-build-", dir=out_dir))
    zipped = output.format == "imscc"
    keep_tree = keep_tree and not zipped
    try:
        archive_name = f"{output.top}.{output.format}"
        tmp_archive = work / archive_name
        (package.write_zip if zipped else package.write_archive)(output, tmp_archive)
        sha = package.file_sha256(tmp_archive)
        tmp_tree = work / output.top
        if keep_tree:
            package.write_tree(output, tmp_tree)
        extra = {"org": course.org, "number": course.number, "run": run_name, "title": course.title,
                 "target": target}
        if not zipped:
            extra.pop("target")  # the OLX manifest keeps its earlier form
        for suffix, data in sorted(output.companions.items()):
            (work / f"{output.top}.{suffix}").write_bytes(data)
        tmp_manifest = work / f"{output.top}{'.imscc' if zipped else ''}.manifest.json"
        tmp_manifest.write_bytes(package.manifest(output, archive_name, sha, extra))

        final_tree = out_dir / output.top
        if keep_tree:
            if final_tree.exists():
                os.replace(final_tree, work / "previous-tree")
            os.replace(tmp_tree, final_tree)
        for suffix in sorted(output.companions):
            os.replace(work / f"{output.top}.{suffix}", out_dir / f"{output.top}.{suffix}")
        for suffix in COMPANIONS.get(output.format, ()):  # one an earlier build left, now not made
            if suffix not in output.companions:
                (out_dir / f"{output.top}.{suffix}").unlink(missing_ok=True)
        os.replace(tmp_manifest, out_dir / tmp_manifest.name)
        os.replace(tmp_archive, out_dir / archive_name)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    counts: dict[str, int] = {}
    for block in output.blocks:
        counts[block.type] = counts.get(block.type, 0) + 1
    return BuildResult(
        course=course,
        run=run_name,
        course_id=output.course_id,
        archive=out_dir / archive_name,
        manifest=out_dir / tmp_manifest.name,
        tree=out_dir / output.top if keep_tree else None,
        sha256=sha,
        counts=counts,
        diagnostics=diagnostics,
        output=output,
        companions=[out_dir / f"{output.top}.{suffix}" for suffix in sorted(output.companions)],
    )



def emit_preview(course: Course, run: str | None, source: Path) -> Output:
    """The preview site's files, in memory (``coursekit serve`` serves them from there)."""
    from coursekit.emit import preview

    return preview.emit(course, choose_run(course, run), source)


def write_preview(output: Output, dest: Path) -> None:
    """Write the preview folder whole: built beside ``dest``, then swapped in, so a failure changes nothing."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-preview-", dir=dest.parent))
    try:
        package.write_tree(output, work / "site")
        if dest.exists():
            os.replace(dest, work / "previous")
        os.replace(work / "site", dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)

"""coursekit build"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from coursekit.commands.common import (
    display_root,
    handle_errors,
    no_cache_option,
    out_option,
    print_diagnostics,
    run_option,
    source_option,
)
from coursekit.diagnostics import CourseError, Severity
from coursekit.plural import count, plural


@click.command("build")
@source_option
@out_option
@run_option
@click.option("--all-runs", is_flag=True, help="Build every run defined in course.yaml.")
@click.option("--tree", "keep_tree", is_flag=True, help="Also write the unpacked OLX folder OUT/<org>-<number>-<run>/.")
@click.option("--lint", "with_lint", is_flag=True,
              help="Also run every lint rule, on the same load and the same emitted OLX (what `make` runs); "
                   "exit status 1 if lint finds an error.")
@click.option("--strict", is_flag=True, help="--lint: warnings fail too (exit status 1).")
@click.option("--target", "-t", type=click.Choice(["olx", "imscc", "all"]), default="olx", show_default=True,
              help="olx: Open edX archive; imscc: IMS Common Cartridge 1.1 and a Moodle XML question bank "
                   "for Moodle; all: both, from one load.")
@click.option("--check", "check_only", is_flag=True,
              help="Only check that the course builds: build into a temporary folder and delete it; OUT is not "
                   "touched (for pre-commit hooks and CI). Exit status 1 on any error.")
@no_cache_option
@handle_errors(writes=True)
def command(source: Path, out: Path, run: str | None, all_runs: bool, keep_tree: bool, with_lint: bool,
            strict: bool, target: str, check_only: bool, no_cache: bool) -> None:
    """Compile the course into an Open edX OLX archive (or, with --target, a cartridge for Moodle).

    Reads SOURCE (default course_src/), checks it, and writes
    OUT/<org>-<number>-<run>.tar.gz, a manifest (.manifest.json: every file
    with its sha256, every block id) and, with --tree, the unpacked OLX
    folder. --target imscc writes OUT/<org>-<number>-<run>.imscc, its
    .imscc.manifest.json and, for the questions a cartridge cannot carry,
    .moodle.xml. Every output is byte-for-byte the same for the same
    sources. On any error nothing in OUT is changed.
    """
    if all_runs and run:
        raise click.UsageError("use either --run or --all-runs")
    if strict and not with_lint:
        raise click.UsageError("--strict goes with --lint")
    if check_only:
        if keep_tree:
            raise click.UsageError("--tree writes the OLX folder; it does not go with --check")
        import tempfile

        with tempfile.TemporaryDirectory(prefix="coursekit-check-") as tmp:
            _command(source, Path(tmp), run, all_runs, keep_tree, with_lint, strict, target, no_cache)
        click.echo("Check only: the course builds; the build went to a temporary folder, now deleted "
                   f"({out} was not touched).")
        return
    _command(source, out, run, all_runs, keep_tree, with_lint, strict, target, no_cache)


def _command(source: Path, out: Path, run: str | None, all_runs: bool, keep_tree: bool, with_lint: bool,
             strict: bool, target: str, no_cache: bool) -> None:
    from coursekit import cache

    with cache.opened(None if no_cache else source):
        if with_lint:
            _build_and_lint(source, out, run, all_runs, keep_tree, strict, target)
            return
        from coursekit.build import load_checked

        loaded = load_checked(source)  # once, whatever the number of runs and targets
        results = _build_runs(source, out, run, all_runs, keep_tree, loaded, target=target)
    warnings = [d for d in results[-1].diagnostics if d.severity == Severity.WARNING]
    if warnings:
        print_diagnostics(warnings, display_root(source), Severity.WARNING)
        click.echo(f"{count(len(warnings), 'warning')}; run `coursekit lint` for all findings.", err=True)


def _build_runs(source: Path, out: Path, run: str | None, all_runs: bool, keep_tree: bool, loaded: tuple,
                on_emitted: Callable | None = None, target: str = "olx") -> list:
    from coursekit.build import build

    runs: list[str | None] = list(loaded[0].runs) if all_runs else [run]
    targets = ["olx", "imscc"] if target == "all" else [target]
    results = []
    for name in runs:
        for kind in targets:
            result = build(source, out, name, target=kind, keep_tree=keep_tree, loaded=loaded,
                           on_emitted=on_emitted)
            results.append(result)
            _describe(result, quiet_report=on_emitted is not None)
    return results


def _describe(result, quiet_report: bool = False) -> None:
    size = result.archive.stat().st_size
    c = result.counts
    structure = ("course", "chapter", "sequential", "vertical")
    components = sum(v for k, v in c.items() if k not in structure)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k not in structure)
    click.echo(f"Built {result.course_id}" + (" for Moodle (IMS Common Cartridge 1.1)"
                                               if result.archive.suffix == ".imscc" else ""))
    click.echo(f"  archive   {result.archive} ({size / 1024:.0f} KiB, sha256 {result.sha256[:16]}…)")
    for companion in result.companions:
        click.echo(f"  questions {companion} (Moodle XML: import into the question bank)")
    click.echo(f"  manifest  {result.manifest}")
    if result.tree:
        click.echo(f"  tree      {result.tree}/")
    click.echo(f"  blocks    {count(c.get('chapter', 0), 'section')}, {count(c.get('sequential', 0), 'subsection')}, "
               f"{count(c.get('vertical', 0), 'unit')}, {count(components, 'component')} ({kinds})")
    report = result.output.report if result.output else []
    if report and not quiet_report:
        for line in report:
            click.echo(f"  note      {line}")
    elif report:
        click.echo(f"  note      {count(len(report), 'component')} {plural('is', len(report))} not in the cartridge "
                   "as they are (the lint "
                   "findings M901 and M903 below name them)")


def _build_and_lint(source: Path, out: Path, run: str | None, all_runs: bool, keep_tree: bool,
                    strict: bool, target: str = "olx") -> None:
    """One load and one emit for both jobs: lint's model and prose stages, the build, then the output stage."""
    from coursekit.check import olx, output
    from coursekit.check.runner import Linter, LintRequest

    linter = Linter.start(LintRequest(source=source, run=run, moodle=target != "olx"))
    before = len(linter.diagnostics)  # load findings and lint-settings problems; the latter do not stop a build
    linter.run(("model",))
    buildable = linter.runnable and not linter.report.has_errors() and not any(
        d.severity >= Severity.ERROR for d in linter.diagnostics[before:])
    built = False
    if linter.course is not None and buildable:
        course, ctx = linter.course, linter.ctx
        loaded = (course, sorted(linter.diagnostics, key=lambda d: d.sort_key()))
        wanted = run or course.default_run

        def validate_meanwhile(name: str, emitted) -> None:
            if name == wanted and emitted.format == "tar.gz":  # lint checks the OLX of the run asked for
                ctx.emitted = emitted
                olx.start_in_background(course, ctx)  # olxcleaner beside packaging and the prose rules

        try:
            _build_runs(source, out, run, all_runs, keep_tree, loaded, validate_meanwhile, target)
        except CourseError as exc:
            linter.diagnostics.extend(exc.diagnostics)
        else:
            built = True
    linter.run(("prose", "moodle"))
    if built:
        linter.run(("output",))
    elif linter.runnable:
        linter.notices.append("the built OLX was not checked (X801-X803): nothing was built")
    result = linter.result()
    to_terminal = sys.stdout.isatty()
    if built:
        click.echo("")
    click.echo(output.render("text", result, display_root(source), strict, color=to_terminal), nl=False,
               color=to_terminal)
    if not built:
        click.echo("Nothing was built: fix the errors above.", err=True)
    sys.exit(1 if result.failed(strict) or not built else 0)

"""coursekit build"""

from __future__ import annotations

from pathlib import Path

import click

from coursekit.commands.common import (
    display_root,
    handle_errors,
    out_option,
    print_diagnostics,
    run_option,
    source_option,
)
from coursekit.diagnostics import Severity


@click.command("build")
@source_option
@out_option
@run_option
@click.option("--all-runs", is_flag=True, help="Build every run defined in course.yaml.")
@click.option("--tree", "keep_tree", is_flag=True, help="Also write the unpacked OLX folder OUT/<org>-<number>-<run>/.")
@handle_errors(writes=True)
def command(source: Path, out: Path, run: str | None, all_runs: bool, keep_tree: bool) -> None:
    """Compile the course into an Open edX OLX archive.

    Reads SOURCE (default course_src/), checks it, and writes
    OUT/<org>-<number>-<run>.tar.gz, a manifest (.manifest.json: every file
    with its sha256, every block id) and, with --tree, the unpacked OLX
    folder. The archive is byte-for-byte the same for the same sources. On
    any error nothing in OUT is changed.
    """
    if all_runs and run:
        raise click.UsageError("use either --run or --all-runs")
    from coursekit.build import build, load_checked

    loaded = load_checked(source)  # once, whatever the number of runs
    runs: list[str | None] = list(loaded[0].runs) if all_runs else [run]
    for name in runs:
        result = build(source, out, name, keep_tree=keep_tree, loaded=loaded)
        size = result.archive.stat().st_size
        c = result.counts
        components = sum(v for k, v in c.items() if k not in ("course", "chapter", "sequential", "vertical"))
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(c.items())
                          if k not in ("course", "chapter", "sequential", "vertical"))
        click.echo(f"Built {result.course_id}")
        click.echo(f"  archive   {result.archive} ({size / 1024:.0f} KiB, sha256 {result.sha256[:16]}…)")
        click.echo(f"  manifest  {result.manifest}")
        if result.tree:
            click.echo(f"  tree      {result.tree}/")
        click.echo(f"  blocks    {c.get('chapter', 0)} sections, {c.get('sequential', 0)} subsections, "
                   f"{c.get('vertical', 0)} units, {components} components ({kinds})")
    warnings = [d for d in result.diagnostics if d.severity == Severity.WARNING]
    if warnings:
        print_diagnostics(warnings, display_root(source), Severity.WARNING)
        click.echo(f"{len(warnings)} warning(s); run `coursekit lint` for all findings.", err=True)

"""coursekit adopt"""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("adopt")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "-o", "out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for the course sources (must not exist, or be empty).")
@click.option("--report", "report_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the report (Markdown) to this file.")
def command(source: Path, out: Path, report_file: Path | None) -> None:
    """Turn an Open edX course export (.tar.gz or unpacked folder) into coursekit sources.

    \b
    Follows the OLX the way Open edX reads it (pointer tags, inline blocks,
    policy.json over attributes, grading_policy.json; drafts/ ignored) and
    writes course.yaml, section folders and subsection Markdown with every
    url_name pinned. HTML becomes Markdown where coursekit renders it back to
    the same HTML, else it is kept verbatim; problems coursekit models become
    {problem} blocks when they come back the same; all else stays raw OLX.
    The sources are built again and compared with the export before anything
    is written to OUT; the report lists what stayed raw and why, and every
    difference left. Exit status: 0 equivalent; 1 written, with differences
    listed; 2 bad input (nothing written).
    """
    from coursekit.adopt import adopt, format_report
    from coursekit.commands.common import olx_input_errors

    with olx_input_errors("\nnothing was written."):
        try:
            result = adopt(source, out)
        except FileExistsError as exc:  # an OSError, but the fix is the user's choice of folder
            click.echo(f"error: {exc}\n    fix: give a new folder with --out", err=True)
            sys.exit(2)
    text = format_report(result)
    click.echo(text, nl=False)
    if report_file is not None:
        report_file.write_text(text, encoding="utf-8")
    if result.load_errors:
        click.echo("error: the adopted sources do not load (a bug in adopt); nothing was written.", err=True)
        sys.exit(3)
    sys.exit(1 if result.differences else 0)

"""coursekit preview"""

from __future__ import annotations

from pathlib import Path

import click

from coursekit.commands.common import (
    display_root,
    handle_errors,
    no_cache_option,
    print_diagnostics,
    run_option,
    source_option,
)
from coursekit.diagnostics import Severity
from coursekit.plural import count

PREVIEW_DEFAULT = "olx_build/preview"


@click.command("preview")
@source_option
@click.option("--out", "-o", "out", type=click.Path(path_type=Path, file_okay=False), default=PREVIEW_DEFAULT,
              show_default=True, help="Folder to write the site into (replaced whole).")
@run_option
@no_cache_option
@handle_errors(writes=True)
def command(source: Path, out: Path, run: str | None, no_cache: bool) -> None:
    """Write the course as a static site that shows it as learners see it.

    The folder opens from disk (OUT/index.html) with nothing from the network:
    the outline, every unit with its problems checked in the browser as Open
    edX checks them, videos with transcripts, the About and info pages, and a
    printable page per subsection. `coursekit serve` does the same live.
    On any error nothing in OUT is changed.
    """
    from coursekit import cache
    from coursekit.build import emit_preview, load_checked, write_preview

    with cache.opened(None if no_cache else source):
        course, diagnostics = load_checked(source)
        output = emit_preview(course, run, source)
    write_preview(output, out)
    pages = sum(1 for p in output.files if p.endswith(".html"))
    click.echo(f"Preview of {output.course_id}: {count(pages, 'page')} in {out}/")
    click.echo(f"  open      {out / 'index.html'}")
    warnings = [d for d in diagnostics if d.severity == Severity.WARNING]
    if warnings:
        print_diagnostics(warnings, display_root(source), Severity.WARNING)
        click.echo(f"{count(len(warnings), 'warning')}; run `coursekit lint` for all findings.", err=True)

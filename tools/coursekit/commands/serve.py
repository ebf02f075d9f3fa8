"""coursekit serve"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click

from coursekit.commands.common import display_root, handle_errors, print_diagnostics, run_option, source_option
from coursekit.diagnostics import Severity
from coursekit.plural import count

HOST = "127.0.0.1"


@click.command("serve")
@source_option
@run_option
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@handle_errors()
def command(source: Path, run: str | None, port: int) -> None:
    """Serve the preview on 127.0.0.1 and rebuild it whenever the sources change.

    Open the address it prints: every page reloads itself after a save. When a
    change breaks the course, the pages keep the last good build and show the
    errors (file:line, what is wrong, how to fix) over it; the terminal shows
    them too. Nothing is written to disk. Stop with Ctrl+C.
    """
    import gc

    from coursekit.serve import LiveSite, serve, watch

    if not (source / "course.yaml").is_file():
        raise click.UsageError(f"{source}/course.yaml not found; point --source at the course folder.")
    root = display_root(source)

    def report(state, diagnostics) -> None:
        if state.errors:
            print_diagnostics(diagnostics, root, Severity.ERROR)
            click.echo(f"{count(len(state.errors), 'error')}: still serving the last good build "
                       f"(rebuild {state.seconds:.2f} s).", err=True)
        else:
            warnings = sum(1 for d in diagnostics if d.severity == Severity.WARNING)
            tail = f", {count(warnings, 'warning')} (coursekit lint lists them)" if warnings else ""
            click.echo(f"rebuilt in {state.seconds:.2f} s{tail}")

    gc.enable()  # a long-lived process: each rebuild pauses the collector itself
    site = LiveSite(source, run, root, report)
    site.rebuild()
    try:
        server = serve(site, HOST, port)
    except OSError as exc:
        click.echo(f"error: cannot listen on {HOST}:{port}: {exc.strerror or exc}; "
                   f"choose another port with --port.", err=True)
        sys.exit(1)
    address = f"http://{HOST}:{server.server_address[1]}/"
    click.echo(f"Serving {address}  (watching {root}/; Ctrl+C stops)", err=False)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(site, stop), daemon=True, name="coursekit-watch")
    watcher.start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        click.echo("stopped.")
    finally:
        stop.set()
        server.server_close()

"""Options and output helpers shared by commands."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from coursekit.diagnostics import CourseError, Diagnostic, Severity
from coursekit.plural import count

SOURCE_DEFAULT = "course_src"
OUT_DEFAULT = "olx_build"

source_option = click.option(
    "--source", "-s", "source", type=click.Path(path_type=Path, file_okay=False), default=SOURCE_DEFAULT,
    show_default=True, help="Course source folder (the one with course.yaml).",
)
out_option = click.option(
    "--out", "-o", "out", type=click.Path(path_type=Path, file_okay=False), default=OUT_DEFAULT,
    show_default=True, help="Output folder for archives and manifests.",
)
no_cache_option = click.option(
    "--no-cache", is_flag=True,
    help="Do not read or write the build cache (.coursekit-cache/ beside the course folder; "
         "COURSEKIT_CACHE_DIR moves it). The output is the same either way.",
)
run_option = click.option("--run", "-r", "run", default=None, metavar="NAME",
                          help="Course run from course.yaml (default: default_run, else the first).")


def display_root(source: Path) -> str:
    """The source folder as the user should see it in file:line messages."""
    try:
        rel = os.path.relpath(source.resolve(), Path.cwd())
    except ValueError:
        return str(source)
    return str(source) if rel.startswith("..") else rel


def print_diagnostics(items: Iterable[Diagnostic], root: str, min_severity: Severity = Severity.INFO) -> None:
    for diag in sorted(items, key=Diagnostic.sort_key):
        if diag.severity >= min_severity:
            colour = {"error": "red", "warning": "yellow"}.get(str(diag.severity))
            text = diag.format(root)
            click.echo(click.style(text, fg=colour) if colour and sys.stderr.isatty() else text, err=True)


def internal_error(exc: Exception, code: int = 3) -> None:
    """A bug in coursekit, not in the input: a short message (the traceback with COURSEKIT_DEBUG=1) and exit."""
    if os.environ.get("COURSEKIT_DEBUG"):
        traceback.print_exc()
    click.echo(f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in coursekit; set COURSEKIT_DEBUG=1 "
               "to see the traceback.", err=True)
    sys.exit(code)


@contextlib.contextmanager
def olx_input_errors(tail: str = "") -> Iterator[None]:
    """For commands that read Open edX exports (diff, adopt): bad input exits 2 with where and why; a bug exits 3."""
    from coursekit.read import OlxError

    try:
        yield
    except OlxError as exc:
        click.echo(f"error: {exc.format()}{tail}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ") + tail, err=True)
        sys.exit(2)
    except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug in coursekit, not in the input
        internal_error(exc)


def handle_errors(source_arg: str = "source", writes: bool = False) -> Callable:
    """Turn CourseError into printed diagnostics and exit 1; other failures into a short message and exit 3."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            source = kwargs.get(source_arg) or Path(SOURCE_DEFAULT)
            try:
                return func(*args, **kwargs)
            except CourseError as exc:
                errors = [d for d in exc.diagnostics if d.severity >= Severity.ERROR]
                print_diagnostics(exc.diagnostics, display_root(Path(source)), Severity.ERROR)
                tail = "; nothing was written" if writes else ""
                click.echo(f"\n{count(len(errors), 'error')}{tail}.", err=True)
                sys.exit(1)
            except OSError as exc:
                click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
                sys.exit(1)
            except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
                raise
            except Exception as exc:  # a bug in coursekit, not in the course
                if os.environ.get("COURSEKIT_DEBUG"):
                    traceback.print_exc()
                message = f"internal error: {type(exc).__name__}: {exc}"
                if kwargs.get("fmt") == "json" and not kwargs.get("out_file"):  # a reader of JSON still gets JSON
                    click.echo(json.dumps({"format": "coursekit-lint/1", "internal_error": message,
                                           "summary": {"error": 0, "warning": 0, "info": 0, "failed": True},
                                           "findings": [], "notices": []}, indent=2))
                click.echo(f"{message}\nThis is a bug in coursekit; set COURSEKIT_DEBUG=1 to see the traceback.",
                           err=True)
                sys.exit(3)

        return wrapper

    return decorate

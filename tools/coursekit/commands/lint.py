"""coursekit lint"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from coursekit.commands.common import display_root, handle_errors, run_option, source_option

FORMATS = ("text", "json", "github", "sarif")  # coursekit.check.output.FORMATS (a test keeps them equal)


def _explain(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if not value or ctx.resilient_parsing:
        return
    from coursekit.check import docs

    doc, hint = docs.lookup(value)
    if doc is None:
        raise click.BadParameter(f"no rule or load code {value!r}; {hint}", param_hint="--explain")
    click.echo(docs.explain(doc), nl=False)
    ctx.exit(0)


def _list_rules(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from coursekit.check import docs

    click.echo(docs.list_rules(), nl=False)
    ctx.exit(0)


@contextlib.contextmanager
def _progress(length: int, label: str) -> Iterator[object]:
    with click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True) as bar:
        yield bar


@click.command("lint")
@source_option
@run_option
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format: text, json, github (workflow annotations) or sarif (2.1.0).")
@click.option("--output", "-o", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit status 1).")
@click.option("--target", "-t", type=click.Choice(["olx", "imscc", "all"]), default="olx", show_default=True,
              help="imscc or all: also report what the Moodle target cannot carry (M901-M903).")
@click.option("--online", is_flag=True, help="Also check external links over HTTP.")
@click.option("--no-olx", is_flag=True, help="Skip building and validating the OLX (X801-X803); faster.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="--online: seconds to wait for each link.")
@click.option("--concurrency", type=click.IntRange(min=1, max=64), default=8, show_default=True,
              help="--online: links checked at the same time.")
@click.option("--per-host", type=click.IntRange(min=1, max=64), default=4, show_default=True,
              help="--online: links checked at the same time on one site.")
@click.option("--cache", "cache_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="--online: link cache file [default: .coursekit-linkcache.json beside the course folder].")
@click.option("--no-cache", is_flag=True,
              help="Do not read or write the caches: the build cache (see README) and, with --online, "
                   "the link cache (every link is checked again).")
@click.option("--color/--no-color", default=None, help="Colour the text output [default: on a terminal].")
@click.option("--explain", metavar="CODE", callback=_explain, expose_value=False, is_eager=True,
              help="Print what a rule (or load code) checks, why, an example and the fix; then exit.")
@click.option("--list-rules", is_flag=True, callback=_list_rules, expose_value=False, is_eager=True,
              help="List every rule and load code; then exit.")
@handle_errors()
def command(source: Path, run: str | None, fmt: str, out_file: Path | None, strict: bool, target: str, online: bool,
            no_olx: bool,
            timeout: float, concurrency: int, per_host: int, cache_path: Path | None, no_cache: bool,
            color: bool | None) -> None:
    """Check the course: structure, grading, problems, links, accessibility, spelling, built OLX.

    Prints each finding as `path:line:col: CODE severity: message` with a
    fix. Exit status 1 if there is an error (with --strict: an error or a
    warning), else 0. Severities, ignores, the word list and rule options
    are set under `lint:` in course.yaml; see docs/lint.md or
    `coursekit lint --explain CODE`.
    """
    from coursekit import cache
    from coursekit.check import output
    from coursekit.check.online import OnlineSettings
    from coursekit.check.runner import LintRequest, default_cache_path, lint

    to_terminal = out_file is None and sys.stdout.isatty()
    settings = OnlineSettings(
        timeout=timeout, concurrency=concurrency, per_host=per_host,
        cache_path=None if no_cache else (cache_path or default_cache_path(source)),
    )
    show_progress = online and fmt == "text" and sys.stderr.isatty()
    with cache.opened(None if no_cache else source):
        result = lint(LintRequest(source=source, run=run, olx=not no_olx, online=online, online_settings=settings,
                                  progress_factory=_progress if show_progress else None,
                                  moodle=target != "olx"))
    use_color = to_terminal if color is None else color
    report = output.render(fmt, result, display_root(source), strict, color=use_color and fmt == "text")
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(report, encoding="utf-8")
        click.echo(output.summary(result, strict), err=True)
    else:
        click.echo(report, nl=False, color=use_color)
    sys.exit(1 if result.failed(strict) else 0)

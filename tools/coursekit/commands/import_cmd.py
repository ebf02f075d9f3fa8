"""coursekit import"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO

import click

from coursekit.commands.common import handle_errors, out_option, run_option, source_option
from coursekit.diagnostics import CourseError
from coursekit.push.redact import RedactingFilter, RedactingFormatter, redact

MIB = 1024 * 1024


def _clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Rate:
    """MiB sent of the total, the rate so far and the time left, as one short text."""

    def __init__(self, total: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.clock = clock
        self.started = clock()

    def text(self, done: int, total: int | None = None) -> str:
        total = total or self.total or 1
        took = self.clock() - self.started
        speed = done / took if took > 0 else 0.0
        text = f"{done / MIB:.1f} of {total / MIB:.1f} MiB"
        if speed > 0:
            text += f", {speed / MIB:.1f} MiB/s"
            if done < total:
                text += f", about {_clock_text((total - done) / speed)} left"
        return text


class LineProgress:
    """Upload progress for logs and pipes (CI): a line every 10 % with MiB, rate and time left.

    Only for uploads of 4 MiB or more; a small upload is over before a line would help,
    and the line after it gives the time and rate.
    """

    def __init__(self, total: int, clock: Callable[[], float] = time.monotonic,
                 echo: Callable[[str], None] = click.echo) -> None:
        self.total = total
        self.rate = Rate(total, clock)
        self.echo = echo
        self.next_step = 10 if total >= 4 * MIB else 101

    def update(self, done: int, total: int) -> None:
        total = total or self.total or 1
        percent = done * 100 // total
        if percent >= self.next_step and self.next_step <= 100:
            self.echo(f"  uploaded {min(percent, 100) // 10 * 10:3d}%  ({self.rate.text(done, total)})")
            while self.next_step <= percent:
                self.next_step += 10

    def close(self) -> None:
        pass


class BarProgress:
    """Upload progress on a terminal: click's bar, then MiB sent of the total, rate and time left."""

    def __init__(self, total: int, file: IO[str] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.done = 0
        self.rate = Rate(total, clock)
        self.bar = click.progressbar(length=max(total, 1), label="  uploading", show_eta=False, show_percent=True,
                                     item_show_func=self._text, file=file, width=30)
        self.bar.__enter__()

    def _text(self, _item: object) -> str:
        return self.rate.text(self.done, self.bar.length)

    def update(self, done: int, total: int) -> None:
        if total and total != self.bar.length:
            self.bar.length = total
            self.rate.total = total
        if done > self.done:
            step = done - self.done
            self.done = done
            self.bar.update(step, current_item=done)

    def close(self) -> None:
        self.bar.__exit__(None, None, None)


def make_progress(total: int) -> LineProgress | BarProgress:
    return BarProgress(total) if sys.stdout.isatty() else LineProgress(total)


LOGGERS = ("coursekit.push", "urllib3")  # -v: ours; -vv: also connections (never headers)


class _ClickHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # pragma: no cover - logging must never break the import
            self.handleError(record)


class VerboseLogging:
    """-v / -vv: log requests to stderr, redacted; undone when the command ends."""

    def __init__(self, verbose: int) -> None:
        self.handler = _ClickHandler()
        self.handler.setFormatter(RedactingFormatter("  [%(levelname)s] %(message)s"))
        self.filter = RedactingFilter()
        self.saved: list[tuple[logging.Logger, int]] = []
        if verbose:
            for name in LOGGERS[: 1 if verbose == 1 else 2]:
                logger = logging.getLogger(name)
                self.saved.append((logger, logger.level))
                logger.addFilter(self.filter)
                logger.addHandler(self.handler)
                logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)

    def close(self) -> None:
        for logger, level in self.saved:
            logger.removeHandler(self.handler)
            logger.removeFilter(self.filter)
            logger.setLevel(level)


@click.command("import")
@source_option
@out_option
@run_option
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              envvar="COURSEKIT_IMPORT_CONFIG", show_envvar=True,
              help="TOML file with cms_url, lms_url, client_id, client_secret (or cms_token). "
                   "Must be outside the repository and chmod 600. "
                   "Default: ~/.config/coursekit/import.toml if it exists.")
@click.option("--create", is_flag=True, help="Create the course run first if it does not exist (needs global staff).")
@click.option("--dry-run", is_flag=True,
              help="Build, authenticate, check permission, course and learner impact, print the plan; upload nothing.")
@click.option("--allow-removals", is_flag=True,
              help="Import even if blocks holding learner scores (scored problems, graded subsections) disappear.")
@click.option("--allow-dirty", is_flag=True,
              help="Import even if the course sources have uncommitted changes (untracked files count); "
                   "the release record then says dirty.")
@click.option("--allow-insecure-http", is_flag=True,
              help="Allow http:// URLs for hosts other than localhost (tokens would travel unencrypted).")
@click.option("--no-build", "no_build", is_flag=True,
              help="Upload the archive already in OUT (checked against its manifest) instead of building again.")
@click.option("--no-readback", is_flag=True, help="Do not read the course outline back from the LMS afterwards.")
@click.option("--releases-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where release records are kept. Default: SOURCE/releases.")
@click.option("--timeout", type=click.FloatRange(min=0), default=1800.0, show_default=True,
              envvar="COURSEKIT_IMPORT_TIMEOUT", show_envvar=True,
              help="Seconds to wait for the import task to finish.")
@click.option("--poll-interval", type=click.FloatRange(min=0), default=2.0, show_default=True,
              envvar="COURSEKIT_POLL_INTERVAL", show_envvar=True,
              help="First wait between status checks, in seconds; it grows up to 15 s.")
@click.option("--retry-delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              envvar="COURSEKIT_RETRY_DELAY", show_envvar=True,
              help="First wait before retrying a failed request, in seconds (doubles, at most 4 retries).")
@click.option("--readback-delay", type=click.FloatRange(min=0), default=2.0, show_default=True,
              envvar="COURSEKIT_READBACK_DELAY", show_envvar=True,
              help="First wait before reading the outline again when the LMS still shows the old one.")
@click.option("-v", "--verbose", count=True, help="Log each request (never headers or secrets); -vv for more.")
@handle_errors()
def command(source: Path, out: Path, run: str | None, config_path: Path | None, create: bool, dry_run: bool,
            allow_removals: bool, allow_dirty: bool, allow_insecure_http: bool, no_build: bool, no_readback: bool,
            releases_dir: Path | None, timeout: float, poll_interval: float, retry_delay: float,
            readback_delay: float, verbose: int) -> None:
    """Import the course into Open edX through the course import REST API.

    \b
    Steps: check that the course sources are committed (--allow-dirty to skip),
    build (like `coursekit build`), get a token from the LMS, check that
    the course exists (or create it with --create) and that the user may import
    into it, print the learner-impact report against the last release recorded
    in SOURCE/releases/<server>/<course>/, upload the archive, wait for the
    import task, read the outline back from the LMS and record the release.

    \b
    Settings come from --config FILE, else the environment, else
    ~/.config/coursekit/import.toml:
      COURSEKIT_CMS_URL      (or OLX_CMS_URL)            Studio base URL
      COURSEKIT_LMS_URL      (or OLX_LMS_URL)            LMS base URL (tokens, read-back)
      COURSEKIT_CLIENT_ID    (or OLX_LMS_CLIENT_ID)      OAuth2 client credentials
      COURSEKIT_CLIENT_SECRET (or OLX_LMS_CLIENT_SECRET)
      COURSEKIT_CMS_TOKEN    (or OLX_CMS_TOKEN)          or a pre-issued JWT

    \b
    Exit status: 0 done, 1 course errors or uncommitted sources, 2 settings,
    3 internal error, 4 import failed or server error, 5 refused by the
    learner-impact check, 6 imported but the read-back differs. See the
    release manager's guide in README.md.
    """
    from coursekit import cache
    from coursekit.push.client import OpenEdxClient, Timing
    from coursekit.push.config import find_repo_root, load_settings
    from coursekit.push.errors import EXIT_INTERNAL, PushError
    from coursekit.push.importer import Importer, ImportOptions

    logs = VerboseLogging(verbose)
    client: OpenEdxClient | None = None
    try:
        roots = [r for r in {find_repo_root(source), find_repo_root(Path.cwd())} if r is not None]
        settings = load_settings(config_path, roots, allow_insecure_http=allow_insecure_http)
        opts = ImportOptions(
            source=source, out=out, run=run, releases_dir=releases_dir, create=create, dry_run=dry_run,
            allow_removals=allow_removals, allow_dirty=allow_dirty, build=not no_build, readback=not no_readback,
            timeout=timeout, poll_interval=poll_interval, readback_delay=readback_delay,
        )
        client = OpenEdxClient(settings, Timing(retry_delay=retry_delay, max_retry_delay=max(retry_delay, 16.0)))
        with cache.opened(source):
            Importer(opts, settings, client, click.echo, make_progress).run()
    except PushError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(exc.exit_code)
    except CourseError:
        raise
    except KeyboardInterrupt:
        click.echo("\ninterrupted. If the upload had finished, the import may still run on the server: "
                   "check Studio > Tools > Import before importing again.", err=True)
        sys.exit(130)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # never let an unredacted exception text reach the terminal
        if os.environ.get("COURSEKIT_DEBUG"):
            click.echo(redact(traceback.format_exc()), err=True)
        click.echo(redact(f"internal error: {type(exc).__name__}: {exc}\n"
                          "This is a bug in coursekit; set COURSEKIT_DEBUG=1 to see the traceback."), err=True)
        sys.exit(EXIT_INTERNAL)
    finally:
        if client is not None:
            client.close()
        logs.close()

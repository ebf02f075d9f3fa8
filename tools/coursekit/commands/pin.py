"""coursekit pin"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coursekit.commands.common import SOURCE_DEFAULT, display_root, handle_errors, print_diagnostics, source_option
from coursekit.diagnostics import Severity
from coursekit.plural import count as counted
from coursekit.plural import plural


@click.command("pin")
@source_option
@click.option("--all", "all_blocks", is_flag=True,
              help="Pin every block that can be pinned (also videos, discussions and every raw XBlock).")
@click.option("--dry-run", is_flag=True, help="Print what would be pinned; write nothing.")
@click.option("--check", is_flag=True,
              help="Like --dry-run, but exit with status 1 if anything would be pinned (for CI).")
@handle_errors(writes=True)
def command(source: Path, all_blocks: bool, dry_run: bool, check: bool) -> None:
    """Write the current id of every block that holds learner state into the sources.

    Open edX keeps learners' answers and scores under each block's id, and
    coursekit derives ids from folder and file names and `##` headings: a
    rename changes them. `coursekit pin` writes each id as it is now, as an
    explicit pin (`id:` in section.yaml, front matter and problems, `{#id}`
    after a `##` heading), so later renames keep learner state. It pins
    sections, subsections, units and problems (and raw XBlocks that record
    scores); --all also videos, discussions and every raw XBlock.

    Only the pinned lines change; comments and formatting stay as they are.
    A second run changes nothing. Exit status: 0 done (or nothing to pin);
    1 the course has errors, a block cannot be pinned automatically, or
    (--check) something is not pinned.
    """
    from coursekit import pin as pinning
    from coursekit.load import load_course

    root = display_root(source)
    course, report = load_course(source)
    if course is None or report.has_errors():
        print_diagnostics(report.items, root, Severity.ERROR)
        click.echo(f"\n{counted(len(report.errors), 'error')}; nothing was pinned. Fix them (`coursekit lint`) and run "
                   "`coursekit pin` again.", err=True)
        sys.exit(1)
    plan = pinning.plan(course, source, all_blocks)
    if plan.problems:
        print_diagnostics(plan.problems, root)
        click.echo(f"\n{counted(len(plan.problems), 'block')} cannot be pinned automatically; nothing was written. Pin "
                   "them by hand as the fix says, then run `coursekit pin` again.", err=True)
        sys.exit(1)
    what = "block that holds learner state" if not all_blocks else "block that can be pinned"
    if not plan.pins:
        click.echo(f"Nothing to pin: every {what} has a pinned id.")
        return
    for line in pinning.lines_of(plan.pins, root):
        click.echo(line)
    count = f"{counted(len(plan.pins), 'id')} in {counted(len(plan.files), 'file')}"
    if check:
        again = "coursekit pin" + ("" if source == Path(SOURCE_DEFAULT) else f" --source {root}")
        verb = plural("is", len(plan.pins))
        click.echo(f"\n{count} {verb} not pinned; run `{again}` and commit the result.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"\nWould pin {count} (dry run: nothing was written).")
        return
    pinning.write(source, plan.new_files)
    click.echo(f"\nPinned {count}. Commit them with the course; a second run changes nothing.")

"""coursekit diff"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from coursekit.plural import count


@click.command("diff")
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
def command(a: Path, b: Path) -> None:
    """Compare two Open edX courses (OLX .tar.gz archives or unpacked folders) by meaning.

    \b
    Compared: the block tree (types, url_names, parents, order), display
    names and other attributes (dates as moments in time), course settings,
    the grading policy and graded subsections, problems (answers and
    tolerances, then their text), HTML after normalisation (whitespace,
    attribute order), about/info/custom pages, static files by SHA-256.

    \b
    Exit status: 0 equivalent; 1 differences (listed); 2 bad input.
    """
    from coursekit.commands.common import olx_input_errors
    from coursekit.read.archive import opened
    from coursekit.read.compare import compare
    from coursekit.read.olx import read_course

    with olx_input_errors(), contextlib.ExitStack() as stack:
        course_a = read_course(stack.enter_context(opened(a)))
        course_b = read_course(stack.enter_context(opened(b)))
        differences = compare(course_a, course_b)
    if not differences:
        click.echo(f"equivalent: {course_a.block_count()} blocks, {len(course_a.static)} static files")
        return
    for diff in differences:
        click.echo(str(diff))
    click.echo(f"\n{count(len(differences), 'difference')}.")
    sys.exit(1)

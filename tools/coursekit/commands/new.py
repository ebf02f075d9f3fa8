"""coursekit new"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import click

TEMPLATE = "new_course"
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


def _key_part(value: str) -> str:
    if not NAME_RE.match(value):
        raise click.BadParameter("use letters, digits, '_', '.' and '-' only")
    return value


@click.command("new")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--org", required=True, callback=lambda c, p, v: _key_part(v), help="Organisation code, e.g. KEINO.")
@click.option("--number", required=True, callback=lambda c, p, v: _key_part(v), help="Course number, e.g. KIJH01.")
@click.option("--title", required=True, help="Course title.")
@click.option("--language", default="en", show_default=True,
              help="ISO 639-1 code of the course language (the template text is English).")
@click.option("--run", "run", default=None, callback=lambda c, p, v: v and _key_part(v),
              help="First run name (default: the current year).")
def command(directory: Path, org: str, number: str, title: str, language: str, run: str | None) -> None:
    """Start a new course in DIRECTORY from a small, buildable template.

    The template has course.yaml, an About page and one section with a
    lesson and a graded exam. Build it with `coursekit build --source DIRECTORY`.
    """
    if directory.exists() and any(directory.iterdir()):
        raise click.ClickException(f"{directory} exists and is not empty; choose a new folder")
    today = dt.date.today()
    values = {
        "org": org,
        "number": number,
        "title": title.replace('"', "'"),
        "language": language,
        "run": run or str(today.year),
        "start": today.isoformat(),
        "end": today.replace(year=today.year + 1, day=min(today.day, 28)).isoformat(),
    }
    template = resources.files("coursekit.templates").joinpath(TEMPLATE)
    directory.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".coursekit-new-", dir=directory.parent))
    try:
        with resources.as_file(template) as src:
            for path in sorted(Path(src).rglob("*")):
                rel = path.relative_to(src)
                target = work / rel
                if path.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if path.name == "course.yaml":
                    text = path.read_text(encoding="utf-8")
                    text = text.replace("{title}", '"' + values["title"] + '"')
                    for key, value in values.items():
                        text = text.replace("{" + key + "}", value)
                    target.write_text(text, encoding="utf-8")
                else:
                    shutil.copyfile(path, target)
        if directory.exists():
            directory.rmdir()
        os.replace(work, directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    click.echo(f"Created {directory}/ for course-v1:{org}+{number}+{values['run']}")
    click.echo(f"Next: edit {directory}/course.yaml, then `coursekit build --source {directory}`")

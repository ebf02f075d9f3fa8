"""coursekit new"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import click

TEMPLATE = "new_course"
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")  # as course.schema.json allows
TEMPLATE_LANGUAGES = ("en", "fi")
SUBSTITUTED = ("course_src/course.yaml", "README.md")  # files with @@placeholders@@
# Template files stored without their leading dot (package data globs skip dotfiles): name in the package -> in DIR
RENAMED = {"gitignore": ".gitignore", "pre-commit-config.yaml": ".pre-commit-config.yaml", "github": ".github"}
SOURCE = "course_src"

# The hooks of coursekit's own .pre-commit-hooks.yaml, for a course whose repository does not name coursekit's
# git URL (a test checks that they match).
LOCAL_HOOKS = """\
  # The hooks coursekit defines in its .pre-commit-hooks.yaml, run with the coursekit installed on this
  # machine. To let pre-commit install coursekit itself, replace this `local` entry with
  #   - repo: <the git URL of coursekit>
  #     rev: <a tag or commit of coursekit>
  #     hooks: [{id: coursekit-lint}, {id: coursekit-build-check}]
  # (`coursekit new --hooks-repo URL` writes that form).
  - repo: local
    hooks:
      - id: coursekit-lint
        name: coursekit lint
        entry: coursekit lint
        args: [--source, course_src]
        language: system
        pass_filenames: false
        files: ^course_src/(?!releases/)
      - id: coursekit-build-check
        name: coursekit build --check
        entry: coursekit build --check
        args: [--source, course_src]
        language: system
        pass_filenames: false
        files: ^course_src/(?!releases/)
"""

REMOTE_HOOKS = """\
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: coursekit-lint
      - id: coursekit-build-check
"""


def _key_part(value: str | None) -> str | None:
    if value is not None and not NAME_RE.match(value):
        raise click.BadParameter("use letters, digits, '_', '.' and '-' only")
    return value


def _title(value: str) -> str:
    if not value.strip():
        raise click.BadParameter("the title is empty")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029" for ch in value):
        raise click.BadParameter("the title must be one line, without control characters")
    return value


def _language(value: str) -> str:
    if not LANGUAGE_RE.match(value):
        raise click.BadParameter(f"{value!r} is not an ISO 639-1 code such as fi, en or sv-FI")
    return value


def yaml_string(value: str) -> str:
    """``value`` as a YAML double-quoted scalar: read back, it is exactly ``value`` (quotes, colons, # ...)."""
    return json.dumps(value, ensure_ascii=False)


def _hooks_rev(repo: str | None, rev: str | None) -> str:
    from coursekit import __version__

    if rev and not repo:
        raise click.UsageError("--hooks-rev goes with --hooks-repo")
    return rev or f"v{__version__}"


@click.command("new")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--org", required=True, callback=lambda c, p, v: _key_part(v), help="Organisation code, e.g. KEINO.")
@click.option("--number", required=True, callback=lambda c, p, v: _key_part(v), help="Course number, e.g. KIJH01.")
@click.option("--title", required=True, callback=lambda c, p, v: _title(v),
              help="Course title, kept exactly as written (quotes and colons included).")
@click.option("--language", default="en", show_default=True, callback=lambda c, p, v: _language(v),
              help="ISO 639-1 code of the course language. The template text is in Finnish for fi, "
                   "otherwise in English.")
@click.option("--run", "run", default=None, callback=lambda c, p, v: _key_part(v),
              help="First run name (default: the current year).")
@click.option("--hooks-repo", metavar="URL", default=None,
              help="Git URL of coursekit: .pre-commit-config.yaml then uses coursekit's hooks from there "
                   "(default: the same hooks, run with the coursekit installed here).")
@click.option("--hooks-rev", metavar="REV", default=None,
              help="With --hooks-repo: the tag or commit [default: v<version>].")
def command(directory: Path, org: str, number: str, title: str, language: str, run: str | None,
            hooks_repo: str | None, hooks_rev: str | None) -> None:
    """Start a new course repository in DIRECTORY from a small template that builds and lints clean.

    \b
    DIRECTORY/
      course_src/        the course: course.yaml, about/, one section with a lesson and a graded exam
      schemas/           JSON Schemas for editor completion (the YAML files' first line points here)
      .github/workflows/course.yml   CI: lint (annotations, SARIF), build, import on a tag
      .pre-commit-config.yaml        coursekit-lint and coursekit-build-check before each commit
      .gitignore, README.md

    Every id in the template is pinned. Then: cd DIRECTORY, coursekit lint, coursekit build.
    """
    from coursekit import __version__

    rev = _hooks_rev(hooks_repo, hooks_rev)
    if directory.exists() and any(directory.iterdir()):
        raise click.ClickException(f"{directory} exists and is not empty; choose a new folder")
    primary = language.split("-", 1)[0]
    template_language = primary if primary in TEMPLATE_LANGUAGES else "en"
    today = dt.date.today()
    run_name = run or str(today.year)
    yaml_values = {
        "org": yaml_string(org),
        "number": yaml_string(number),
        "title": yaml_string(title),
        "language": language,
        "run": yaml_string(run_name),
        "start": today.isoformat(),
        "end": today.replace(year=today.year + 1, day=min(today.day, 28)).isoformat(),
    }
    text_values = {"title_text": title, "org": org, "number": number, "run": run_name, "version": __version__}
    hooks = REMOTE_HOOKS.format(repo=yaml_string(hooks_repo), rev=yaml_string(rev)) if hooks_repo else LOCAL_HOOKS
    root = resources.files("coursekit.templates").joinpath(TEMPLATE)
    directory.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".coursekit-new-", dir=directory.parent))
    try:
        with resources.as_file(root) as src:
            for part in ("common", template_language):
                _copy_tree(Path(src) / part, work)
        with resources.as_file(resources.files("coursekit.schemas")) as schemas:
            (work / "schemas").mkdir()
            for schema in sorted(Path(schemas).glob("*.schema.json")):
                shutil.copyfile(schema, work / "schemas" / schema.name)
        _substitute(work / "course_src/course.yaml", yaml_values)
        _substitute(work / "README.md", text_values)
        _substitute(work / ".pre-commit-config.yaml", {"hooks": hooks.rstrip("\n")})
        if directory.exists():
            directory.rmdir()
        os.replace(work, directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    click.echo(f"Created {directory}/ for course-v1:{org}+{number}+{run_name}: the course is in "
               f"{directory}/{SOURCE}/")
    if template_language != primary:
        click.echo(f"note: there is no template in {language!r}: the text is in English; translate it")
    click.echo(f"Next: cd {directory}, then `coursekit serve` to see it, `coursekit lint`, `coursekit build`")


def _copy_tree(src: Path, dest: Path) -> None:
    for path in sorted(src.rglob("*")):
        if path.name == "__pycache__" or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(src)
        parts = [RENAMED.get(p, p) if i == 0 else p for i, p in enumerate(rel.parts)]
        target = dest.joinpath(*parts)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _substitute(path: Path, values: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    missing: list[str] = []

    def value(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            missing.append(match.group())
        return values.get(match.group(1), match.group())

    # one pass, so that a value containing "@@...@@" is never substituted again
    text = re.sub(r"@@([a-z_]+)@@", value, text)
    if missing:
        raise RuntimeError(f"template {path.name}: no value for {missing[0]}")
    path.write_text(text, encoding="utf-8")

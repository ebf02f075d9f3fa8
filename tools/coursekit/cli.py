"""The ``coursekit`` command line. Each command lives in ``coursekit/commands/``."""

from __future__ import annotations

import importlib
import pkgutil

import click

from coursekit import __version__, commands


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="coursekit")
def main() -> None:
    """coursekit: keep a course as YAML + Markdown in git, build it for Open edX.

    \b
    Typical use, from the repository root:
      coursekit build            compile course_src/ into olx_build/<org>-<number>-<run>.tar.gz
      coursekit build --run X    build another run defined in course.yaml
      coursekit new my_course    start a new course from a template

    The authoring format is described in docs/authoring.md.
    """


for _info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
    _module = importlib.import_module(f"{commands.__name__}.{_info.name}")
    if hasattr(_module, "command"):
        main.add_command(_module.command)

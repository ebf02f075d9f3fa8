"""The ``coursekit`` command line. Each command lives in ``coursekit/commands/``.

Command modules are imported only when their command runs (or ``--help``
lists them); they import the pipeline inside the command, so start-up costs
only what the command needs.
"""

from __future__ import annotations

import gc
import importlib

import click

from coursekit import __version__

COMMANDS = {  # command name -> module in coursekit.commands
    "adopt": "adopt",
    "build": "build",
    "diff": "diff",
    "import": "import_cmd",
    "lint": "lint",
    "new": "new",
    "pin": "pin",
    "preview": "preview",
    "serve": "serve",
    "stats": "stats",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        return importlib.import_module(f"coursekit.commands.{module}").command

    def invoke(self, ctx: click.Context) -> object:
        # The pipeline builds a large model and makes no reference cycles worth collecting (a test checks);
        # the collector's passes over the growing model would take a third of the load time.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return super().invoke(ctx)
        finally:
            if enabled:
                gc.enable()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="coursekit")
def main() -> None:
    """coursekit: keep a course as YAML + Markdown in git, build it for Open edX.

    \b
    Typical use, from the repository root:
      coursekit build            compile course_src/ into olx_build/<org>-<number>-<run>.tar.gz
      coursekit build --lint     the same, and check the course (what `make` runs)
      coursekit build --run X    build another run defined in course.yaml
      coursekit preview          write the course as a site learners' eyes see (olx_build/preview/)
      coursekit serve            the same, live on 127.0.0.1, reloading on every save
      coursekit new my_course    start a new course from a template
      coursekit pin              write the current ids into the sources, so renames keep learner state

    The authoring format is described in docs/authoring.md.
    """

"""Start-up stays cheap: each command imports only what it needs (measured by `make bench`, checked here)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

from coursekit import cli, commands
from coursekit.check import output
from coursekit.commands import lint

HEAVY = ("requests", "urllib3", "jsonschema", "lxml", "markdown_it", "yaml", "olxcleaner")


def _modules_after(args: list[str], tmp_path=None) -> set[str]:
    code = ("import json, sys\nfrom coursekit.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_every_command_module_is_registered() -> None:
    found = {}
    for info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"coursekit.commands.{info.name}")
        if hasattr(module, "command"):
            found[module.command.name] = info.name
    assert found == cli.COMMANDS


def test_lint_formats_match_the_renderer() -> None:
    assert lint.FORMATS == output.FORMATS


def test_help_imports_no_pipeline_library() -> None:
    loaded = _modules_after(["--help"])
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)
    pipeline = ("coursekit.load", "coursekit.emit", "coursekit.check", "coursekit.push.client",
                "coursekit.push.importer", "coursekit.build")
    assert not any(m.startswith(pipeline) for m in loaded)


def test_lint_does_not_import_the_http_clients(src, tmp_path) -> None:
    loaded = {m.split(".")[0] for m in _modules_after(["lint", "--source", str(src)], tmp_path)}
    assert "markdown_it" in loaded  # it did the work
    assert not loaded & {"requests", "urllib3"}

"""What the installed coursekit offers: its path and which `build` flags exist."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def coursekit_path() -> str:
    return shutil.which("coursekit", path=str(BIN)) or "coursekit"


def bench_env(cache_home: Path) -> dict[str, str]:
    """The environment for timed commands: a persistent cache of their own, not the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEKIT_")}
    env["XDG_CACHE_HOME"] = str(cache_home)
    return env


@dataclass
class Probe:
    coursekit: str
    no_cache: bool  # `build --no-cache` exists
    lint: bool  # `build --lint` exists

    def notes(self) -> list[str]:
        out = []
        if not self.no_cache:
            out.append("--no-cache not available: cold and warm are the same")
        if not self.lint:
            out.append("--lint not available: 'build + lint' is build then lint, two processes")
        return out


def probe() -> Probe:
    coursekit = coursekit_path()
    text = subprocess.run([coursekit, "build", "--help"], capture_output=True, text=True).stdout

    def has(flag: str) -> bool:
        return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text) is not None

    return Probe(coursekit, has("--no-cache"), has("--lint"))


def voikko_status() -> tuple[bool, str]:
    """(found, text), asked of coursekit's own spelling module in the venv's Python."""
    code = ("from coursekit.check.spelling import Voikko\n"
            "v, reason = Voikko.open('fi')\n"
            "print('found' if v is not None else 'missing: ' + reason)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    text = result.stdout.strip()
    if not text:
        text = "could not ask: " + (result.stderr.strip().splitlines() or ["no output"])[-1]
    return text == "found", text

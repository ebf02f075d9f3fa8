"""Helpers for the import tests: a tiny course, a fake server and a CLI runner that checks for secrets."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from fake_openedx.server import FakeOpenEdx

# Obviously fake, distinctive values: the tests assert they never appear in any output.
CLIENT_ID = "ckfake-client-id-3e8b1c"
CLIENT_SECRET = "ckfake-SECRET-must-not-leak-5d27a9"
STAFF_USER = "release_bot"
COURSE_ID = "course-v1:TEST+T101+r1"
ARCHIVE = "TEST-T101-r1.tar.gz"

TINY_COURSE: dict[str, str] = {
    "course.yaml": """\
org: TEST
number: T101
title: Tiny course
language: en
pacing: self
runs:
  r1:
    start: 2030-01-01
    end: 2030-12-31
    enrollment_start: 2029-12-01
grading:
  cutoff: 0.5
  assignment_types:
    - type: Exam
      short_label: EX
      weight: 1.0
      min_count: 1
      drop_count: 0
""",
    "01-intro/section.yaml": "title: Intro\n",
    "01-intro/01-welcome.md": """\
---
title: Welcome
---

## Hello

Some text.

## Practice

```{problem}
type: single-choice
weight: 0
question: Pick A.
choices:
  - text: A
    correct: true
    feedback: Right.
  - text: B
    feedback: Wrong.
```
""",
    "02-exam/section.yaml": "title: Exam\n",
    "02-exam/01-final.md": """\
---
title: Final exam
graded: Exam
---

## Question one

```{problem}
type: numerical
question: How much is 6 times 7?
answer: 42
```
""",
}


def make_course(root: Path, files: dict[str, str] | None = None) -> Path:
    for rel, text in (files or TINY_COURSE).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


class Harness:
    """One fake server, one course copy in tmp_path, and ``run()`` for ``coursekit import``."""

    def __init__(self, tmp_path: Path, edx: FakeOpenEdx, source: Path) -> None:
        self.tmp = tmp_path
        self.edx = edx
        self.source = source
        self.out = tmp_path / "olx_build"
        self.extra_secrets: list[str] = []

    @property
    def releases(self) -> Path:
        return self.source / "releases"

    def env(self, **over: str | None) -> dict[str, str | None]:
        env: dict[str, str | None] = {
            "COURSEKIT_LMS_URL": self.edx.lms_url,
            "COURSEKIT_CMS_URL": self.edx.cms_url,
            "COURSEKIT_CLIENT_ID": CLIENT_ID,
            "COURSEKIT_CLIENT_SECRET": CLIENT_SECRET,
            "COURSEKIT_CMS_TOKEN": None,
            "OLX_LMS_URL": None, "OLX_CMS_URL": None, "OLX_LMS_CLIENT_ID": None,
            "OLX_LMS_CLIENT_SECRET": None, "OLX_CMS_TOKEN": None,
            "COURSEKIT_IMPORT_CONFIG": None,
            "XDG_CONFIG_HOME": str(self.tmp / "xdg"),  # never the developer's own config
            "COURSEKIT_POLL_INTERVAL": "0.01",
            "COURSEKIT_RETRY_DELAY": "0.01",
            "COURSEKIT_READBACK_DELAY": "0.01",
            "COURSEKIT_IMPORT_TIMEOUT": "20",
        }
        env.update(over)
        return env

    def secrets(self) -> list[str]:
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        return [CLIENT_ID, CLIENT_SECRET, basic, *self.edx.issued, *self.extra_secrets]

    def run(self, *args: str, env: dict[str, str | None] | None = None, source: bool = True) -> Result:
        from coursekit.cli import main

        argv = ["import"]
        if source:
            argv += ["--source", str(self.source), "--out", str(self.out)]
        result = CliRunner().invoke(main, [*argv, *args], env=env or self.env(), catch_exceptions=True)
        exc = result.exception
        if exc is not None and not isinstance(exc, SystemExit):
            raise exc
        res = Result(result.exit_code, result.stdout, result.stderr)
        assert_no_secrets(res.text + (repr(exc) if exc else ""), self.secrets())
        return res


def assert_no_secrets(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text, "a secret appeared in the output"
        # no long piece of it either (e.g. a token cut in half)
        for piece in (secret[:16], secret[-16:]) if len(secret) >= 24 else ():
            assert piece not in text, "part of a secret appeared in the output"


@contextlib.contextmanager
def harness(tmp_path: Path, course: dict[str, str] | None = None, staff: bool = True,
            existing: bool = False, **fake: Any) -> Iterator[Harness]:
    """A running fake Open edX with the client and user set up, and a tiny course in tmp_path/src."""
    source = make_course(tmp_path / "src", course)
    with FakeOpenEdx(tmp_path / "server", **fake) as edx:
        edx.add_user(STAFF_USER, staff=staff)
        edx.add_client(CLIENT_ID, CLIENT_SECRET, STAFF_USER)
        if existing:
            edx.add_course(COURSE_ID, "Tiny course")
        yield Harness(tmp_path, edx, source)

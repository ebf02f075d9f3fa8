"""Shared test helpers: paths, building a course, reading the result."""

from __future__ import annotations

import json
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FEATURE = ROOT / "tests" / "fixtures" / "feature_course"
KEINO = ROOT / "course_src"
# The Open edX demo course (AGPL): beside the repository, never committed; tests that need it skip without it.
DEMO = ROOT.parent / "shared" / "data" / "openedx-demo-course" / "demo-course.tar.gz"


@pytest.fixture(autouse=True)
def _private_build_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with an empty build cache of its own, never one in the repository."""
    monkeypatch.setenv("COURSEKIT_CACHE_DIR", str(tmp_path_factory.mktemp("coursekit-cache")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))  # the signing key


@pytest.fixture
def feature_src() -> Path:
    return FEATURE


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """A copy of the feature fixture to break."""
    target = tmp_path / "course_src"
    shutil.copytree(FEATURE, target)
    return target


def edit(src: Path, rel: str, old: str | bytes, new: str | bytes) -> None:
    """Replace ``old`` (which must occur exactly once) with ``new`` in ``src/rel``."""
    path = src / rel
    data = path.read_bytes()
    old_b = old.encode() if isinstance(old, str) else old
    new_b = new.encode() if isinstance(new, str) else new
    assert data.count(old_b) == 1, f"{old!r} must occur once in {rel}"
    path.write_bytes(data.replace(old_b, new_b))


@dataclass(frozen=True)
class Bad:
    """One bad-input case: this edit makes the build fail first at ``where`` with ``code`` and ``says``."""

    name: str
    file: str
    old: str | bytes
    new: str | bytes
    where: str  # "file:line:" or "file:line:col"
    code: str
    says: str  # words the message must contain
    fix: str = ""  # words the fix must contain


def olxcleaner_findings(tree: Path, run: str, min_level: str = "ERROR") -> list[str]:
    """Run olxcleaner's validate (all 8 steps) and return findings at ``min_level`` or above."""
    from olxcleaner import validate
    from olxcleaner.exceptions import ErrorLevel

    policy = json.loads((tree / "policies" / run / "policy.json").read_text(encoding="utf-8"))
    allowed = [*policy[f"course/{run}"].get("advanced_modules", []), "word_cloud"]
    _course, errorstore, _ = validate(str(tree), steps=8, allowed_xblocks=allowed)
    threshold = ErrorLevel[min_level].value
    return [
        f"{e.level} {type(e).__name__} {e.filename}: {e.description}"
        for e in errorstore.errors
        if e.level_val >= threshold
    ]


def parse_xml(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def archive_members(path: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(path, "r:gz") as tar:
        return tar.getmembers()


def build_fails_at(src: Path, out: Path, mutate, where: str, code: str, says: str, fix: str = "") -> None:
    """Build ``src`` (must pass), ``mutate()`` it, build again: the first line must be the located error.

    Also: exit 1, no traceback, a `fix:`, the earlier output untouched, no temporary folder, and
    `lint --format json` reports the same finding as valid JSON.
    """
    from click.testing import CliRunner

    from coursekit.cli import main

    def outputs() -> dict[Path, bytes]:
        return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} if out.exists() else {}

    assert CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out)]).exit_code == 0
    before = outputs()
    mutate()
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "internal error" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"{src}/{where}"), result.output
    assert f" {code} error: " in first and says in first, result.output
    assert "    fix: " in result.output and fix in result.output
    assert outputs() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp")]

    lint = CliRunner().invoke(main, ["lint", "--source", str(src), "--no-olx", "--format", "json"])
    assert lint.exit_code == 1, lint.output
    found = [f for f in json.loads(lint.output)["findings"] if f["code"] == code and says in f["message"]]
    assert found and found[0]["hint"], lint.output


def built_html(src: Path, out: Path) -> str:
    """Build ``src`` into ``out`` (it must pass) and return the text of every .html and .xml file in the archive."""
    from click.testing import CliRunner

    from coursekit.cli import main

    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (archive,) = out.glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        return "\n".join(tar.extractfile(m).read().decode("utf-8")  # type: ignore[union-attr]
                         for m in tar.getmembers() if m.isfile() and m.name.endswith((".html", ".xml")))


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (the system's), or a skip that says what is missing."""
    from browser import launched

    with launched() as b:
        yield b

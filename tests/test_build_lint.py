"""`coursekit build --lint` (what `make` runs): one load and one emit give both jobs' results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FEATURE, KEINO, ROOT
from coursekit.cli import main
from coursekit.emit import TARGETS

LINT_BASE = ROOT / "tests" / "fixtures" / "lint" / "base"


@pytest.mark.parametrize("root", [KEINO, FEATURE, LINT_BASE], ids=["keino", "feature", "lint-base"])
def test_same_archive_and_findings_as_build_then_lint(root: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    alone = runner.invoke(main, ["build", "--source", str(root), "--out", str(tmp_path / "a")])
    lint_alone = runner.invoke(main, ["lint", "--source", str(root), "--no-color"])
    emits: list[str] = []
    real_emit = TARGETS["olx"].emit

    def counting(course, run, source):
        emits.append(run)
        return real_emit(course, run, source)

    monkeypatch.setattr(TARGETS["olx"], "emit", counting)
    both = runner.invoke(main, ["build", "--lint", "--source", str(root), "--out", str(tmp_path / "b")])
    assert alone.exit_code == 0, alone.output
    assert both.exit_code == lint_alone.exit_code, both.output
    assert len(emits) == 1  # the output stage validated what the build emitted
    for name in ("tar.gz", "manifest.json"):
        a = next((tmp_path / "a").glob(f"*.{name}")).read_bytes()
        b = next((tmp_path / "b").glob(f"*.{name}")).read_bytes()
        assert a == b, name
    lint_lines = lint_alone.stdout.splitlines()
    assert both.stdout.splitlines()[-len(lint_lines):] == lint_lines


def test_errors_stop_the_build_and_are_all_reported(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    sub = next(src.glob("0*/0*.md"))
    sub.write_text(sub.read_text(encoding="utf-8") + "\n```{problem}\ntype: numerical\nquestion: [unclosed\n```\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--lint", "--source", str(src), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{sub.name}:" in result.stdout and "error" in result.stdout
    assert "Nothing was built" in result.stderr
    assert not out.exists() or not any(out.iterdir())
    assert "Traceback" not in result.output


def test_a_lint_error_fails_after_building(src: Path, tmp_path: Path) -> None:
    """A finding only lint makes (the built OLX, X80x) does not stop the archive, but the exit status is 1."""
    runner = CliRunner()
    lint = runner.invoke(main, ["lint", "--source", str(src), "--format", "json"])
    data = json.loads(lint.stdout)
    both = runner.invoke(main, ["build", "--lint", "--strict", "--source", str(src), "--out", str(tmp_path / "o")])
    assert next((tmp_path / "o").glob("*.tar.gz")).is_file()
    assert both.exit_code == (1 if data["summary"]["warning"] or data["summary"]["error"] else 0)


def test_strict_needs_lint(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--strict", "--source", str(FEATURE), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--strict goes with --lint" in result.output

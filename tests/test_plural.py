"""Counts in messages read as English: "1 section", "2 sections", never "1 sections" or "error(s)"."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coursekit.cli import main
from coursekit.plural import count
from fake_openedx.testing import TINY_COURSE, make_course

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "coursekit"


@pytest.mark.parametrize(("n", "word", "text"), [
    (0, "section", "0 sections"), (1, "section", "1 section"), (2, "section", "2 sections"),
    (1, "info", "1 info"), (3, "info", "3 info"), (2, "match", "2 matches"), (2, "entry", "2 entries"),
    (2, "day", "2 days"), (1, "uncommitted change", "1 uncommitted change"), (2, "box", "2 boxes"),
])
def test_count(n: int, word: str, text: str) -> None:
    assert count(n, word) == text


def one_section_course(tmp_path: Path) -> Path:
    files = {k: v for k, v in TINY_COURSE.items() if not k.startswith("02-exam")}
    files["course.yaml"] = files["course.yaml"][: files["course.yaml"].index("grading:")]
    return make_course(tmp_path / "src", files)


def test_build_summary_of_a_one_section_course(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["build", "--source", str(one_section_course(tmp_path)),
                                    "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "blocks    1 section, 1 subsection, 2 units, 2 components (html 1, problem 1)" in res.output


def test_error_count_of_a_failed_build(tmp_path: Path) -> None:
    src = one_section_course(tmp_path)
    welcome = src / "01-intro" / "01-welcome.md"
    welcome.write_text(welcome.read_text().replace("    correct: true\n", ""))
    res = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1
    assert "\n1 error; nothing was written." in res.stderr


def test_lint_summary_counts(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["lint", "--source", str(one_section_course(tmp_path)), "--no-color"])
    [summary] = [line for line in res.output.splitlines() if " rules, " in line]
    assert re.search(r"\(\d+ rules, 3 files\)$", summary), summary
    for n, _word, s in re.findall(r"(\d+) (error|warning)(s?)\b", summary):
        assert (s == "") == (n == "1"), summary


def test_no_count_with_a_parenthesised_plural_in_the_sources() -> None:
    """The grep the issue asked for, kept: a message like "{n} block(s)" is spelled with count()."""
    pattern = re.compile(r"\{[^{}]+\} [a-z]+(?: [a-z]+)?\(s\)")
    found = [f"{path.relative_to(TOOLS)}:{n}: {line.strip()}"
             for path in sorted(TOOLS.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []

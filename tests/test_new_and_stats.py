"""`coursekit new` makes a buildable course; `coursekit stats` counts what learners get."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import FEATURE
from coursekit.cli import main


def test_new_course_builds(tmp_path: Path) -> None:
    target = tmp_path / "uusi"
    result = CliRunner().invoke(main, ["new", str(target), "--org", "ORG", "--number", "N1",
                                       "--title", 'Kurssi "testi"', "--run", "2020"])
    assert result.exit_code == 0, result.output
    assert "course-v1:ORG+N1+2020" in result.output
    built = CliRunner().invoke(main, ["build", "--source", str(target / "course_src"), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "out" / "ORG-N1-2020.tar.gz").is_file()


def test_new_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new", str(tmp_path / "x"), "--org", "O", "--number", "N", "--title", "T"])
    assert result.exit_code != 0 and "not empty" in result.output
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


def test_new_rejects_bad_key_parts(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", str(tmp_path / "y"), "--org", "O R", "--number", "N", "--title", "T"])
    assert result.exit_code == 2 and "letters, digits" in result.output
    assert not (tmp_path / "y").exists()


def test_stats_of_the_feature_course() -> None:
    result = CliRunner().invoke(main, ["stats", "--source", str(FEATURE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    basics, media = data["sections"]
    assert basics["title"] == "Perusteet"
    assert basics["units"] == 4 and basics["figures"] == 1
    assert basics["questions_by_type"] == {"dropdown": 1, "multiple-choice": 1, "numerical": 2,
                                           "single-choice": 2, "text": 2}
    assert basics["graded_questions"] == 7  # the homework subsection: 6 + the scored quiz question
    assert media["discussions"] == 1 and media["videos"] == 1
    assert media["other_blocks"] == {"drag-and-drop-v2": 1, "poll": 1, "survey": 1, "word_cloud": 1}
    assert basics["words"] == 38  # by hand: text with the English span, headings, cells, footnote
    assert data["effort_hours"] > 0


def test_stats_text_table() -> None:
    result = CliRunner().invoke(main, ["stats", "--source", str(FEATURE)])
    assert result.exit_code == 0, result.output
    assert "Perusteet" in result.output and "Estimated effort" in result.output

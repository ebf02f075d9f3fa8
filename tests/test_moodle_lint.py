"""The Moodle stage (M901-M903): what the Moodle target cannot carry, reported only for that target."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import FEATURE, KEINO
from coursekit.cli import main


def _findings(root, *extra: str) -> list[dict]:
    result = CliRunner().invoke(main, ["lint", "--source", str(root), "--format", "json", "--no-olx", *extra])
    return [f for f in json.loads(result.stdout)["findings"] if f["code"].startswith("M9")]


def test_only_for_the_moodle_target() -> None:
    assert _findings(FEATURE) == []
    assert _findings(FEATURE, "--target", "olx") == []
    assert _findings(FEATURE, "--target", "imscc") == _findings(FEATURE, "--target", "all") != []


def test_each_loss_is_named_at_its_component() -> None:
    found = _findings(FEATURE, "--target", "imscc")
    by_code: dict[str, list[dict]] = {}
    for f in found:
        by_code.setdefault(f["code"], []).append(f)
    raw = {f["message"].split()[1] for f in by_code["M901"]}
    assert raw == {"drag-and-drop-v2", "poll", "survey", "word_cloud"}
    assert all(f["file"].endswith(".md") and f["line"] > 1 for f in by_code["M901"])
    messages = " ".join(f["message"] for f in by_code["M902"])
    for words in ("regular expression", "left unselected", "combinations", "all or nothing", "hints"):
        assert words in messages
    bank = {f["message"].split("'")[1] for f in by_code["M903"]}
    assert {"drop", "numeric", "quiz-q2", "exam-q2"} <= bank
    assert {f["severity"] for f in by_code["M903"]} == {"info"}


def test_build_for_moodle_with_lint_reports_them(tmp_path) -> None:
    result = CliRunner().invoke(main, ["build", "--target", "imscc", "--lint", "--source", str(KEINO),
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "M903 info" in result.stdout and "M901 warning" in result.stdout


def test_quiz_attempts_and_marks_are_named_at_their_field() -> None:
    found = {(f["file"].rsplit("/", 1)[-1], f["line"]): f["message"]
             for f in _findings(FEATURE, "--target", "imscc") if f["code"] == "M902"}
    attempts = found[("02-problems.md", 81)]  # `max_attempts: 5` of 'numeric'; the subsection's quiz allows 3
    assert "'numeric'" in attempts and "5 attempts" in attempts and "allows 3 attempts" in attempts
    weight = found[("02-problems.md", 39)]  # `weight: 2` of 'single-one', in the cartridge quiz
    assert "'single-one'" in weight and "weight 2" in weight and "mark 1" in weight
    # KEINO: one max_attempts per subsection, no weights: nothing to say about attempts or marks
    keino = " ".join(f["message"] for f in _findings(KEINO, "--target", "imscc") if f["code"] == "M902")
    assert "attempts per quiz" not in keino and "mark 1" not in keino

"""Bad sources fail the build with file:line, a non-zero exit, no traceback and no output written."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FEATURE
from coursekit.cli import main


@pytest.fixture
def src(tmp_path: Path) -> Path:
    target = tmp_path / "course_src"
    shutil.copytree(FEATURE, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def malformed_course_yaml(src: Path) -> None:
    _replace(src / "course.yaml", "title: Feature fixture course", "title: Feature: fixture: [course")


def malformed_front_matter(src: Path) -> None:
    _replace(src / "01-basics" / "01-intro.md", "title: Johdanto", "title: [Johdanto")


def malformed_problem_yaml(src: Path) -> None:
    _replace(src / "01-basics" / "02-problems.md", "id: drop\n", "id: drop\n  bad: indent: here\n")


def missing_image(src: Path) -> None:
    _replace(src / "01-basics" / "01-intro.md", "images/diagram.svg", "images/Diagram.svg")


def missing_quiz_file(src: Path) -> None:
    _replace(src / "01-basics" / "02-problems.md", "file: quiz.yaml", "file: kysely.yaml")


def duplicate_id(src: Path) -> None:
    _replace(src / "01-basics" / "02-problems.md", "id: drop\n", "id: multi\n")


def unknown_component(src: Path) -> None:
    _replace(src / "01-basics" / "02-problems.md", "```{problem}\ntype: dropdown", "```{probelm}\ntype: dropdown")


def no_correct_answer(src: Path) -> None:
    _replace(src / "01-basics" / "02-problems.md", "  - text: Kaksi\n    correct: true\n", "  - text: Kaksi\n")


def path_escaping_source(src: Path) -> None:
    (src.parent / "secret.svg").write_text("<svg/>")
    _replace(src / "01-basics" / "01-intro.md", "../static/images/diagram.svg", "../../secret.svg")


def quiz_escaping_source(src: Path) -> None:
    (src.parent / "secret.yaml").write_text("problems: []\n")
    _replace(src / "01-basics" / "02-problems.md", "file: quiz.yaml", "file: ../../secret.yaml")


def symlink_out_of_source(src: Path) -> None:
    (src.parent / "outside.png").write_bytes(b"\x89PNG")
    os.symlink(src.parent / "outside.png", src / "static" / "images" / "leak.png")


def non_utf8_file(src: Path) -> None:
    path = src / "01-basics" / "01-intro.md"
    path.write_bytes(path.read_bytes().replace("Tämä on".encode(), "Tämä on".encode("latin-1")))


def unknown_key(src: Path) -> None:
    _replace(src / "01-basics" / "02-problems.md", "graded: Homework", "grded: Homework")


def text_before_first_unit(src: Path) -> None:
    _replace(src / "01-basics" / "01-intro.md", "---\n\n## Tervetuloa", "---\n\nIrrallinen kappale.\n\n## Tervetuloa")


def bad_raw_olx(src: Path) -> None:
    _replace(src / "02-media" / "01-video.md", '<word_cloud display_name="Sanapilvi"',
             '<word_cloud display_name="Sanapilvi"><b>')


CASES: list[tuple[Callable[[Path], None], str, str]] = [
    # (mutation, expected "file:line" prefix, expected code)
    (malformed_course_yaml, "course.yaml:5:", "E001"),
    (malformed_front_matter, "01-basics/01-intro.md:2:", "E001"),  # where the [ opens
    (malformed_problem_yaml, "01-basics/02-problems.md:64:", "E001"),
    (missing_image, "01-basics/01-intro.md:10:", "E003"),
    (missing_quiz_file, "01-basics/02-problems.md:108:", "E003"),
    (duplicate_id, "01-basics/02-problems.md:63:", "E006"),
    (unknown_component, "01-basics/02-problems.md:61:", "E007"),
    (no_correct_answer, "01-basics/02-problems.md:62:", "P301"),
    (path_escaping_source, "01-basics/01-intro.md:10:", "E004"),
    (quiz_escaping_source, "01-basics/02-problems.md:108:", "E004"),
    (symlink_out_of_source, "static/images/leak.png:1:", "E004"),
    (non_utf8_file, "01-basics/01-intro.md:8:", "E002"),
    (unknown_key, "01-basics/02-problems.md:3:", "E005"),
    (text_before_first_unit, "01-basics/01-intro.md:6:", "E009"),
    (bad_raw_olx, "02-media/01-video.md:", "E008"),
]


@pytest.mark.parametrize(("mutate", "where", "code"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_input_fails_cleanly(src: Path, tmp_path: Path, mutate, where: str, code: str) -> None:
    out = tmp_path / "olx_build"
    # A previous good build must survive a failed one untouched.
    first = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out)])
    assert first.exit_code == 0, first.output
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    mutate(src)
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out)])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if re.search(rf"\b{code}\b", line)]
    assert lines, result.output
    assert any(f"course_src/{where}" in line for line in lines), result.output
    assert "fix:" in result.output
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp")]


def test_no_archive_when_the_first_build_fails(src: Path, tmp_path: Path) -> None:
    no_correct_answer(src)
    out = tmp_path / "olx_build"
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out)])
    assert result.exit_code == 1
    assert not list(out.glob("*.tar.gz")) if out.exists() else True


def test_missing_source_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--source", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_unknown_run(src: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(tmp_path), "--run", "2030"])
    assert result.exit_code == 1
    assert "run '2030' is not defined" in result.output and "2019_spring" in result.output

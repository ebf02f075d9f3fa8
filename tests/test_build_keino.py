"""The KEINO course builds into valid OLX and meets the content plan's numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import KEINO, archive_members, olxcleaner_findings, parse_xml
from coursekit.build import build, load_checked
from coursekit.model import Problem
from coursekit.stats import course_stats, effort_hours

RUN = "2019_kesa"
PARTS = [
    "Taustat ja perustelut",
    "Kestävät ja innovatiiviset hankinnat joukkuelajina",
    "Tavoitteiden asettaminen ja vaikuttavuus",
    "Reunaehdot ja vaihtoehtojen kartoitus",
    "Keskeiset keinot",
    "Mittaaminen, arviointi ja seuranta",
    "Tuki, palvelut ja lisätiedot",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build(KEINO, tmp_path_factory.mktemp("keino"), keep_tree=True)


def test_olxcleaner_finds_no_errors(built) -> None:
    assert olxcleaner_findings(built.tree, RUN) == []


def test_course_id_read_by_olx_utils(built) -> None:
    from olxutils.upload import UploadHelper

    helper = UploadHelper("https://studio.example.invalid", str(built.archive), token="x")
    assert helper.course_id_from_archive() == "course-v1:KEINO+KIJH01+2019_kesa"


def test_reproducible_and_safe(built, tmp_path: Path) -> None:
    again = build(KEINO, tmp_path)
    assert again.archive.read_bytes() == built.archive.read_bytes()
    for member in archive_members(built.archive):
        assert member.name.split("/")[0] == "KEINO-KIJH01-2019_kesa"
        assert member.isfile() or member.isdir()


def test_structure_is_the_seven_part_plan_plus_exam(built) -> None:
    root = parse_xml(built.tree / "course" / f"{RUN}.xml")
    titles = [parse_xml(built.tree / "chapter" / f"{c.get('url_name')}.xml").get("display_name") for c in root]
    assert titles == [*PARTS, "Loppukoe ja palaute"]


def test_every_part_meets_the_content_plan() -> None:
    course, _ = load_checked(KEINO)
    stats = course_stats(course)
    for part in stats[:7]:
        assert part.words >= 1500, part.title
        assert part.figures >= 1, part.title
        assert part.question_count >= 5, part.title
        kinds = set(part.questions)
        assert {"single-choice", "multiple-choice", "dropdown", "numerical"} <= kinds, part.title
        assert part.discussions >= 1, part.title
    exam = stats[7]
    assert exam.graded_questions == 40
    assert 4 <= effort_hours(stats) <= 10


def test_one_effort_estimate_everywhere() -> None:
    """course.yaml, the About page and `coursekit stats` give the same figure (rounded to the hour)."""
    course, _ = load_checked(KEINO)
    hours = round(effort_hours(course_stats(course)))
    assert course.about.effort == f"{hours}:00"
    overview = (KEINO / "about" / "overview.md").read_text(encoding="utf-8")
    assert f"Arvioitu työmäärä: noin {hours} tuntia" in overview


def test_the_exam_gives_nothing_away_before_the_last_attempt() -> None:
    """One attempt, the answer only when finished, no hints, every single-choice item shuffled."""
    course, _ = load_checked(KEINO)
    exam = [sub for s in course.sections for sub in s.subsections if sub.graded == "Loppukoe"]
    assert len(exam) == 1 and exam[0].settings.get("max_attempts") == 1
    assert exam[0].settings.get("showanswer") == "finished"
    problems = [c for unit in exam[0].units for c in unit.components if isinstance(c, Problem)]
    assert len(problems) == 40
    assert not any(p.hints for p in problems)
    assert all(p.shuffle for p in problems if p.kind == "single-choice")


def test_exam_is_graded_and_every_choice_has_feedback() -> None:
    course, _ = load_checked(KEINO)
    assert course.grading is not None and course.grading.cutoff == 0.7
    assert course.certificates is not None and course.certificates.enabled
    graded = [sub for _, sub in course.subsections() if sub.graded]
    assert [s.graded for s in graded] == ["Loppukoe"]
    from coursekit.model import Problem

    for *_, comp in course.components():
        if isinstance(comp, Problem):
            assert comp.explanation, comp.id
            for choice in comp.choices:
                assert choice.feedback, f"{comp.id}: {choice.text.text}"


def test_about_page_states_the_cutoff_and_makers(built) -> None:
    overview = (built.tree / "about" / "overview.html").read_text(encoding="utf-8")
    assert "70 prosenttia" in overview
    assert "HAUS" in overview and "KEINO" in overview


def test_glossary_has_at_least_25_terms() -> None:
    text = (KEINO / "pages" / "sanasto.md").read_text(encoding="utf-8")
    terms = re.findall(r"^### ", text, flags=re.M) or re.findall(r"^\| \*\*", text, flags=re.M)
    assert len(terms) >= 25


def test_later_facts_are_marked_as_dated_notes() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in KEINO.rglob("*.md"))
    assert "KEINO" in text
    for later in ("47 miljardia", "2024"):
        for line in text.splitlines():
            if later in line and "Päivitys" not in line and not line.lstrip().startswith(("|", "-", ">")):
                pytest.fail(f"{later!r} outside a dated note: {line[:120]}")

"""Shared test helpers: paths, building a course, reading the result."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FEATURE = ROOT / "tests" / "fixtures" / "feature_course"
KEINO = ROOT / "course_src"


@pytest.fixture
def feature_src() -> Path:
    return FEATURE


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

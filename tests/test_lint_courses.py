"""The feature fixture and the KEINO course lint without errors (warnings are allowed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coursekit.check.runner import LintRequest, lint
from coursekit.diagnostics import Severity

ROOT = Path(__file__).resolve().parent.parent
COURSES = {
    "feature_course": ROOT / "tests" / "fixtures" / "feature_course",
    "keino": ROOT / "course_src",
}


@pytest.mark.parametrize("name", sorted(COURSES))
def test_course_has_no_lint_errors(name: str) -> None:
    source = COURSES[name]
    result = lint(LintRequest(source=source))
    errors = [d.format(str(source)) for d in result.diagnostics if d.severity >= Severity.ERROR]
    assert errors == [], "\n".join(errors)
    assert "output" in result.stages  # the built OLX was checked too


def test_release_records_are_not_course_content(tmp_path: Path) -> None:
    src = tmp_path / "course_src"
    shutil.copytree(COURSES["feature_course"], src)
    record = src / "releases" / "studio.example.org" / "FEAT+F101+2019_spring" / "20190304T000000Z.json"
    record.parent.mkdir(parents=True)
    record.write_text("{}")
    (src / "stray.md").write_text("luonnos\n")
    result = lint(LintRequest(source=src, olx=False))
    unused = [d.loc.file for d in result.diagnostics if d.code == "S105"]
    assert unused == ["stray.md"]


def test_keino_lints_with_no_findings_at_all() -> None:
    """Warnings too: the exam-fairness rules (G207, G208), long alts (A505), unmarked English (W702)."""
    source = COURSES["keino"]
    result = lint(LintRequest(source=source))
    findings = [d.format(str(source)) for d in result.diagnostics if d.severity >= Severity.WARNING]
    assert findings == [], "\n".join(findings)

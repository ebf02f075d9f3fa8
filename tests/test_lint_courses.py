"""The feature fixture and the KEINO course lint without errors (warnings are allowed)."""

from __future__ import annotations

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
    if not (source / "course.yaml").is_file():
        pytest.skip(f"{source} is not there yet")
    result = lint(LintRequest(source=source))
    errors = [d.format(str(source)) for d in result.diagnostics if d.severity >= Severity.ERROR]
    assert errors == [], "\n".join(errors)
    assert "output" in result.stages  # the built OLX was checked too

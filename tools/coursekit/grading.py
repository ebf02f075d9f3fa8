"""Grading semantics the targets share, so an Open edX problem and its Moodle copy grade alike.

Open edX (CAPA) reads a numerical tolerance as an absolute number or as ``N%`` of the answer;
Moodle wants an absolute tolerance. Open edX grades checkbox problems all or nothing; Moodle's
multichoice adds up per-answer fractions (clamped to 0..100 %), so the closest it comes is
100/n % for each of the n correct answers and -100 % for each wrong one: any wrong tick scores 0,
as in Open edX; an incomplete but right selection gets partial credit (reported as a loss).
Moodle accepts only fractions on its grade list.
"""

from __future__ import annotations

MOODLE_GRADES = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0,
                 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0)


def tolerance_abs(answer: object, tolerance: object) -> float:
    """The absolute tolerance CAPA applies: a number, or ``N%`` of the answer."""
    if tolerance is None:
        return 0.0
    text = str(tolerance).strip()
    if text.endswith("%"):
        return abs(float(answer)) * float(text[:-1]) / 100  # type: ignore[arg-type]
    return abs(float(text))


def on_grade_list(percent: float) -> float:
    """``percent`` as the value on Moodle's grade list (or its negative) it stands for."""
    sign = -1.0 if percent < 0 else 1.0
    for grade in MOODLE_GRADES:
        if abs(abs(percent) - grade) < 0.0001:
            return sign * grade
    raise ValueError(f"{percent:g} % is not on Moodle's grade list")


def choice_fractions(correct: list[bool]) -> list[float]:
    """Per-answer fractions (percent) for a multiple-answer question, see the module docstring."""
    n = sum(correct)
    if n == 0:
        raise ValueError("a multiple-choice problem needs a correct choice")
    share = on_grade_list(round(100 / n, 5))
    return [share if ok else -100.0 for ok in correct]

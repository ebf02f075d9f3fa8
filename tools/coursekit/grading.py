"""Grading semantics the targets share, so an Open edX problem and its Moodle copy grade alike.

Numerical tolerance (Open edX CAPA, ``capa/util.py`` ``compare_with_tolerance``): a number is an
absolute tolerance; ``N%`` is N percent of the *author's* answer; no tolerance at all means CAPA's
default ``0.001%`` (relative). An answer written as a range ``[a, b]`` or ``(a, b)`` ignores the
tolerance. Moodle's numerical question wants one value and an absolute tolerance:
:func:`numerical_target` gives both.

Multiple choice: Open edX grades a checkbox problem all or nothing (exactly the right set, or 0).
Moodle's multichoice adds up per-answer fractions and clamps the sum to 0..100 %. The closest it
comes (:func:`choice_fractions`): each of the n right answers gets 100/n %, each wrong one -100 %,
so any wrong tick scores 0, as in Open edX. What Moodle cannot copy: a selection with some but not
all of the right answers and no wrong one gets partial credit (n-1 of 3 right -> 66.67 %).
(An all-or-nothing multichoice exists only as a plug-in, qtype_multichoiceset, not in core.)

Moodle accepts only fractions on its grade list (one fraction off the list makes the import refuse
the whole file): every fraction goes through :func:`on_grade_list`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coursekit.model import Problem

MOODLE_GRADES = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0,
                 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0)
CAPA_DEFAULT_TOLERANCE = "0.001%"  # what CAPA uses when a problem names none
WRONG_CHOICE = -100.0  # one wrong tick cancels all credit
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^([\[(])\s*({_NUMBER})\s*,\s*({_NUMBER})\s*([\])])$")


def on_grade_list(percent: float) -> float:
    """The value of Moodle's grade list (or its negative) nearest ``percent``; ValueError if none is within 0.0001."""
    sign = -1.0 if percent < 0 else 1.0
    nearest = min(MOODLE_GRADES, key=lambda grade: abs(abs(percent) - grade))
    if abs(abs(percent) - nearest) > 0.0001:
        raise ValueError(f"{percent:g} % is not on Moodle's grade list")
    return sign * nearest if nearest else 0.0


def answer_range(answer: object) -> tuple[float, float, bool, bool] | None:
    """(low, high, low included, high included) for a CAPA range answer such as ``[10, 20)``, else None."""
    match = _RANGE.match(str(answer).strip()) if isinstance(answer, str) else None
    if not match:
        return None
    low, high = sorted((float(match[2]), float(match[3])))
    return low, high, match[1] == "[", match[4] == "]"


def tolerance_abs(answer: object, tolerance: object) -> float:
    """The absolute tolerance a written ``tolerance`` means around ``answer``: a number, or ``N%`` of the answer.

    None (no tolerance written) gives 0; :func:`numerical_target` applies CAPA's default instead.
    """
    if tolerance is None:
        return 0.0
    if isinstance(tolerance, bool):
        raise ValueError(f"tolerance {tolerance!r} is not a number")
    text = str(tolerance).strip()
    if text.endswith("%"):
        return abs(float(answer)) * float(text[:-1].strip()) / 100  # type: ignore[arg-type]
    return abs(float(text))


def numerical_target(answer: object, tolerance: object) -> tuple[float, float]:
    """(value, absolute tolerance) that accept what CAPA accepts for this answer (a range becomes its middle).

    Without a tolerance CAPA uses 0.001 % (of the larger of the two numbers compared: the difference
    from 0.001 % of the answer is below a millionth of the answer).
    """
    span = answer_range(answer)
    if span is not None:
        low, high, *_ = span
        return (low + high) / 2, (high - low) / 2
    written = CAPA_DEFAULT_TOLERANCE if tolerance is None else tolerance
    return float(answer), tolerance_abs(answer, written)  # type: ignore[arg-type]


def _shares(n: int) -> list[float]:
    """Fractions on the grade list for n right answers, adding up to 100 % (Moodle checks the sum)."""
    if 1 <= n <= 10:
        return [on_grade_list(round(100 / n, 5))] * n
    if n <= 20:
        # no equal share exists: 20 - n answers get 10 %, the rest 5 % (10k + 5(n-k) = 100)
        return [10.0] * (20 - n) + [5.0] * (2 * n - 20)
    raise ValueError(f"{n} right answers cannot share 100 % on Moodle's grade list (at most 20)")


def choice_fractions(problem: Problem | Sequence[bool]) -> list[float]:
    """Per-choice fractions (percent) for a multiple-choice problem (or its list of correct flags).

    Right choices share 100 % (1/n each), wrong ones get -100 %: see the module docstring.
    """
    correct = [c.correct for c in problem.choices] if isinstance(problem, Problem) else list(problem)
    n = sum(correct)
    if n == 0:
        raise ValueError("a multiple-choice problem needs a correct choice")
    shares = iter(_shares(n))
    return [next(shares) if ok else WRONG_CHOICE for ok in correct]


def wildcard_of_regexp(pattern: str) -> str | None:
    """A Moodle short-answer pattern (``*`` wildcard, ``\\*`` a literal star) matching what the regexp does.

    CAPA anchors a text answer's regexp at both ends. Only literal text and ``.*`` translate;
    anything else (classes, alternation, repetition) gives None.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith(".*", i):
            out.append("*")
            i += 2
        elif ch == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            out.append("\\*" if pattern[i + 1] == "*" else pattern[i + 1])
            i += 2
        elif ch in ".^$*+?()[]{}|\\":
            return None
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def literal_wildcard(text: str) -> str:
    """``text`` as a Moodle short-answer pattern that matches it literally (a ``*`` is a wildcard there)."""
    return text.replace("*", "\\*")

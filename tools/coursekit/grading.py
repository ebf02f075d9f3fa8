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


# -- the preview's answer key ------------------------------------------------------------------
# The preview grades in the browser (emit/preview/assets/grade.js). Everything CAPA decides from
# the problem alone is decided here, in the same float operations CAPA does, and handed to the
# browser as data; the script only compares the learner's input with it, as CAPA compares.

CAPA_RELATIVE_DEFAULT = 0.001 * 0.01  # evaluator("0.001") * 0.01, relative to max(|student|, |author|)


def _float_text(value: float) -> str:
    """A float as Python's str gives it: CAPA compares ``Decimal(str(x))``; the script parses this text."""
    return str(float(value))


def answer_key(problem: Problem) -> dict[str, object]:
    """What the browser needs to grade ``problem`` as Open edX's CAPA would, as JSON-ready data."""
    kind = problem.kind
    if kind in ("single-choice", "multiple-choice", "dropdown"):
        return {"kind": kind, "correct": [i for i, c in enumerate(problem.choices) if c.correct]}
    if kind == "numerical":
        span = answer_range(problem.answer)
        if span is not None:
            low, high, low_in, high_in = span
            return {"kind": kind, "range": [_float_text(low), _float_text(high)], "inclusion": [low_in, high_in]}
        answer = float(problem.answer)  # type: ignore[arg-type]
        if problem.tolerance is None:
            return {"kind": kind, "answer": _float_text(answer), "relative": _float_text(CAPA_RELATIVE_DEFAULT)}
        text = str(problem.tolerance).strip()
        # CAPA: "N%" is N * 0.01 * |the author's answer|
        tolerance = float(text[:-1]) * 0.01 * abs(answer) if text.endswith("%") else float(text)
        return {"kind": kind, "answer": _float_text(answer), "tolerance": _float_text(tolerance)}
    if kind == "text":
        answers = [str(a).strip() for a in (problem.answer, *problem.alternatives)]
        key: dict[str, object] = {"kind": kind, "answers": answers, "ci": not problem.case_sensitive,
                                  "regexp": problem.regexp}
        if problem.regexp:
            # CAPA joins the answers into one expression: '^' + '|'.join(answers) + '$' (so '^' binds
            # only the first and '$' only the last; the preview keeps that quirk, learners meet it).
            key["pattern"] = js_regexp("^" + "|".join(answers) + "$")
            key["hint_patterns"] = [js_regexp("^" + w.answer.strip() + "$") for w in problem.wrong_answers]
        key["hints"] = [w.answer.strip() for w in problem.wrong_answers]
        return key
    raise ValueError(f"no answer key for a {kind} problem")


_JS_SYNTAX = set("^$\\.*+?()[]{}|/")
_CLASSES = {"w": r"\p{L}\p{N}_", "d": r"\p{Nd}"}  # Python's str patterns are Unicode-aware; JS's \w, \d are not


def js_regexp(pattern: str) -> str | None:
    """A JavaScript (``u`` flag) pattern matching what Python's ``re`` matches for ``pattern``, or None.

    Translates what differs: Unicode ``\\w``/``\\d``/``\\W``/``\\D``, ``(?P<name>``, ``(?P=name)``, and
    escapes of characters that ``u`` mode refuses to see escaped. Inline flags, ``\\A``, ``\\Z``,
    lookbehind and conditionals give None (the preview then says it cannot check the problem).
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            i += 2
            if nxt in _CLASSES or nxt.lower() in _CLASSES:
                body = _CLASSES[nxt.lower()]
                if nxt.islower():
                    out.append(body if in_class else f"[{body}]")
                elif in_class:
                    return None  # [\W...] has no simple JS spelling
                else:
                    out.append(f"[^{body}]")
            elif nxt in "AZ":
                return None
            elif nxt.isalnum():
                out.append("\\" + nxt)  # \s \S \b \B \n \t \1 \x.. \u.. mean the same in both
            elif nxt in _JS_SYNTAX or (in_class and nxt == "-"):
                out.append("\\" + nxt)
            else:
                out.append(nxt)  # '\,' '\ ' '\-' are plain characters; u mode refuses the escape
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
            if pattern.startswith("^", i + 1):
                out.append("^")
                i += 1
            if pattern.startswith("]", i + 1):  # a leading ']' is literal in Python
                out.append("\\]")
                i += 1
        elif ch == "(" and pattern.startswith("(?", i):
            if pattern.startswith("(?P<", i):
                out.append("(?<")
                i += 4
                continue
            if pattern.startswith("(?P=", i):
                end = pattern.find(")", i)
                if end < 0:
                    return None
                out.append(f"\\k<{pattern[i + 4:end]}>")
                i = end + 1
                continue
            if not pattern.startswith(("(?:", "(?=", "(?!"), i):
                return None  # inline flags, lookbehind, comments, conditionals
            out.append(pattern[i:i + 3])
            i += 3
            continue
        elif ch == "{":
            quantifier = re.match(r"\{(\d*)(,\d*)?\}", pattern[i:])
            if quantifier and (quantifier[1] or (quantifier[2] or ",")[1:]):
                out.append("{" + (quantifier[1] or "0") + (quantifier[2] or "") + "}")  # Python's {,n} is {0,n}
                i += len(quantifier[0])
                continue
            out.append("\\{")  # a brace that is not a quantifier is a literal in Python
        elif ch == "}":
            out.append("\\}")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


# -- when Open edX shows feedback, hints and the answer --------------------------------------------
# Read from openedx/edx-platform: xmodule/capa_block.py (answer_available, closed, used_all_attempts,
# the `showanswer` field's default), xmodule/capa/capa_problem.py (_extract_html: adaptive hints are
# withheld with correctness), xmodule/capa/responsetypes.py (get_extended_hints of the choice,
# checkbox and option responses) and xblock's scorable.ShowCorrectness.
#
# * Per-choice feedback (choicehint, optionhint, stringequalhint, compoundhint, correcthint) is
#   shown after every submission, with the attempts that are left, unless correctness is withheld.
# * A checkbox problem is marked right or wrong as a whole, but the hints of every choice are shown
#   (`feedback` of the selected ones, `feedback_unselected` of the others).
# * Demand hints (the Hint button) can be read at any time, before the first submission too, and
#   even while correctness is withheld.
# * The answer and the explanation (<solution>) follow `showanswer`; never while correctness is
#   withheld. A problem that names no `showanswer` gets the course default, ``finished``.

SHOWANSWER_DEFAULT = "finished"  # capa_block.py: showanswer = String(..., default=SHOWANSWER.FINISHED)


def more_attempts(max_attempts: object) -> bool:
    """Whether a learner may submit again after a wrong answer: no limit (None), or more than one."""
    return max_attempts is None or (isinstance(max_attempts, int) and max_attempts > 1)


def attempts_left(max_attempts: object) -> str:
    """The attempts left after the first submission, in words: "1 more attempt", "unlimited attempts"."""
    if not isinstance(max_attempts, int):
        return "unlimited attempts"
    n = max_attempts - 1
    return f"{n} more attempt{'s' if n != 1 else ''}"


def correctness_withheld(show_correctness: object, has_due: bool) -> bool:
    """Whether Open edX hides correctness (and with it feedback and answers) until the due date or for good.

    ``never`` always; ``past_due`` only when there is a due date (without one it acts as ``always``).
    """
    return show_correctness == "never" or (show_correctness == "past_due" and has_due)


def answer_before_last_attempt(showanswer: str | None, max_attempts: object) -> str:
    """Why ``showanswer`` lets a learner see the answer while a scoring attempt is still left ("" if it does not).

    Before the due date and while the learner has not answered correctly: ``always`` shows it before
    the first submission; ``attempted`` and ``attempted_no_past_due`` after the first one, which
    matters when more attempts follow. The other values wait for a right answer (``answered``,
    ``correct_or_past_due``), for the attempts to run out (``closed``, ``finished``,
    ``after_all_attempts``, ``after_all_attempts_or_correct``), for the due date, or never.
    """
    value = showanswer or SHOWANSWER_DEFAULT
    if value == "always":
        return "shows the answer before the first submission"
    if value in ("attempted", "attempted_no_past_due") and more_attempts(max_attempts):
        return f"shows the answer after the first submission, with {attempts_left(max_attempts)} left"
    return ""


def keyed_positions(problem: Problem) -> list[int]:
    """0-based positions of the right choices, in the order the author wrote them."""
    return [i for i, choice in enumerate(problem.choices) if choice.correct]


def shuffled(problem: Problem) -> bool:
    """Whether Open edX shows this problem's choices in a random order (only single-choice can be shuffled)."""
    return problem.kind == "single-choice" and problem.shuffle

"""A graded problem must not give its answer away while the learner can still try again.

What: in a graded subsection, a scored problem whose feedback, hints or
answer Open edX shows to the learner before the last attempt, in a way
that gives the right answer away:

- `showanswer: always` (the answer and the explanation before the first
  submission), or `attempted` / `attempted_no_past_due` with more than one
  attempt (`max_attempts` above 1, or no limit): the answer after the first
  submission, while attempts are left;
- single-choice and dropdown: the `feedback` of a wrong choice names the
  right answer: it shares with the right choice words that are in neither
  the question nor the other choices (one such word when the right choice
  has at most three of them, two otherwise; inflected forms match by their
  common beginning). Open edX shows this feedback right after the wrong
  submission, with the attempts that are left;
- multiple-choice: any per-choice feedback (`feedback`,
  `feedback_unselected`) when there is more than one attempt. Open edX
  marks a checkbox problem only as a whole, but shows the feedback of every
  choice: a learner who ticks every box once reads which are right;
- text: the feedback of a `wrong_answers` entry contains an accepted answer;
- any problem: a hint contains the right answer or a part of it (for a
  one-word text answer also a word of the hint that is at least a third of
  it, such as "innovaatio" for "innovaatiokumppanuus"; for choices the test
  above). Hints (the Hint button) can be read before the first submission,
  at no cost, whatever the attempts.

Not reported: feedback on the right choice and `correct_feedback` (shown
only after a right answer); anything in a subsection with
`show_correctness: never`, or `past_due` and a due date (Open edX then holds
back feedback and answers, though not hints); feedback in problems with
one attempt (after the only attempt it is teaching, not a leak).

Why: the exam measures what a learner can work out from the feedback
instead of what they know, and a learner who does not read the feedback is
at a disadvantage. The same feedback is right in a self-check.

Example:

    max_attempts: 2
    choices:
      - text: valtiovarainministeriö (VM)
        correct: true
      - text: työ- ja elinkeinoministeriö (TEM)
        feedback: Ei. ... valtion hankintatoimen ohjaus kuuluu VM:lle.

Fix: give graded problems one attempt (`max_attempts: 1`); or keep the
feedback of wrong choices from naming the right one and put the teaching
in `explanation:`, shown with `showanswer: finished` (or
`after_all_attempts`) once the attempts are used; or set `show_correctness:
past_due` with a due date. Remove hints that give the answer from graded
problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from coursekit import grading
from coursekit.check import CheckContext, Finding
from coursekit.check.text import find_line
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course, MdText, Problem, Subsection

CODE = "G208"
NAME = "answer-revealed"
SEVERITY = Severity.WARNING
STAGE = "model"

# Short function words that say nothing about the answer (Finnish and English), four letters or more.
_STOPWORDS = """
    että mutta koska joka jotka joita jonka jossa joissa ovat olla ollut olivat kuin myös vain sekä eikä
    esimerkiksi siis tämä tämän nämä näitä sitä siitä sille niin kuten jos vaan kaikki kaikkien ennen
    jälkeen voidaan voivat pitää täytyy mitä mikä miten missä kuka ketkä vielä aina vaikka silloin
    with that this from have which their there they what when where will would should could about into
    than then also only does other
"""
STOPWORDS = frozenset(_STOPWORDS.split())
WORD_RE = re.compile(r"\w+(?:[:'’-]\w+)*")
LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")
THOUSANDS_RE = re.compile(r"(\d)[ \u00a0](\d{3})\b")


def _plain(text: MdText | str | None) -> str:
    value = text.text if isinstance(text, MdText) else (text or "")
    return THOUSANDS_RE.sub(r"\1\2", LINK_TARGET_RE.sub("]", value))


def content_words(text: MdText | str | None) -> list[str]:
    """Words that carry meaning, lower-cased: not function words, not one-letter; abbreviations without a
    case ending (``VM:lle`` -> ``vm``); numbers of two digits or more."""
    out: list[str] = []
    for word in WORD_RE.findall(_plain(text)):
        base = re.split(r"[:'’]", word)[0]
        if base.isdigit():
            if len(base) >= 2:
                out.append(base)
        elif (base.isupper() and len(base) >= 2) or (len(base) >= 4 and base.lower() not in STOPWORDS):
            out.append(base.lower())
    return out


def same_word(a: str, b: str) -> bool:
    """Equal, or two inflected forms of one word: a common beginning of 5+ letters and 3/4 of the longer word."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 5 and common >= 0.75 * max(len(a), len(b))


def _among(word: str, words: Sequence[str]) -> bool:
    return any(same_word(word, other) for other in words)


def names_choice(text: MdText | str | None, problem: Problem, right: int) -> list[str]:
    """The words of ``text`` that name the choice at ``right``: words of that choice found in neither the
    question nor the other choices, if there are enough of them (one of up to three, else two)."""
    others = [w for i, c in enumerate(problem.choices) if i != right for w in content_words(c.text)]
    question = content_words(problem.question)
    keyed: list[str] = []
    for word in content_words(problem.choices[right].text):
        if not _among(word, question) and not _among(word, others) and word not in keyed:
            keyed.append(word)
    said = content_words(text)
    found = [w for w in keyed if _among(w, said)]
    need = 1 if len(keyed) <= 3 else 2
    return found if keyed and len(found) >= need else []


def _answers(problem: Problem) -> list[str]:
    if problem.kind == "text":
        return [str(a).strip() for a in (problem.answer, *problem.alternatives) if str(a).strip()]
    if problem.kind == "numerical" and problem.answer is not None:
        span = grading.answer_range(problem.answer)
        return [] if span else [str(problem.answer).strip()]
    return []


def names_answer(text: MdText | str | None, problem: Problem) -> str:
    """An accepted text or numerical answer, or a word of ``text`` that is a third of one, that ``text`` contains."""
    plain = _plain(text).casefold()
    question = _plain(problem.question).casefold()
    for answer in _answers(problem):
        wanted = answer.casefold()
        if re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", plain):
            return answer
        if problem.kind != "text" or any(ch.isspace() for ch in wanted):
            continue  # a part of a word: only for one-word text answers
        for word in WORD_RE.findall(plain):
            if len(word) >= 3 and word in wanted and len(word) * 3 >= len(wanted) and word not in question:
                return f"{word!r} of {answer!r}"
    return ""


def _quote(words: list[str]) -> str:
    return ", ".join(repr(w) for w in words[:4]) + (", ..." if len(words) > 4 else "")


def _letter(i: int) -> str:
    return chr(65 + i) if i < 26 else str(i + 1)


def _showanswer_loc(course: Course, sub: Subsection, problem: Problem, ctx: CheckContext) -> Loc:
    """Where the problem's `showanswer` is written: the problem, the subsection's front matter or course.yaml."""
    if "showanswer" in problem.fields:
        return problem.fields["showanswer"]
    if "showanswer" in sub.settings:
        return find_line(ctx, sub.file, 1, r"^showanswer\s*:")
    start = find_line(ctx, course.loc.file, 1, r"^problem_defaults\s*:").line
    return find_line(ctx, course.loc.file, start, r"\bshowanswer\s*:")


def _feedback_leaks(problem: Problem, left: str) -> Iterator[Finding]:
    hint = ("give graded problems one attempt (`max_attempts: 1`), or keep the feedback from naming the right "
            "answer and put the teaching in `explanation:` (shown with `showanswer: finished`)")
    if problem.kind in ("single-choice", "dropdown"):
        keys = grading.keyed_positions(problem)
        if len(keys) != 1:
            return
        for i, choice in enumerate(problem.choices):
            if choice.correct or not choice.feedback:
                continue
            found = names_choice(choice.feedback, problem, keys[0])
            if found:
                yield Finding(choice.feedback.loc,
                              f"{problem.id}: the feedback of wrong choice {_letter(i)} names the right answer "
                              f"({_letter(keys[0])}: {_quote(found)}), and Open edX shows it after the wrong "
                              f"submission with {left} left", hint)
    elif problem.kind == "multiple-choice":
        with_feedback = [c for c in problem.choices if c.feedback or c.feedback_unselected]
        if with_feedback:
            first = with_feedback[0]
            loc = (first.feedback or first.feedback_unselected).loc  # type: ignore[union-attr]
            yield Finding(loc,
                          f"{problem.id}: {len(with_feedback)} of {len(problem.choices)} choices have feedback: "
                          f"Open edX marks a multiple-choice answer only as a whole but shows every choice's "
                          f"feedback, so one submission tells which options are right, with {left} left",
                          "give the problem one attempt (`max_attempts: 1`), or move the per-choice feedback to "
                          "`explanation:` (shown with `showanswer: finished`)")
    elif problem.kind == "text":
        for wrong in problem.wrong_answers:
            found = names_answer(wrong.feedback, problem)
            if found:
                yield Finding(wrong.feedback.loc,
                              f"{problem.id}: the feedback for the wrong answer {wrong.answer!r} contains the right "
                              f"answer ({found}), and Open edX shows it with {left} left", hint)


def _hint_leaks(problem: Problem) -> Iterator[Finding]:
    for n, text in enumerate(problem.hints, 1):
        found = ""
        if problem.kind in ("text", "numerical"):
            found = names_answer(text, problem)
        else:
            for key in grading.keyed_positions(problem):
                words = names_choice(text, problem, key)
                if words:
                    found = f"choice {_letter(key)}: {_quote(words)}"
                    break
        if found:
            yield Finding(text.loc,
                          f"{problem.id}: hint {n} gives the right answer away ({found}); the Hint button shows "
                          "it before the first submission, at no cost",
                          "remove the hint from the graded problem, or make it point to the course material "
                          "instead of the answer")


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for _section, sub in course.subsections():
        if not sub.graded:
            continue
        withheld = grading.correctness_withheld(sub.settings.get("show_correctness"), sub.due is not None)
        grouped: dict[tuple[Loc, str], list[tuple[Problem, str]]] = {}
        for unit in sub.units:
            for problem in unit.components:
                if not isinstance(problem, Problem) or not problem.scored:
                    continue
                yield from _hint_leaks(problem)
                if withheld:
                    continue
                why = grading.answer_before_last_attempt(problem.showanswer, problem.max_attempts)
                if why:
                    value = problem.showanswer or grading.SHOWANSWER_DEFAULT
                    grouped.setdefault((_showanswer_loc(course, sub, problem, ctx), value), []).append((problem, why))
                if grading.more_attempts(problem.max_attempts):
                    yield from _feedback_leaks(problem, grading.attempts_left(problem.max_attempts))
        for (loc, value), found in grouped.items():
            reasons = sorted({why for _p, why in found})
            why = reasons[0] if len(reasons) == 1 else \
                "shows the answer after the first submission, while attempts are left"
            count = "1 graded problem" if len(found) == 1 else f"{len(found)} graded problems"
            yield Finding(loc, f"`showanswer: {value}` {why} ({count} in {sub.file})",
                          "use `showanswer: finished` (or `after_all_attempts`) for graded problems, or one attempt",
                          tuple(p.loc for p, _why in found if p.loc != loc))

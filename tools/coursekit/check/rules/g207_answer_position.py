"""The right answers of a graded subsection should not sit in the same place.

What: in one graded subsection, the scored single-choice and dropdown
problems that are not shuffled have their right answer at one position
(for example the first option) far more often than random placement
would; or the multiple-choice problems have as their right answers
exactly the first k options (the first two, the first three) far more
often than chance. Dropdowns and multiple-choice problems are never
shuffled by Open edX; a single-choice problem with `shuffle: true` is
left out.

"Far more often" is a test, not a bare share: the rule works out how
likely the count is if every item had its right answer(s) placed at
random among its own options (1/n for an item with n options; 1/C(n, k)
for "exactly the first k of n"), and reports the pattern only when that
chance is below `position_bias_max_chance` (default 1 %, counted over
all positions that were tested) and the subsection has at least
`position_bias_min_items` items of the kind (default 6). A fair exam
with the answers spread over the positions passes; so does a small
subsection where a pattern can be luck.

Why: a learner who always picks "A", or "the first three", scores points
without knowing anything, and the exam no longer measures what it should.
Writers put the right answer first because they write it first.

Example: 12 of the 15 unshuffled single-choice and dropdown items of a
graded exam have the right answer first (80 %), where random placement
would give about 3.8 (25 %); 7 of its 8 multiple-choice items have exactly
the first two or three options right, where random placement would give
about 0.8.

Fix: move the right answers to different positions (roughly evenly), or
set `shuffle: true` on single-choice problems. Keep a logical order
(numbers from small to large, "all of the above" last) where the options
have one, and move the answer by rewording the options instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from math import comb

from coursekit import grading
from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course, Problem, Subsection

CODE = "G207"
NAME = "answer-position"
SEVERITY = Severity.WARNING
STAGE = "model"
OPTIONS = {
    "position_bias_min_items": (6, "Fewest items of a kind (single-choice and dropdown; multiple-choice) in a "
                                   "graded subsection before G207 looks for a pattern."),
    "position_bias_max_chance": (0.01, "G207 reports a pattern only when random placement would give it with at "
                                       "most this probability (0.01 = 1 %)."),
}

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def tail(probabilities: Sequence[float], at_least: int) -> float:
    """P(X >= at_least) for X the number of successes of independent trials with these probabilities."""
    dist = [1.0]
    for p in probabilities:
        nxt = [0.0] * (len(dist) + 1)
        for k, q in enumerate(dist):
            nxt[k] += q * (1 - p)
            nxt[k + 1] += q * p
        dist = nxt
    return min(1.0, sum(dist[at_least:]))


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def _chance(p: float) -> str:
    return "below 0.01 %" if p < 0.0001 else f"about {p * 100:.2g} %"


def _scored_problems(sub: Subsection) -> list[Problem]:
    return [c for unit in sub.units for c in unit.components if isinstance(c, Problem) and c.scored]


def _position_bias(items: list[Problem], max_chance: float) -> tuple[int, int, float, float] | None:
    """(position, count, expected count, chance) of the most unlikely keyed position, if it is unlikely enough."""
    keys = [grading.keyed_positions(p)[0] for p in items]
    sizes = [len(p.choices) for p in items]
    best: tuple[float, int, int, float] | None = None
    positions = range(max(sizes))
    for pos in positions:
        count = keys.count(pos)
        if count == 0:
            continue
        probabilities = [1 / n if n > pos else 0.0 for n in sizes]
        chance = tail(probabilities, count) * len(positions)  # any position could have shown a pattern
        if best is None or chance < best[0]:
            best = (chance, pos, count, sum(probabilities))
    if best is None or best[0] > max_chance:
        return None
    chance, pos, count, expected = best
    return pos, count, expected, min(chance, 1.0)


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    min_items = int(ctx.option("position_bias_min_items"))
    max_chance = float(ctx.option("position_bias_max_chance"))
    for _section, sub in course.subsections():
        if not sub.graded:
            continue
        loc = sub.settings.get("graded_loc")
        loc = loc if isinstance(loc, Loc) else sub.loc
        problems = _scored_problems(sub)

        single = [p for p in problems if p.kind in ("single-choice", "dropdown") and not grading.shuffled(p)
                  and len(p.choices) >= 2 and len(grading.keyed_positions(p)) == 1]
        if len(single) >= max(min_items, 1):
            found = _position_bias(single, max_chance)
            if found:
                pos, count, expected, chance = found
                n = len(single)
                where = ORDINALS[pos] if pos < len(ORDINALS) else f"at position {pos + 1}"
                letter = chr(65 + pos) if pos < 26 else str(pos + 1)
                yield Finding(
                    loc,
                    f"{count} of {n} unshuffled single-choice/dropdown items ({_percent(count / n)}) have the "
                    f"right answer {where} (option {letter}); random placement would give about {expected:.1f} "
                    f"({_percent(expected / n)}), and {count} or more by chance has a probability "
                    f"{_chance(chance)}",
                    "spread the right answers over the positions, or set `shuffle: true` on the single-choice "
                    "problems",
                    tuple(p.loc for p in single if grading.keyed_positions(p)[0] == pos))

        multiple = [p for p in problems if p.kind == "multiple-choice"
                    and 1 <= len(grading.keyed_positions(p)) < len(p.choices)]
        if len(multiple) >= max(min_items, 1):
            first = [p for p in multiple if grading.keyed_positions(p) == list(range(len(grading.keyed_positions(p))))]
            if first:
                probabilities = [1 / comb(len(p.choices), len(grading.keyed_positions(p))) for p in multiple]
                chance = tail(probabilities, len(first))
                if chance <= max_chance:
                    n, expected = len(multiple), sum(probabilities)
                    yield Finding(
                        loc,
                        f"{len(first)} of {n} multiple-choice items ({_percent(len(first) / n)}) have exactly the "
                        f"first k options correct; random placement would give about {expected:.1f} "
                        f"({_percent(expected / n)}), and {len(first)} or more by chance has a probability "
                        f"{_chance(chance)}",
                        "mix the right options with the wrong ones (Open edX does not shuffle checkbox problems)",
                        tuple(p.loc for p in first))

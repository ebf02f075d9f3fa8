"""A problem loses part of its behaviour in Moodle (Moodle target only).

What: a problem feature that neither a cartridge quiz nor Moodle's question
import keeps: hints in a cartridge quiz, feedback for unselected choices or
for combinations, all-or-nothing grading of multiple-choice problems, the
feedback on a text problem's right answer, case-sensitive or regular
expression text answers. Also the grading a quiz sets for all its questions:
a problem whose `max_attempts` differs from its subsection's quiz (Moodle sets
attempts per quiz; the cartridge quiz takes the subsection's `max_attempts`,
or that of its first problem), and a problem in a cartridge quiz whose
`weight` is not 1 (Moodle gives every quiz slot the mark 1; a weight of 0,
not scored, still counts 1). Checked by `coursekit lint --target imscc`.

Why: the Moodle copy of the problem would grade or teach differently from
the Open edX one, without a word, unless someone is told.

Example:

    type: multiple-choice
    question: Mitkä ovat hankintalain kynnysarvoja?
    ...            # Open edX: all or nothing; Moodle: 1/n per right choice

    max_attempts: 5    # the subsection's quiz allows 3
    weight: 2          # the Moodle quiz slot gets mark 1

Fix: accept the difference (the finding names it), or change the problem so
both platforms grade it alike (e.g. single choice instead of multiple
choice; the same `max_attempts` for the problems of one subsection), or
adjust the question in Moodle after restore (marks: Quiz > Questions >
Maximum grade; attempts: the quiz's Attempts allowed).
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem, Subsection

CODE = "M902"
NAME = "moodle-question-loss"
SEVERITY = Severity.WARNING
STAGE = "moodle"


def _attempts(value: int | None) -> str:
    return f"{value} attempt{'s' if value != 1 else ''}" if value else "unlimited attempts"


def _quiz_grading(sub: Subsection) -> Iterator[Finding]:
    from coursekit.emit.imscc import qti

    problems = [c for unit in sub.units for c in unit.components if isinstance(c, Problem)]
    carried = [p for p in problems if qti.carried(p)]
    quiz = qti.quiz_attempts(sub, carried)
    where = f"the quiz of {sub.title!r}" if carried else f"the quiz to be made for {sub.title!r}"
    for problem in problems:
        own = problem.max_attempts or None
        if own != quiz and (carried or own):
            yield Finding(problem.fields.get("max_attempts", problem.loc),
                          f"in Moodle, problem {problem.id!r} ({problem.kind}): it allows {_attempts(own)}, but "
                          f"Moodle sets attempts per quiz and {where} allows {_attempts(quiz)}",
                          "give the problems of one subsection the same `max_attempts`, or set the quiz's "
                          "Attempts allowed after restore")
    for problem in carried:
        weight = 1.0 if problem.weight is None else float(problem.weight)
        if weight == 1.0:
            continue
        if weight == 0:
            message = f"it is not scored (weight 0), but counts 1 mark in {where}"
        else:
            message = f"its weight {weight:g} is not its mark: every slot of {where} gets mark 1"
        yield Finding(problem.fields.get("weight", problem.loc),
                      f"in Moodle, problem {problem.id!r} ({problem.kind}): {message}",
                      f"after restore, set its mark to {weight:g} in Quiz > Questions (Maximum grade)")


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    from coursekit.emit.imscc import losses

    for *_, comp in course.components():
        if isinstance(comp, Problem):
            for loss in losses(comp):
                yield Finding(comp.loc, f"in Moodle, problem {comp.id!r} ({comp.kind}): {loss}",
                              "accept it, or change the problem so both platforms grade it alike")
    for _section, sub in course.subsections():
        yield from _quiz_grading(sub)

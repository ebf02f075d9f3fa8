"""A problem goes to the Moodle question bank, not into the cartridge's quiz (Moodle target only).

What: a numerical or dropdown problem. IMS Common Cartridge has no question
type for them, so `coursekit build --target imscc` writes them, with their
tolerance, feedback and hints, into `<org>-<number>-<run>.moodle.xml`, and the
unit's page tells learners the exercise is added to the quiz by the teacher.
Checked by `coursekit lint --target imscc`.

Why: after restoring the cartridge, the release manager must import the
question bank and add these questions to the quiz of their subsection;
otherwise the quiz, and a graded exam's total, misses them.

Example:

    type: numerical
    question: Paljonko on 5 % 80 miljoonasta eurosta?
    answer: 4000000

Fix: nothing in the sources: in Moodle, Question bank > Import > Moodle XML,
then add the questions to the named quiz (Quiz > Questions > Add > from
question bank). Or use a single-choice problem, which the cartridge carries.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem

CODE = "M903"
NAME = "moodle-question-bank"
SEVERITY = Severity.INFO
STAGE = "moodle"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    from coursekit.emit.imscc import qti

    for section in course.sections:
        for sub in section.subsections:
            for unit in sub.units:
                for comp in unit.components:
                    if isinstance(comp, Problem) and not qti.carried(comp):
                        yield Finding(comp.loc, f"{comp.kind} problem {comp.id!r} goes to the Moodle question "
                                      f"bank (.moodle.xml), category {section.title!r}, not into the quiz of "
                                      f"{sub.title!r}", "after restore, import the .moodle.xml file and add the "
                                      "question to that quiz")

"""Dates must come in order, in every run.

What: for each run in course.yaml: `enrollment_start` ≤ `start` < `end`,
`enrollment_start` ≤ `enrollment_end` ≤ `end`; a section or subsection must
not start after the run ends, a subsection not before its section, and a
`due` date must fall after the subsection, its section and the run have
started and no later than the run's end. Relative dates (`+2w`) are
resolved against each run's own start, so one source is checked for all
its runs.

Why: a due date before the release date means learners can never submit;
content released after the course ends is never seen; enrollment that
opens after the course starts loses learners.

Example:

    start: +6w
    due: +4w        # due two weeks before the subsection opens

Fix: correct the date; relative dates (`+Nd`, `+Nw`) keep reruns right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, DateSpec, Run

CODE = "G206"
NAME = "date-order"
SEVERITY = Severity.ERROR
STAGE = "model"


def _show(moment: dt.datetime, course: Course) -> str:
    from coursekit import dates

    try:
        local = moment.astimezone(dates.zone(course.timezone))
    except ValueError:
        local = moment
    return local.strftime("%Y-%m-%d %H:%M") if (local.hour, local.minute) != (0, 0) else local.strftime("%Y-%m-%d")


class _RunCheck:
    def __init__(self, course: Course, run: Run, seen: set[tuple[object, str]]) -> None:
        self.course = course
        self.run = run
        self.seen = seen
        self.start = run.start.resolve(None) if run.start else None
        self.where = f" in run {run.name}" if len(course.runs) > 1 else ""

    def when(self, spec: DateSpec | None) -> dt.datetime | None:
        return spec.resolve(self.start) if spec else None

    def finding(self, spec: DateSpec, message: str, hint: str) -> Iterator[Finding]:
        message += self.where
        if (spec.loc, message) not in self.seen:
            self.seen.add((spec.loc, message))
            yield Finding(spec.loc, message, hint)

    def order(self, early_name: str, early: DateSpec | None, late_name: str, late: DateSpec | None,
              hint: str, strict: bool = False) -> Iterator[Finding]:
        a, b = self.when(early), self.when(late)
        if late is None or a is None or b is None:
            return
        if b < a or (strict and b == a):
            relation = "on" if b == a else "before"
            yield from self.finding(late, f"{late_name} ({_show(b, self.course)}) is {relation} {early_name} "
                                          f"({_show(a, self.course)})", hint)

    def not_after_end(self, what: str, spec: DateSpec | None, hint: str, strict: bool) -> Iterator[Finding]:
        moment, stop = self.when(spec), self.when(self.run.end)
        if spec is None or moment is None or stop is None:
            return
        if moment > stop or (strict and moment == stop):
            yield from self.finding(spec, f"{what} ({_show(moment, self.course)}) is after the run ends "
                                          f"({_show(stop, self.course)})", hint)


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    seen: set[tuple[object, str]] = set()
    for run in course.runs.values():
        c = _RunCheck(course, run, seen)
        yield from c.order("enrollment_start", run.enrollment_start, "start", run.start,
                           "open enrollment before the course starts")
        yield from c.order("start", run.start, "end", run.end, "set the end after the start", strict=True)
        yield from c.order("enrollment_start", run.enrollment_start, "enrollment_end", run.enrollment_end,
                           "close enrollment after it opens")
        yield from c.order("enrollment_end", run.enrollment_end, "end", run.end,
                           "close enrollment no later than the course ends")
        for section in course.sections:
            yield from c.not_after_end(f"start of section {section.title!r}", section.start,
                                       "release the section before the run ends", strict=True)
            for sub in section.subsections:
                yield from c.not_after_end(f"start of subsection {sub.title!r}", sub.start,
                                           "release the subsection before the run ends", strict=True)
                yield from c.order("the section's start", section.start, "start", sub.start,
                                   "a subsection cannot open before its section; move one of the dates")
                yield from c.order("the run's start", run.start, "due", sub.due,
                                   "set the due date after the course starts")
                yield from c.order("the section's start", section.start, "due", sub.due,
                                   "set the due date after the section opens")
                yield from c.order("the subsection's start", sub.start, "due", sub.due,
                                   "set the due date after the subsection opens")
                yield from c.not_after_end("due date", sub.due, "set the due date no later than the course end",
                                           strict=False)

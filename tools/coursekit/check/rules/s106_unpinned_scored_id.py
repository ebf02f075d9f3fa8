"""A block that holds learner scores has no pinned id, although the course has been released.

What: once the course has a release record (a file under `releases/`, written
by `coursekit import`), every problem that gives points (weight not 0) and
every graded subsection must have a pinned id: `id:` in the problem or the
front matter. New courses, with no release yet, are not checked.

Why: learners' answers and scores are kept under the block's id, and an
unpinned id comes from a file name, a `##` heading or the problem's place in
the unit. An ordinary edit (a better heading, a renamed file, a new problem
above) then changes the id, and the next import would orphan every score
under the old one. `coursekit import` refuses such an import, but only on
release day; this rule says so while you edit.

Example: `## Koe` in `02-loppukoe.md` of a released course, with a problem
whose id is `loppukoe_koe_koe_p1`; renaming the heading to
`## Loppukokeen kysymykset` would make it `loppukoe_koe_loppukokeen-kysymykset_p1`.

Fix: run `coursekit pin`, which writes every current id into the sources
(the file and line of each), then commit the result. Release records are
looked for in `releases/` of the course folder (`lint.options.release_records`
names another folder, as `coursekit import --releases-dir` does).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Problem

CODE = "S106"
NAME = "unpinned-scored-id"
SEVERITY = Severity.WARNING
STAGE = "model"
OPTIONS = {
    "release_records": ("releases", "folder of the release records, relative to the course folder "
                                    "(the same as `coursekit import --releases-dir`)"),
}


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    from coursekit.push.releases import records_of_course

    folder = Path(str(ctx.option("release_records")))
    records = records_of_course(folder if folder.is_absolute() else ctx.source_root / folder,
                                course.org, course.number)
    if not records:
        return
    released = records[-1].relative_to(ctx.source_root).as_posix() if ctx.source_root in records[-1].parents \
        else str(records[-1])
    fix = "run `coursekit pin` and commit the result"
    for _section, sub in course.subsections():
        if sub.graded and not sub.id_pinned:
            yield Finding(sub.loc, f"graded subsection {sub.title!r} has no pinned id ({sub.id!r} comes from the "
                          f"file name) and the course has been released ({released})",
                          f"{fix}, or add `id: {sub.id}` to the front matter")
        for unit in sub.units:
            for comp in unit.components:
                if isinstance(comp, Problem) and comp.scored and "id" not in comp.fields:
                    yield Finding(comp.loc, f"problem {comp.id!r} gives points but its id is not pinned; it changes "
                                  "when the heading, the file or the order of problems changes, and the course "
                                  f"has been released ({released})",
                                  f"{fix}, or add `id: {comp.id}` to the problem")

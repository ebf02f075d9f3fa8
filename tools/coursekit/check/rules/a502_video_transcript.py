"""Every video needs a transcript in the course language.

What: a `{video}` without a transcript (`transcripts:`) whose language is
the course `language` from course.yaml.

Why: deaf and hard-of-hearing learners, and everyone watching without
sound, depend on captions. WCAG 2.1 success criteria 1.2.2 (Captions,
level A) and 1.2.5 apply; Open edX shows the transcript beside the video
and lets learners download it.

Example:

    ```{video}
    youtube: dQw4w9WgXcQ
    transcripts:
      en: ../static/media/intro.en.vtt     # the course is in Finnish
    ```

Fix: add a transcript in the course language: `fi: ../static/media/intro.fi.vtt`
(.srt or .vtt).
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Severity
from coursekit.model import Course, Video

CODE = "A502"
NAME = "video-transcript"
SEVERITY = Severity.ERROR
STAGE = "model"


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-", 1)[0].lower()


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    language = _primary(course.language)
    for *_, comp in course.components():
        if not isinstance(comp, Video):
            continue
        if any(_primary(t.language) == language for t in comp.transcripts):
            continue
        others = ", ".join(sorted(t.language for t in comp.transcripts))
        message = f"video {comp.title!r} has no transcript in the course language ({course.language})"
        if others:
            message += f"; it has: {others}"
        yield Finding(comp.loc, message,
                      f"add `transcripts: {{{course.language}: ../static/...vtt}}` (.srt or .vtt)")

"""Transcript cues must be in time order and must not overlap.

What: in a video transcript (.srt or .vtt), a cue that ends before (or
when) it starts, starts before the previous cue, or starts before the
previous cue has ended.

Why: Open edX shows captions by time; overlapping or unordered cues
flicker, hide each other or are skipped, and the interactive transcript
jumps around. Usually a typing slip in a time stamp.

Example:

    00:00:05,000 --> 00:00:09,000
    Ensimmäinen repliikki.

    00:00:08,000 --> 00:00:12,000      <- starts before the previous one ends
    Toinen repliikki.

Fix: correct the time stamps (a subtitle editor such as Aegisub or
Subtitle Edit can fix overlaps automatically).
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit import media
from coursekit.check import CheckContext, Finding
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course, Video

CODE = "M601"
NAME = "transcript-cues"
SEVERITY = Severity.WARNING
STAGE = "model"
MAX_PER_FILE = 20


def _t(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    done: set[str] = set()
    for *_, comp in course.components():
        if not isinstance(comp, Video):
            continue
        for tr in comp.transcripts:
            if tr.source in done:
                continue
            done.add(tr.source)
            text = "\n".join(ctx.source_lines(tr.source))
            try:
                cues = media.parse(text, tr.source.rsplit(".", 1)[-1].lower())
            except media.TranscriptError:
                continue  # reported by the loader (E012)
            count = 0
            previous: media.Cue | None = None
            for cue in cues:
                problem = None
                if cue.end_ms <= cue.start_ms:
                    problem = f"cue ends ({_t(cue.end_ms)}) before or when it starts ({_t(cue.start_ms)})"
                elif previous is not None and cue.start_ms < previous.start_ms:
                    problem = f"cue starts ({_t(cue.start_ms)}) before the previous cue ({_t(previous.start_ms)})"
                elif previous is not None and cue.start_ms < previous.end_ms:
                    problem = (f"cue starts ({_t(cue.start_ms)}) before the previous cue ends "
                               f"({_t(previous.end_ms)})")
                if problem:
                    count += 1
                    if count <= MAX_PER_FILE:
                        yield Finding(Loc(tr.source, cue.line), problem, "correct the time stamps",
                                      related=(Loc(tr.source, previous.line),) if previous else ())
                previous = cue
            if count > MAX_PER_FILE:
                yield Finding(Loc(tr.source), f"{count - MAX_PER_FILE} more cue timing problems in this file",
                              "fix the ones above first")

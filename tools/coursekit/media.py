"""Transcripts: read SubRip (.srt) and WebVTT (.vtt), write SubRip for Open edX."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{3})"
CUE_TIME_RE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str
    line: int  # 1-based line of the timing line


class TranscriptError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _ms(h: str | None, m: str, s: str, ms: str) -> int:
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def parse(text: str, fmt: str) -> list[Cue]:
    """Parse an ``srt`` or ``vtt`` document into cues; raise :class:`TranscriptError` with a line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    if fmt == "vtt":
        if not lines or not lines[0].startswith("WEBVTT"):
            raise TranscriptError("a WebVTT file must start with 'WEBVTT'", 1)
        i = 1
        # header block up to the first blank line
        while i < len(lines) and lines[i].strip():
            i += 1
    cues: list[Cue] = []
    while i < len(lines):
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines):
            break
        block_start = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        if fmt == "vtt" and block[0].split(" ", 1)[0] in ("NOTE", "STYLE", "REGION"):
            continue
        timing_index = next((k for k, line in enumerate(block) if "-->" in line), None)
        if timing_index is None:
            raise TranscriptError("cue has no 'start --> end' timing line", block_start + 1)
        if fmt == "srt" and timing_index != 1:
            raise TranscriptError("an SRT cue is a number, a timing line, then text", block_start + 1)
        if fmt == "srt" and not block[0].strip().isdigit():
            raise TranscriptError(f"SRT cue number expected, found {block[0].strip()!r}", block_start + 1)
        match = CUE_TIME_RE.match(block[timing_index])
        line_no = block_start + timing_index + 1
        if not match:
            raise TranscriptError(f"bad timing line {block[timing_index].strip()!r}", line_no)
        g = match.groups()
        start, end = _ms(*g[0:4]), _ms(*g[4:8])
        cue_text = "\n".join(block[timing_index + 1 :]).strip()
        cues.append(Cue(start, end, cue_text, line_no))
    if not cues:
        raise TranscriptError("the transcript has no cues", 1)
    return cues


def _stamp(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def plain(text: str) -> str:
    """Cue text without WebVTT voice and class tags."""
    return re.sub(r"</?[a-zA-Z][^>]*>", "", text)


def to_srt(cues: list[tuple[int, int, str]]) -> str:
    parts = []
    for n, (start, end, text) in enumerate(cues, 1):
        clean = plain(text)
        parts.append(f"{n}\n{_stamp(start)} --> {_stamp(end)}\n{clean}\n")
    return "\n".join(parts)


def _vtt_stamp(ms: int) -> str:
    return _stamp(ms).replace(",", ".")


def to_vtt(cues: list[tuple[int, int, str]]) -> str:
    """WebVTT for a browser's ``<track>``; cue text is escaped (tags a .vtt had are kept as they were)."""
    parts = ["WEBVTT\n"]
    for start, end, text in cues:
        body = text if re.search(r"</?[a-zA-Z][^>]*>", text) else text.replace("&", "&amp;").replace("<", "&lt;")
        body = re.sub(r"\n{2,}", "\n", body.replace("-->", "--&gt;"))
        parts.append(f"{_vtt_stamp(start)} --> {_vtt_stamp(end)}\n{body}\n")
    return "\n".join(parts)

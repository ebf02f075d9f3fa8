"""Fenced component blocks -> model components.

``{problem}``, ``{quiz}``, ``{video}``, ``{discussion}`` hold YAML; ``{olx}``
holds raw XML for any other XBlock.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from coursekit import ids, media
from coursekit.diagnostics import FatalSourceError, Loc
from coursekit.load import codes
from coursekit.load.context import LoadContext
from coursekit.load.ydata import YList, YMap
from coursekit.model import (
    Choice,
    Combination,
    Component,
    Discussion,
    Problem,
    RawXBlock,
    Transcript,
    Video,
    WrongAnswer,
)

# Block types Open edX has built in; anything else from {olx} goes into advanced_modules.
BUILTIN_XBLOCKS = frozenset({
    "html", "problem", "video", "discussion", "word_cloud", "annotatable", "poll_question",
    "conditional", "split_test", "library_content", "itembank", "randomize", "vertical", "unit", "wrapper",
})


@dataclass
class UnitScope:
    """What a component needs to know about the unit it sits in."""

    unit_id: str
    unit_title: str
    section_title: str
    file: str
    problem_settings: dict[str, object]
    counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return f"{self.unit_id}_{kind}{self.counters[kind]}"


def _block_id(ctx: LoadContext, data: YMap, scope: UnitScope, counter: str, kind: str, loc: Loc) -> str:
    generated = scope.next_id(counter)
    block_id = generated
    if "id" in data:
        pinned = ids.check_pin(data["id"], data.value_loc("id"), ctx.report)
        if pinned:
            return ctx.ids.claim(pinned, kind, data.value_loc("id"))
    return ctx.ids.claim(block_id, kind, loc)


def _yaml_block(ctx: LoadContext, body: str, loc: Loc, schema: str, what: str) -> YMap | None:
    data = ctx.checked_yaml(body, loc.file, loc.line - 1, schema, what, loc)
    if data is False:
        return None
    if not isinstance(data, YMap):
        ctx.report.add(codes.INVALID, f"a {what} block must contain YAML keys and values", loc,
                       "see docs/authoring.md for an example")
        return None
    return data


# -- problems ------------------------------------------------------------------


def problem_from_yaml(ctx: LoadContext, data: YMap, scope: UnitScope, loc: Loc) -> Problem:
    md = ctx.md_field
    base = scope.file
    choices: list[Choice] = []
    choice_data = data.get("choices", YList())
    for i, c in enumerate(choice_data):
        choices.append(Choice(
            text=ctx.md(str(c["text"]), c.value_loc("text"), base, inline=True),
            correct=bool(c.get("correct", False)),
            feedback=md(c, "feedback", base, inline=True),
            feedback_unselected=md(c, "feedback_unselected", base, inline=True),
            loc=choice_data.loc_of(i),
        ))
    combos = []
    letters = [chr(ord("A") + i) for i in range(len(choices))]
    for i, c in enumerate(data.get("combinations", [])):
        named = list(map(str, c["choices"]))
        missing = [n for n in named if n not in letters]
        if missing:
            ctx.report.add(codes.INVALID, f"combination names choice {missing[0]}, but the problem has only "
                           f"{len(letters)} choices ({', '.join(letters)})", c.value_loc("choices"),
                           "choices are lettered A, B, C, ... in the order they are listed; use those letters")
            continue
        if len(set(named)) != len(named):
            ctx.report.add(codes.INVALID, "combination names the same choice twice", c.value_loc("choices"),
                           "list each choice once")
            continue
        combos.append(Combination(named, ctx.md(str(c["feedback"]), c.value_loc("feedback"), base, True),
                                  data["combinations"].loc_of(i)))
    wrong = [
        WrongAnswer(str(w["answer"]), ctx.md(str(w["feedback"]), w.value_loc("feedback"), base, True),
                    data["wrong_answers"].loc_of(i))
        for i, w in enumerate(data.get("wrong_answers", []))
    ]
    hints = [ctx.md(str(h), data["hints"].loc_of(i), base, inline=True) for i, h in enumerate(data.get("hints", []))]
    settings = scope.problem_settings

    def setting(key: str) -> object:
        return data.get(key, settings.get(key))

    answer = data.get("answer")
    return Problem(
        id=_block_id(ctx, data, scope, "p", "problem", loc),
        loc=loc,
        title=str(data.get("title") or scope.unit_title),
        kind=str(data["type"]),
        question=ctx.md(str(data["question"]), data.value_loc("question"), base),
        choices=choices,
        combinations=combos,
        shuffle=bool(data.get("shuffle", False)),
        answer=str(answer) if data["type"] == "text" and answer is not None else answer,
        tolerance=data.get("tolerance"),
        alternatives=[str(a) for a in data.get("alternatives", [])],
        case_sensitive=bool(data.get("case_sensitive", False)),
        regexp=bool(data.get("regexp", False)),
        correct_feedback=md(data, "correct_feedback", base, inline=True),
        wrong_answers=wrong,
        hints=hints,
        explanation=md(data, "explanation", base),
        max_attempts=setting("max_attempts"),  # type: ignore[arg-type]
        weight=setting("weight"),  # type: ignore[arg-type]
        showanswer=setting("showanswer"),  # type: ignore[arg-type]
        show_reset_button=bool(data.get("show_reset_button", False)),
        size=data.get("size"),  # type: ignore[arg-type]
        fields={str(k): data.loc_of(k) for k in data},
    )


def _problem(ctx: LoadContext, body: str, loc: Loc, scope: UnitScope) -> list[Component]:
    data = _yaml_block(ctx, body, loc, "problem.schema.json", "problem")
    return [problem_from_yaml(ctx, data, scope, loc)] if data is not None else []


def _quiz(ctx: LoadContext, body: str, loc: Loc, scope: UnitScope) -> list[Component]:
    ref = _yaml_block(ctx, body, loc, "quizref.schema.json", "quiz")
    if ref is None:
        return []
    ref_loc = ref.value_loc("file")
    rel = ctx.tree.join(scope.file, str(ref["file"]), ref_loc)
    file_loc = Loc(rel, 1, 1)
    data = ctx.read_checked_yaml(rel, ref_loc, "quiz file", "quiz.schema.json", "quiz file", file_loc)
    if data is False:
        return []
    if not isinstance(data, YMap):
        ctx.report.add(codes.INVALID, "a quiz file must be a mapping with a `problems:` list", file_loc)
        return []
    quiz_scope = UnitScope(scope.unit_id, scope.unit_title, scope.section_title, rel, scope.problem_settings,
                           scope.counters)
    return [problem_from_yaml(ctx, p, quiz_scope, data["problems"].loc_of(i)) for i, p in enumerate(data["problems"])]


# -- video, discussion, raw OLX ------------------------------------------------------


def _video(ctx: LoadContext, body: str, loc: Loc, scope: UnitScope) -> list[Component]:
    data = _yaml_block(ctx, body, loc, "video.schema.json", "video")
    if data is None:
        return []
    transcripts = []
    tr_data = data.get("transcripts", YMap())
    for lang, ref in tr_data.items():
        ref_loc = tr_data.value_loc(lang)
        rel = ctx.tree.join(scope.file, str(ref), ref_loc)
        fmt = rel.rsplit(".", 1)[-1].lower()
        if fmt not in ("srt", "vtt"):
            ctx.report.add(codes.TRANSCRIPT, f"transcript {ref!r} must be a .srt or .vtt file", ref_loc,
                           "export the captions as SubRip (.srt) or WebVTT (.vtt)")
            continue
        text = ctx.tree.read_text(rel, ref_loc, "transcript")
        try:
            cues = media.parse(text, fmt)
        except media.TranscriptError as exc:
            ctx.report.add(codes.TRANSCRIPT, f"transcript cannot be read: {exc}", Loc(rel, exc.line, 1),
                           "fix the cue at this line")
            continue
        transcripts.append(Transcript(str(lang), rel, [(c.start_ms, c.end_ms, c.text) for c in cues], ref_loc))
    sources = [str(s) for s in data.get("sources", [])]
    if data.get("mp4"):
        sources.insert(0, str(data["mp4"]))
    return [Video(
        id=_block_id(ctx, data, scope, "video", "video", loc),
        loc=loc,
        title=str(data.get("title") or scope.unit_title),
        youtube=str(data.get("youtube", "")),
        sources=sources,
        transcripts=transcripts,
        download_video=bool(data.get("download_video", False)),
        download_track=bool(data.get("download_track", True)),
        start_time=str(data.get("start_time", "")),
        end_time=str(data.get("end_time", "")),
    )]


def _discussion(ctx: LoadContext, body: str, loc: Loc, scope: UnitScope) -> list[Component]:
    data = _yaml_block(ctx, body, loc, "discussion.schema.json", "discussion")
    if data is None:
        return []
    return [Discussion(
        id=_block_id(ctx, data, scope, "discussion", "discussion", loc),
        loc=loc,
        title=str(data.get("title") or scope.unit_title),
        category=str(data.get("category") or scope.section_title),
        target=str(data.get("target") or scope.unit_title),
    )]


def _olx(ctx: LoadContext, body: str, loc: Loc, scope: UnitScope) -> list[Component]:
    try:
        element = etree.fromstring(body.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        line = loc.line + (exc.lineno or 1) - 1
        raise FatalSourceError(codes.INVALID_XML, f"raw OLX is not well-formed XML: {exc.msg}", Loc(loc.file, line, 1),
                               "close every tag, quote every attribute, escape & as &amp;") from None
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag or "}" in tag:
        raise FatalSourceError(codes.INVALID_XML, "raw OLX needs a plain XBlock element as its root", loc)
    counter = ids.slugify(tag).replace("-", "") or "xblock"
    generated = scope.next_id(counter)
    block_id = generated
    if element.get("url_name"):
        block_id = ids.check_pin(element.get("url_name"), loc, ctx.report) or generated
    element.set("url_name", ctx.ids.claim(block_id, tag, loc))
    title = element.get("display_name") or scope.unit_title
    xml = etree.tostring(element, encoding="unicode")
    return [RawXBlock(id=block_id, loc=loc, title=title, tag=tag, xml=xml)]


PARSERS: dict[str, Callable[[LoadContext, str, Loc, UnitScope], list[Component]]] = {
    "problem": _problem,
    "quiz": _quiz,
    "video": _video,
    "discussion": _discussion,
    "olx": _olx,
}


def parse_fence(ctx: LoadContext, name: str, body: str, loc: Loc, scope: UnitScope) -> list[Component]:
    """``loc`` is the line of the opening fence; the body starts on the next line."""
    parser = PARSERS.get(name)
    if parser is None:
        known = ", ".join(f"{{{n}}}" for n in PARSERS)
        near = difflib.get_close_matches(name, list(PARSERS), n=1)
        hint = f"did you mean {{{near[0]}}}?" if near else f"use one of {known}"
        ctx.report.add(codes.UNKNOWN_COMPONENT, f"unknown component type {{{name}}}", loc, hint)
        return []
    try:
        return parser(ctx, body, loc.shifted(1, 1), scope)
    except FatalSourceError as err:
        ctx.fail(err)
        return []

"""The in-memory course: what the loader builds and every later stage reads.

Each node knows where it came from (``loc``). Text written in Markdown is a
:class:`MdText`, which also lists the links and images found in it, already
resolved by the loader, so that checks and emitters never parse paths again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from coursekit.diagnostics import Loc

# -- text, links, files ------------------------------------------------------------

LinkKind = Literal["external", "static", "internal", "page", "mailto", "other"]


@dataclass
class LinkRef:
    """A link or image reference in Markdown.

    ``target`` depends on ``kind``: for ``static`` the path under ``static/``;
    for ``internal`` the block id; for ``page`` the custom page's slug (and
    ``#fragment``, if any); for ``external`` the URL itself.
    """

    href: str
    text: str
    loc: Loc
    kind: LinkKind
    target: str = ""
    is_image: bool = False


@dataclass
class MdText:
    text: str
    loc: Loc
    links: list[LinkRef] = field(default_factory=list)
    inline: bool = False  # rendered without a surrounding <p>
    raw_html: bool = False  # HTML kept verbatim (a .html source file), not Markdown
    # markdown-it tokens, parsed once (by the loader) and shared by every later stage: see markdown.tokens_of
    tokens: list | None = field(default=None, repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass
class StaticFile:
    path: str  # relative to static/, POSIX
    source: str  # relative to the source root
    loc: Loc

    @property
    def asset_name(self) -> str:
        """The name Open edX gives the asset: subfolders joined with ``_``."""
        return self.path.replace("/", "_")


# -- dates -------------------------------------------------------------------------


@dataclass(frozen=True)
class DateSpec:
    """Either an absolute moment or an offset from a run's start."""

    loc: Loc
    absolute: dt.datetime | None = None
    offset: dt.timedelta | None = None
    text: str = ""
    tz: dt.tzinfo | None = field(default=None, compare=False)  # offsets count wall-clock days in this zone

    def resolve(self, run_start: dt.datetime | None) -> dt.datetime | None:
        if self.absolute is not None:
            return self.absolute
        if self.offset is not None and run_start is not None:
            # Aware datetime arithmetic is wall-clock: +2w from 00:00 stays 00:00 across a DST change.
            local = run_start.astimezone(self.tz or dt.UTC) + self.offset
            return local.astimezone(dt.UTC)
        return None


# -- course-level settings -----------------------------------------------------------


@dataclass
class Run:
    name: str
    loc: Loc
    start: DateSpec | None = None
    end: DateSpec | None = None
    enrollment_start: DateSpec | None = None
    enrollment_end: DateSpec | None = None


@dataclass
class AssignmentType:
    type: str
    short_label: str
    weight: float
    min_count: int
    drop_count: int
    loc: Loc


@dataclass
class Grading:
    cutoff: float
    types: list[AssignmentType]
    loc: Loc


@dataclass
class Certificates:
    enabled: bool
    display_behavior: str
    name: str
    description: str
    loc: Loc


@dataclass
class About:
    short_description: str
    overview: MdText | None
    effort: str
    duration: str
    image: StaticFile | None
    loc: Loc
    files: dict[str, MdText] = field(default_factory=dict)  # other about pages (slug -> text), e.g. from adopt


@dataclass
class Update:
    date: dt.date
    body: MdText
    loc: Loc


@dataclass
class Info:
    handouts: MdText | None
    updates: list[Update]
    files: dict[str, str] = field(default_factory=dict)  # info/ files written as they are (name -> text)


@dataclass
class Page:
    slug: str
    title: str
    body: MdText
    loc: Loc


# -- components --------------------------------------------------------------------


@dataclass
class Component:
    id: str
    loc: Loc
    title: str

    block_type = "unknown"

    def texts(self) -> Iterator[MdText]:
        return iter(())


@dataclass
class Html(Component):
    body: MdText = field(default_factory=lambda: MdText("", Loc("")))
    attrs: dict[str, str] = field(default_factory=dict)  # other attributes of the OLX <html> element
    block_type = "html"

    def texts(self) -> Iterator[MdText]:
        yield self.body


@dataclass
class Choice:
    text: MdText
    correct: bool
    feedback: MdText | None
    feedback_unselected: MdText | None
    loc: Loc


@dataclass
class Combination:
    choices: list[str]
    feedback: MdText
    loc: Loc


@dataclass
class WrongAnswer:
    answer: str
    feedback: MdText
    loc: Loc


ProblemKind = Literal["single-choice", "multiple-choice", "dropdown", "numerical", "text"]
PROBLEM_KINDS: tuple[str, ...] = ("single-choice", "multiple-choice", "dropdown", "numerical", "text")


@dataclass
class Problem(Component):
    kind: str = "single-choice"
    question: MdText = field(default_factory=lambda: MdText("", Loc("")))
    choices: list[Choice] = field(default_factory=list)
    combinations: list[Combination] = field(default_factory=list)
    shuffle: bool = False
    answer: object = None  # number for numerical, str for text
    tolerance: object = None
    alternatives: list[str] = field(default_factory=list)
    case_sensitive: bool = False
    regexp: bool = False
    correct_feedback: MdText | None = None
    wrong_answers: list[WrongAnswer] = field(default_factory=list)
    hints: list[MdText] = field(default_factory=list)
    explanation: MdText | None = None
    max_attempts: int | None = None
    weight: float | None = None
    showanswer: str | None = None
    show_reset_button: bool = False
    size: int | None = None  # text: the answer box's width in characters (None: coursekit's 40)
    fields: dict[str, Loc] = field(default_factory=dict)  # keys as written, for checks
    block_type = "problem"

    def texts(self) -> Iterator[MdText]:
        yield self.question
        for choice in self.choices:
            yield choice.text
            if choice.feedback:
                yield choice.feedback
            if choice.feedback_unselected:
                yield choice.feedback_unselected
        for combo in self.combinations:
            yield combo.feedback
        if self.correct_feedback:
            yield self.correct_feedback
        for wrong in self.wrong_answers:
            yield wrong.feedback
        yield from self.hints
        if self.explanation:
            yield self.explanation

    @property
    def scored(self) -> bool:
        return self.weight is None or self.weight > 0


@dataclass
class Transcript:
    language: str
    source: str  # root-relative path of the .srt/.vtt
    cues: list[tuple[int, int, str]]  # (start ms, end ms, text)
    loc: Loc


@dataclass
class Video(Component):
    youtube: str = ""
    sources: list[str] = field(default_factory=list)
    transcripts: list[Transcript] = field(default_factory=list)
    download_video: bool = False
    download_track: bool = True
    start_time: str = ""
    end_time: str = ""
    block_type = "video"


@dataclass
class Discussion(Component):
    category: str = ""
    target: str = ""
    block_type = "discussion"


@dataclass
class RawXBlock(Component):
    tag: str = ""
    xml: str = ""  # the element, serialized, with url_name set
    block_type = "raw"


# -- structure ---------------------------------------------------------------------


@dataclass
class Unit:
    id: str
    title: str
    loc: Loc
    components: list[Component] = field(default_factory=list)
    id_pinned: bool = False


@dataclass
class Subsection:
    id: str
    title: str
    loc: Loc
    file: str
    units: list[Unit] = field(default_factory=list)
    graded: str | None = None
    due: DateSpec | None = None
    start: DateSpec | None = None
    settings: dict[str, object] = field(default_factory=dict)
    id_pinned: bool = False


@dataclass
class Section:
    id: str
    title: str
    loc: Loc
    folder: str
    subsections: list[Subsection] = field(default_factory=list)
    start: DateSpec | None = None
    id_pinned: bool = False


@dataclass
class Course:
    org: str
    number: str
    title: str
    language: str
    timezone: str
    pacing: str
    runs: dict[str, Run]
    default_run: str
    grading: Grading | None
    certificates: Certificates | None
    about: About | None
    info: Info
    pages: list[Page]
    advanced_modules: list[str]
    discussion_topics: list[str]
    problem_defaults: dict[str, object]
    lint: dict[str, object]
    loc: Loc
    sections: list[Section] = field(default_factory=list)
    static_files: list[StaticFile] = field(default_factory=list)
    source_files: list[str] = field(default_factory=list)  # every file under the root
    used_files: set[str] = field(default_factory=set)  # files the course reads or links
    skipped: dict[str, str] = field(default_factory=dict)  # folder or file not read -> the file with the error
    policy: dict[str, object] = field(default_factory=dict)  # other course settings for policy.json, as they are

    def course_key(self, run: str) -> str:
        return f"course-v1:{self.org}+{self.number}+{run}"

    # -- traversal helpers --

    def subsections(self) -> Iterator[tuple[Section, Subsection]]:
        for section in self.sections:
            for sub in section.subsections:
                yield section, sub

    def units(self) -> Iterator[tuple[Section, Subsection, Unit]]:
        for section, sub in self.subsections():
            for unit in sub.units:
                yield section, sub, unit

    def components(self) -> Iterator[tuple[Section, Subsection, Unit, Component]]:
        for section, sub, unit in self.units():
            for comp in unit.components:
                yield section, sub, unit, comp

    def texts(self) -> Iterator[MdText]:
        """Every piece of Markdown in the course, in source order."""
        if self.about and self.about.overview:
            yield self.about.overview
        if self.info.handouts:
            yield self.info.handouts
        for update in self.info.updates:
            yield update.body
        for page in self.pages:
            yield page.body
        for *_, comp in self.components():
            yield from comp.texts()

    def links(self) -> Iterator[LinkRef]:
        for text in self.texts():
            yield from text.links

"""Course statistics per section: prose words, units, figures, questions; and an effort estimate.

Words are counted from the text learners read in HTML components (headings,
paragraphs, lists, tables), not from problems, code or link targets. The
effort estimate is a documented rule of thumb, not a measurement:
study reading at READING_WPM words per minute, plus MINUTES_PER_QUESTION per
problem and MINUTES_PER_DISCUSSION per discussion prompt.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from coursekit import markdown
from coursekit.model import Course, Discussion, Html, MdText, Problem, RawXBlock, Section, Video

READING_WPM = 120
MINUTES_PER_QUESTION = 1.5
MINUTES_PER_DISCUSSION = 10
WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)


def prose_words(text: MdText) -> int:
    count = 0
    for block in markdown.tokens_of(text):
        if block.type != "inline" or not block.children:
            continue
        for tok in block.children:
            if tok.type == "text":
                count += len(WORD_RE.findall(tok.content))
    return count


@dataclass
class SectionStats:
    id: str
    title: str
    subsections: int = 0
    units: int = 0
    words: int = 0
    figures: int = 0
    questions: Counter[str] = field(default_factory=Counter)
    discussions: int = 0
    videos: int = 0
    other_blocks: Counter[str] = field(default_factory=Counter)
    graded_questions: int = 0

    @property
    def question_count(self) -> int:
        return sum(self.questions.values())

    @property
    def minutes(self) -> float:
        return (self.words / READING_WPM + self.question_count * MINUTES_PER_QUESTION
                + self.discussions * MINUTES_PER_DISCUSSION)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "title": self.title, "subsections": self.subsections, "units": self.units,
            "words": self.words, "figures": self.figures, "questions": self.question_count,
            "questions_by_type": dict(sorted(self.questions.items())), "graded_questions": self.graded_questions,
            "discussions": self.discussions, "videos": self.videos,
            "other_blocks": dict(sorted(self.other_blocks.items())), "minutes": round(self.minutes, 1),
        }


def section_stats(section: Section) -> SectionStats:
    stats = SectionStats(section.id, section.title, subsections=len(section.subsections))
    for sub in section.subsections:
        stats.units += len(sub.units)
        for unit in sub.units:
            for comp in unit.components:
                if isinstance(comp, Html):
                    stats.words += prose_words(comp.body)
                    stats.figures += sum(1 for link in comp.body.links if link.is_image)
                elif isinstance(comp, Problem):
                    stats.questions[comp.kind] += 1
                    if sub.graded and comp.scored:
                        stats.graded_questions += 1
                elif isinstance(comp, Discussion):
                    stats.discussions += 1
                elif isinstance(comp, Video):
                    stats.videos += 1
                elif isinstance(comp, RawXBlock):
                    stats.other_blocks[comp.tag] += 1
    return stats


def course_stats(course: Course) -> list[SectionStats]:
    return [section_stats(section) for section in course.sections]


def effort_hours(stats: list[SectionStats]) -> float:
    return sum(s.minutes for s in stats) / 60

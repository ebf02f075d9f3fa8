"""Finnish spelling of the course text (Voikko and the course word list).

What: a word in the prose of a Finnish course (language `fi`) that the
Voikko spell checker does not know and that is not in the course word
list (`lint.words` in course.yaml, one word per line; `Sana*` accepts
every word starting with "Sana", for inflected names). Checked: Markdown
text, titles, problem texts, feedback and hints, image alt texts. Not
checked: code, URLs, e-mail addresses, file names, raw HTML tags and
link targets, text marked as another language (`[best value]{lang=en}`
or `<span lang="en">`: mark foreign phrases so screen readers pronounce
them right), words with digits, words in capitals (abbreviations) and
abbreviations with a case ending (`EU:n`). Needs the Voikko library and
its Finnish dictionary (Debian/Ubuntu: `apt-get install libvoikko1
voikko-fi`); without them the rule prints a note and checks nothing.

Why: typos make a course look careless and confuse learners who read in a
second language; screen readers mispronounce them.

Example: `Kestävät hankitnat` → unknown word "hankitnat" (did you mean: hankinnat?).

Fix: correct the word. Proper names, terms and abbreviations that are
right belong in the word list (e.g. course_src/sanalista.txt).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coursekit import cache
from coursekit.check import CheckContext, Finding
from coursekit.check.spelling import Checker, Voikko, WordList
from coursekit.check.text import find_line, locate, plain_words, prose_words
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course, Html, MdText

CODE = "W701"
NAME = "spelling"
SEVERITY = Severity.WARNING
STAGE = "prose"  # lint only: too slow and too noisy for every build


def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w])")


def _checker(course: Course, ctx: CheckContext) -> Checker | None:
    if "spelling" in ctx.cache:
        return ctx.cache["spelling"]
    checker = None
    if not course.language.lower().startswith("fi"):
        ctx.notice(f"W701: spelling is checked for Finnish only; the course language is {course.language!r}")
    else:
        voikko, reason = Voikko.open("fi")
        if voikko is None:
            ctx.notice(f"W701: spelling not checked: {reason}")
        else:
            words = WordList()
            config = ctx.cache.get("config")
            if config is not None and config.words:
                path = ctx.source_root / config.words
                if path.is_file():
                    words = WordList.parse(path.read_text(encoding="utf-8", errors="replace"))
            checker = Checker(voikko, words)
    ctx.cache["spelling"] = checker
    return checker


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    checker = _checker(course, ctx)
    if checker is None:
        return
    seen: set[tuple[Loc, str]] = set()
    suggestions: dict[str, list[str]] = {}

    def finding(word: str, loc: Loc) -> Iterator[Finding]:
        if (loc, word) in seen:
            return
        seen.add((loc, word))
        if word not in suggestions:
            suggestions[word] = checker.suggest(word)
        near = suggestions[word]
        message = f"unknown word {word!r}" + (f" (did you mean: {', '.join(near)}?)" if near else "")
        yield Finding(loc, message, "correct it, or add it to the course word list (lint.words)")

    identity = (checker.voikko.identity(), sorted(checker.words.exact), checker.words.prefixes)

    def unknown(text: MdText) -> list[tuple[str, int]]:
        """(word, line in the text) of each unknown word: a pure function of the text (memoised)."""
        return cache.current().get("spelling", (text.text, text.inline, identity, course.language), lambda: [
            (item.word, item.rel_line) for item in prose_words(ctx, text, course.language)
            if not checker.correct(item.word, item.dot)])

    def in_text(text: MdText) -> Iterator[Finding]:
        for word, rel_line in unknown(text):
            yield from finding(word, locate(ctx, text, rel_line, _pattern(word)))

    def in_title(value: str, file: str, line: int) -> Iterator[Finding]:
        for item in plain_words(value):
            if not checker.correct(item.word, item.dot):
                yield from finding(item.word, find_line(ctx, file, line, _pattern(item.word).pattern))

    def title_line(file: str, start: int = 1) -> int:
        return find_line(ctx, file, start, r"^\s*-?\s*title\s*:").line

    yield from in_title(course.title, course.loc.file, title_line(course.loc.file))
    if course.about:
        yield from in_title(course.about.short_description, course.about.loc.file, course.about.loc.line)
    for page in course.pages:
        yield from in_title(page.title, page.loc.file, page.loc.line)
    for section in course.sections:
        yield from in_title(section.title, section.loc.file, title_line(section.loc.file))
        for sub in section.subsections:
            yield from in_title(sub.title, sub.file, title_line(sub.file))
            for unit in sub.units:
                if unit.title != sub.title:
                    yield from in_title(unit.title, unit.loc.file, unit.loc.line)
                for comp in unit.components:
                    if not isinstance(comp, Html) and comp.title != unit.title:
                        yield from in_title(comp.title, comp.loc.file, comp.loc.line)
    for text in course.texts():
        yield from in_text(text)

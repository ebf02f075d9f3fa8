"""An English phrase in a Finnish course should be marked as English.

What: in a course whose language is `fi`, a run of English-looking words in
the running text that is not marked with its language: at least three words
of which at least two are common English function words (the, of, and, for,
to, in, with, is, ...), or at least four words with one of the, of, and,
for, with ("public procurement of innovative solutions"; not "in house",
which Finnish uses). A run is a stretch of words
written in letters a-z only (a word with å, ä or ö ends it), joined by
spaces or hyphens and not broken by punctuation (so a Finnish word without
those letters next to the phrase may be shown with it). Not checked: code, link
texts and targets, URLs, raw HTML tags, image alt texts, titles, and text
marked as another language (`[Buying Social]{lang=en}` or
`<span lang="en">`).

Why: screen readers pick the voice by the language of the page; a Finnish
voice reads an unmarked English phrase with Finnish rules and learners who
listen do not understand it. WCAG 2.1 success criterion 3.1.2 (Language of
Parts, level AA) requires the language of such phrases to be marked.

Example: `Komission opas Making Public Procurement work in and for Europe
kuvaa ...` → unmarked English "Making Public Procurement work in and for
Europe".

Fix: mark the phrase: `[Making Public Procurement work in and for
Europe]{lang=en}`. Finnish words around it stay outside the brackets.
Names that are meant to be read the Finnish way need no mark; switch the
rule off for such a file with `lint.ignore`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.text import locate, prose
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "W702"
NAME = "unmarked-english"
SEVERITY = Severity.WARNING
STAGE = "prose"

# Frequent English words that are not Finnish words (so not "on", "me", "no", "se", "a").
FUNCTION_WORDS = frozenset({
    "the", "of", "and", "for", "to", "in", "with", "is", "are", "was", "were", "by", "at", "from", "or",
    "as", "be", "this", "that", "it", "its", "an", "their", "into", "not", "we", "you", "our", "your",
    "which", "who", "how", "what", "has", "have", "will", "can",
})
# Function words that Finnish prose never borrows ("in" and "to" it does: in house, in vitro).
STRONG_WORDS = frozenset({"the", "of", "and", "for", "with"})
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’][a-z]+)?|[^\w\s-]+|\d+")  # letter words, punctuation, numbers
ASCII_WORD_RE = re.compile(r"^[A-Za-z]+(?:['’][a-z]+)?$")
JOIN_RE = re.compile(r"^[ \t-]*$")  # what may stand between two words of a run


def english_runs(content: str) -> Iterator[str]:
    """Runs of English-looking words in ``content`` that pass the rule's test."""
    run: list[str] = []
    last_end = 0

    def finish() -> Iterator[str]:
        if len(run) >= 3:
            function = sum(1 for w in run if w.lower() in FUNCTION_WORDS)
            strong = any(w.lower() in STRONG_WORDS for w in run)
            if function >= 2 or (strong and len(run) >= 4):
                yield " ".join(run)

    for match in TOKEN_RE.finditer(content):
        token = match.group(0)
        between = content[last_end:match.start()]
        if run and not JOIN_RE.match(between):
            yield from finish()
            run = []
        if ASCII_WORD_RE.match(token):
            run.append(token)
        else:
            yield from finish()
            run = []
        last_end = match.end()
    yield from finish()


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    if not course.language.lower().startswith("fi"):
        return
    seen: set[tuple[str, int, int, str]] = set()
    for text in course.texts():
        for piece in prose(ctx, text, course.language):
            if piece.kind != "text" or piece.in_link:
                continue
            for phrase in english_runs(piece.content):
                first = phrase.split(" ")[0]
                loc = locate(ctx, text, piece.rel_line, re.compile(rf"(?<![\w-]){re.escape(first)}(?![\w])"))
                key = (loc.file, loc.line, loc.col, phrase)
                if key in seen:
                    continue
                seen.add(key)
                yield Finding(loc, f"English phrase not marked as English: {phrase!r}",
                              "mark the English words: [...]{lang=en} (Finnish words stay outside the brackets)")

"""Counts in messages: "1 section", "2 sections", never "1 sections" or "section(s)".

Every user-facing count in coursekit goes through :func:`count`, so the grammar is
decided in one place.
"""

from __future__ import annotations

IRREGULAR = {"info": "info", "child": "children", "is": "are", "was": "were", "has": "have"}


def plural(word: str, n: int) -> str:
    """``word`` as it goes with the number ``n`` (English)."""
    if n == 1:
        return word
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith(("s", "x", "sh", "ch")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def count(n: int, word: str, plural_form: str | None = None) -> str:
    """``"1 section"``, ``"3 sections"``; ``plural_form`` for words the rules above get wrong."""
    return f"{n} {word if n == 1 else (plural_form or plural(word, n))}"

"""Block identifiers (Open edX ``url_name``): derived from file names, pinnable, unique."""

from __future__ import annotations

import re
import unicodedata

from coursekit.diagnostics import Loc, Report
from coursekit.load import codes

PIN_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
ORDER_PREFIX_RE = re.compile(r"^(\d+)[-_ ]+(.*)$")
MAX_SLUG = 40

_TRANSLIT = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a", "ß": "ss"})


def slugify(text: str, max_len: int = MAX_SLUG) -> str:
    """Lower-case ASCII slug: ``"Mitä opit?"`` -> ``"mita-opit"``."""
    text = text.translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0] or slug[:max_len]
    return slug


def strip_order(name: str) -> tuple[int | None, str]:
    """``"01-taustat"`` -> ``(1, "taustat")``; names without a number give ``(None, name)``."""
    match = ORDER_PREFIX_RE.match(name)
    if not match:
        return None, name
    return int(match.group(1)), match.group(2)


def check_pin(value: object, loc: Loc, report: Report) -> str | None:
    if not isinstance(value, str) or not PIN_RE.match(value):
        report.add(
            codes.INVALID_ID,
            f"identifier {value!r} is not allowed",
            loc,
            "use 1-100 lower-case letters, digits, '-' and '_', starting with a letter or digit",
        )
        return None
    return value


class IdRegistry:
    """Remembers every id and where it was defined; a second use is an error naming both places."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.where: dict[str, tuple[str, Loc]] = {}

    def claim(self, block_id: str, kind: str, loc: Loc) -> str:
        if block_id in self.where:
            other_kind, other_loc = self.where[block_id]
            self.report.add(
                codes.DUPLICATE_ID,
                f"id {block_id!r} of this {kind} is already used by the {other_kind} at {other_loc}",
                loc,
                "give one of them another id (`id:` in YAML, `{#id}` after a ## heading)",
                related=(other_loc,),
            )
        else:
            self.where[block_id] = (kind, loc)
        return block_id

    def __contains__(self, block_id: str) -> bool:
        return block_id in self.where

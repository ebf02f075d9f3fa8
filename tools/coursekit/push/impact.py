"""The learner-impact report: what an import changes for learners who already started.

Open edX keeps learners' answers, scores and progress under each block's
usage key, which is ``(type, id)`` inside the course. Comparing the block
list of this build with the one last imported to the same course on the
same server (the release record, or else the course read from the LMS)
shows:

- **removed**: an id that is gone. Its learner state is orphaned.
- **renamed**: a removed id that was very likely replaced by a new one; for
  learners this is a removal too (state stays with the old id). Heuristic,
  applied per removed block in course order, each new block used once:

  1. *same title*: a new block of the same type with the same display name
     under the same parent (parents already matched as renamed count as the same);
  2. *same place*: otherwise a new block of the same type under the same
     parent at the same position among its siblings of that type.

  The fix is to pin the old id in the source, which the report suggests.
- **added**: new ids.
- **grading**: a subsection's graded flag or assignment type, or a
  problem's weight or scored flag, changed.
- **moved**: same id under another parent (state is kept).

Blocks that hold learner scores are scored problems, graded subsections and
XBlock types known to record grades. Removing or renaming any of them
refuses the import unless ``--allow-removals`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coursekit.plural import count

SCORED_XBLOCKS = frozenset({
    "drag-and-drop-v2", "openassessment", "lti_consumer", "staffgradedxblock", "edx_sga",
    "library_content", "itembank",
})
KIND_ORDER = ("removed", "renamed", "grading", "moved", "added")
MAX_LINES = 25


@dataclass(frozen=True)
class Block:
    type: str
    id: str
    parent: str
    display_name: str
    index: int  # position among the parent's children of the same type
    graded: bool = False
    format: str = ""
    scored: bool | None = None
    weight: float | None = None
    source: str = ""

    @property
    def holds_scores(self) -> bool:
        if self.type == "sequential":
            return self.graded
        if self.type == "problem" or self.type in SCORED_XBLOCKS:
            if self.scored is not None:
                return self.scored
            return self.weight is None or self.weight > 0
        return False

    def label(self) -> str:
        return f'{self.type} {self.id} "{self.display_name}"'


def normalize(blocks: Iterable[dict[str, Any]]) -> list[Block]:
    """Manifest or outline blocks -> :class:`Block`, without the course root (its id differs by source)."""
    items = list(blocks)
    roots = {str(b.get("id")) for b in items if b.get("type") == "course"}
    counters: dict[tuple[str, str], int] = {}
    out: list[Block] = []
    for item in items:
        kind = str(item.get("type", ""))
        if kind == "course":
            continue
        parent = str(item.get("parent") or "")
        if parent in roots or not parent:
            parent = "course"
        key = (parent, kind)
        index = counters.get(key, 0)
        counters[key] = index + 1
        scored = item.get("scored", item.get("has_score"))
        weight = item.get("weight")
        out.append(Block(
            type=kind,
            id=str(item.get("id", "")),
            parent=parent,
            display_name=str(item.get("display_name") or ""),
            index=index,
            graded=bool(item.get("graded", False)),
            format=str(item.get("format") or ""),
            scored=None if scored is None else bool(scored),
            weight=None if weight is None else float(weight),
            source=str(item.get("source") or ""),
        ))
    return out


@dataclass
class Change:
    kind: str
    block: Block  # the old block, or the new one for "added"
    new: Block | None = None
    detail: str = ""

    @property
    def loses_scores(self) -> bool:
        return self.kind in ("removed", "renamed") and self.block.holds_scores


@dataclass
class ImpactReport:
    baseline: str  # what we compared with, for people
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    compared: bool = True  # False: nothing to compare with (first import)
    retitled: int = 0

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def blocking(self) -> list[Change]:
        return [c for c in self.changes if c.loses_scores]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of(kind)) for kind in KIND_ORDER}

    def lines(self) -> list[str]:
        if not self.compared:
            return [f"Learner impact: nothing to compare with ({self.baseline}); every block is new"]
        out = [f"Learner impact (compared with {self.baseline}):"]
        counts = self.counts()
        out.append("  " + ", ".join(f"{n} {kind}" for kind, n in counts.items())
                   + f", {self.unchanged} unchanged" + (f" ({self.retitled} retitled)" if self.retitled else ""))
        for kind in KIND_ORDER:
            items = self.of(kind)
            for change in items[:MAX_LINES]:
                out.append("  " + _describe(change))
            if len(items) > MAX_LINES:
                out.append(f"  ... and {len(items) - MAX_LINES} more {kind}")
        blocking = self.blocking
        if blocking:
            out.append(f"  {count(len(blocking), 'block')} holding learner scores would disappear (marked !).")
        else:
            out.append("  No block holding learner scores disappears.")
        return out

    def to_json(self) -> dict[str, Any]:
        def ref(b: Block | None) -> dict[str, str] | None:
            return None if b is None else {"type": b.type, "id": b.id, "display_name": b.display_name}

        return {
            "baseline": self.baseline,
            "compared": self.compared,
            "counts": self.counts(),
            "unchanged": self.unchanged,
            "changes": [{"kind": c.kind, "block": ref(c.block), "new": ref(c.new), "detail": c.detail,
                         "loses_scores": c.loses_scores} for c in self.changes],
        }


_PIN_HINT = {
    "chapter": "`id: {id}` in its section.yaml",
    "sequential": "`id: {id}` in its front matter",
    "vertical": "`{{#{id}}}` after its ## heading",
    "problem": "`id: {id}` in the problem",
    "video": "`id: {id}` in the video",
    "discussion": "`id: {id}` in the discussion",
}


def _describe(change: Change) -> str:
    b, mark = change.block, ("! " if change.loses_scores else "  ")
    if change.kind == "removed":
        return f"{mark}removed  {b.label()}" + (" (holds learner scores)" if b.holds_scores else "")
    if change.kind == "renamed":
        assert change.new is not None
        hint = _PIN_HINT.get(b.type, 'url_name="{id}"' if b.type not in ("html",) else "")
        where = f" at {change.new.source}" if change.new.source else ""
        pin = f"; to keep learner state pin the old id: {hint.format(id=b.id)}{where}" if hint else ""
        scores = " (holds learner scores)" if b.holds_scores else ""
        return (f"{mark}renamed  {b.type} {b.id} -> {change.new.id} \"{change.new.display_name}\" "
                f"({change.detail}){scores}{pin}")
    if change.kind == "added":
        return f"{mark}added    {b.label()}"
    if change.kind == "grading":
        return f"{mark}grading  {b.label()}: {change.detail}"
    return f"{mark}moved    {b.label()}: {change.detail} (learner state is kept)"


def _grading_detail(old: Block, new: Block) -> str:
    parts: list[str] = []
    if old.type == "sequential":
        if old.graded != new.graded or (old.graded and old.format != new.format):
            def text(b: Block) -> str:
                return f"graded ({b.format})" if b.graded else "not graded"
            parts.append(f"{text(old)} -> {text(new)}")
    elif old.type == "problem" or old.type in SCORED_XBLOCKS:
        if old.scored is not None and new.scored is not None and old.scored != new.scored:
            parts.append(f"{'scored' if old.scored else 'unscored'} -> {'scored' if new.scored else 'unscored'}")
        if old.weight is not None and new.weight is not None and old.weight != new.weight:
            parts.append(f"weight {old.weight:g} -> {new.weight:g}")
    return "; ".join(parts)


def compare(old_blocks: Iterable[dict[str, Any]], new_blocks: Iterable[dict[str, Any]],
            baseline: str) -> ImpactReport:
    old = normalize(old_blocks)
    new = normalize(new_blocks)
    report = ImpactReport(baseline=baseline)
    old_keys = {(b.type, b.id): b for b in old}
    new_keys = {(b.type, b.id): b for b in new}
    removed = [b for b in old if (b.type, b.id) not in new_keys]
    added = [b for b in new if (b.type, b.id) not in old_keys]

    renamed_to: dict[str, str] = {}  # old id -> new id
    used: set[tuple[str, str]] = set()
    for gone in removed:
        parent = renamed_to.get(gone.parent, gone.parent)
        pool = [a for a in added if a.type == gone.type and a.parent == parent and (a.type, a.id) not in used]
        match = next((a for a in pool if a.display_name == gone.display_name), None)
        how = "same title under the same parent"
        if match is None:
            match = next((a for a in pool if a.index == gone.index), None)
            how = "same place under the same parent, new title"
        if match is None:
            report.changes.append(Change("removed", gone))
            continue
        used.add((match.type, match.id))
        renamed_to[gone.id] = match.id
        report.changes.append(Change("renamed", gone, match, how))

    for b in old:
        after = new_keys.get((b.type, b.id))
        if after is None:
            continue
        detail = _grading_detail(b, after)
        if detail:
            report.changes.append(Change("grading", b, after, detail))
        if renamed_to.get(b.parent, b.parent) != after.parent:
            report.changes.append(Change("moved", b, after, f"from {b.parent} to {after.parent}"))
        elif not detail:
            report.unchanged += 1
        if b.display_name != after.display_name:
            report.retitled += 1
    for b in added:
        if (b.type, b.id) not in used:
            report.changes.append(Change("added", b))
    return report


def first_import(baseline: str) -> ImpactReport:
    return ImpactReport(baseline=baseline, compared=False)

"""What every emit target returns: files for the archive and the blocks it made."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coursekit.diagnostics import Loc


@dataclass
class BlockInfo:
    """One block in the output, for the manifest and the learner-impact report."""

    type: str
    id: str
    parent: str
    display_name: str
    loc: Loc
    graded: bool = False
    format: str = ""
    scored: bool = False
    weight: float = 0.0

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "type": self.type,
            "id": self.id,
            "parent": self.parent,
            "display_name": self.display_name,
            "source": str(self.loc),
        }
        if self.type == "sequential":
            data["graded"] = self.graded
            data["format"] = self.format
        if self.type == "problem":
            data["graded"] = self.graded
            data["scored"] = self.scored
            data["weight"] = self.weight
        return data


@dataclass
class Output:
    """Files keyed by their path inside the archive's top folder; values are bytes or a source file."""

    top: str
    course_id: str
    files: dict[str, bytes | Path] = field(default_factory=dict)
    blocks: list[BlockInfo] = field(default_factory=list)
    format: str = "tar.gz"  # the archive: "tar.gz" (one top folder) or "imscc" (a zip, files at its root)
    companions: dict[str, bytes] = field(default_factory=dict)  # suffix -> file written beside the archive
    report: list[str] = field(default_factory=list)  # what the target could not carry as it is, for the user

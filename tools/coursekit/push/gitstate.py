"""The git state of the course sources: the commit a release record names, and what is not committed.

An import refuses to run when the course source folder has changes that are
not committed (``--allow-dirty`` overrides it), because the release record
names the commit and that commit must hold what went live. What counts:
modified, added, deleted, renamed and **untracked** files inside the source
folder, not files git ignores, and not the release records folder
(``releases/``), which the import itself writes and the build never reads.

Sources that are not in a git work tree (or a machine without git) are
imported with a note: the record then has ``"git_commit": null``, which
claims nothing.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.load import NOT_CONTENT

GIT_TIMEOUT = 30.0

# porcelain v1 status letters -> words for people who do not read `git status --short`
_WORDS = {"M": "modified", "T": "modified", "A": "added", "D": "deleted", "R": "renamed", "C": "copied",
          "U": "conflict"}


@dataclass
class Change:
    what: str  # "modified", "untracked", ...
    path: Path  # absolute


@dataclass
class SourceState:
    in_git: bool
    commit: str = ""
    changes: list[Change] = field(default_factory=list)
    reason: str = ""  # why it is not in git, for the note

    @property
    def dirty(self) -> bool:
        return bool(self.changes)

    def record(self) -> dict[str, object] | None:
        """The release record's ``git_commit`` field."""
        if not self.in_git or not self.commit:
            return None
        return {"commit": self.commit, "dirty": self.dirty}


def _git(source: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(source), *args], capture_output=True, timeout=GIT_TIMEOUT, check=False)


def _word(xy: str) -> str:
    if xy == "??":
        return "untracked"
    for letter in ("U", "D", "R", "C", "A", "M", "T"):
        if letter in xy:
            return _WORDS[letter]
    return "changed"


def source_state(source: Path) -> SourceState:
    """The commit checked out for ``source`` and the uncommitted changes under it."""
    try:
        top = _git(source, "rev-parse", "--show-toplevel")
    except FileNotFoundError:
        return SourceState(False, reason="git is not installed")
    except (OSError, subprocess.SubprocessError) as exc:
        return SourceState(False, reason=f"git could not be run ({exc})")
    if top.returncode != 0:
        err = top.stderr.decode("utf-8", "replace").strip().splitlines()
        first = err[0] if err else f"git exited with {top.returncode}"
        if "not a git repository" in first:
            return SourceState(False)
        return SourceState(False, reason=f"git says: {first.removeprefix('fatal: ')}")
    root = Path(top.stdout.decode("utf-8", "replace").strip())
    head = _git(source, "rev-parse", "--verify", "--quiet", "HEAD")
    commit = head.stdout.decode().strip() if head.returncode == 0 else ""
    excludes = [f":(exclude){name}" for name in NOT_CONTENT]
    status = _git(source, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".", *excludes)
    if status.returncode != 0:
        err = status.stderr.decode("utf-8", "replace").strip().splitlines()
        return SourceState(False, reason=f"git status failed: {err[0] if err else status.returncode}")
    changes: list[Change] = []
    items = status.stdout.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if len(item) < 4:
            continue
        xy, rel = item[:2], item[3:]
        if "R" in xy or "C" in xy:
            i += 1  # the next field is the path it was renamed or copied from
        changes.append(Change(_word(xy), root / rel))
    changes.sort(key=lambda c: str(c.path))
    if not changes and _git(source, "ls-files", "--error-unmatch", "--", ".").returncode != 0:
        # inside a repository, but git ignores the whole folder: a commit would say nothing about it
        return SourceState(False, reason=f"no file in it is tracked by the git repository at {root}")
    return SourceState(True, commit, changes)

"""A content-addressed memo of the pipeline's pure steps, in memory and on disk.

Each entry is the result of one step for one input, stored under a hash of
the step's name, its inputs (the text it reads and anything else the result
depends on) and the *salt*: coursekit's own source files and the versions of
the parsers it uses. A result is therefore only ever reused for exactly the
same input under exactly the same code, so a build from the cache gives the
same bytes as a clean build (a test checks). An edit to one unit changes
only the keys of the texts of that unit: the rest comes from the cache.

Steps memoised: the outline of a subsection file (units and component
fences), the checks and links of each Markdown text, each YAML block with
its schema problems, each text rendered to HTML, and each text's unknown
words (the spelling rule).

The CLI keeps the memo in ``.coursekit-cache/`` beside the course folder
(``COURSEKIT_CACHE_DIR`` to move it, ``--no-cache`` to skip it); entries not
used by a run are dropped when it is saved, so the file holds one course's
worth. A long-lived process (the preview server) keeps one memo across
rebuilds.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
DIR_NAME = ".coursekit-cache"
FILE_NAME = "memo.pickle"
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "jsonschema")


@cache
def salt() -> bytes:
    """What every result also depends on: coursekit's code and schemas, and the parsers' versions."""
    digest = hashlib.blake2b(digest_size=16)
    root = resources.files("coursekit")
    for path in sorted(Path(str(root)).rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(str(root)).as_posix().encode())
            digest.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    return digest.digest()


class Memo:
    """Results by key; ``path`` is where it is loaded from and saved to (None: memory only)."""

    def __init__(self, path: Path | None = None, keep: bool = True) -> None:
        self.path = path
        self.keep = keep  # False: compute every time (no memo open)
        self.entries: dict[bytes, Any] = {}
        self.used: set[bytes] = set()
        self.hits = self.misses = 0
        self._loaded = 0
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            with open(path, "rb") as handle:
                data = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return  # no cache yet, or one from another version: start empty
        if isinstance(data, dict) and data.get("salt") == salt():
            self.entries = data.get("entries", {})
            self._loaded = len(self.entries)

    @staticmethod
    def key(step: str, *parts: object) -> bytes:
        digest = hashlib.blake2b(salt(), digest_size=20)
        digest.update(step.encode())
        for part in parts:
            digest.update(b"\0")
            digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass"))
        return digest.digest()

    def get(self, step: str, parts: tuple, compute: Callable[[], T]) -> T:
        """The memoised result of ``compute()`` for these inputs."""
        if not self.keep:
            return compute()
        key = self.key(step, *parts)
        self.used.add(key)
        if key in self.entries:
            self.hits += 1
            return self.entries[key]
        self.misses += 1
        value = compute()
        self.entries[key] = value
        return value

    def forget_unused(self) -> None:
        """Keep only what the last run used (a long-lived process calls this after each rebuild)."""
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        self.used = set()

    def save(self) -> None:
        """Write the entries this run used, atomically; a cache that cannot be written is skipped."""
        if self.path is None:
            return
        if not self.misses and len(self.used) == self._loaded == len(self.entries):
            return  # nothing new and nothing to drop
        self.forget_unused()
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".memo-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump({"salt": salt(), "entries": self.entries}, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)


_current = Memo(keep=False)  # nothing is kept until a command (or a long-lived process) opens a memo


def current() -> Memo:
    return _current


def default_path(source: Path) -> Path:
    folder = os.environ.get("COURSEKIT_CACHE_DIR")
    base = Path(folder) if folder else source.resolve().parent / DIR_NAME
    return base / FILE_NAME


@contextlib.contextmanager
def opened(source: Path | None, memo: Memo | None = None) -> Iterator[Memo]:
    """Use a memo while the block runs: ``memo`` (a long-lived one), else the one on disk for ``source``,
    else (``source`` None: --no-cache) none at all. Saved back at the end when it has a file."""
    global _current
    previous = _current
    _current = memo or (Memo(default_path(source)) if source is not None else Memo(keep=False))
    try:
        yield _current
    finally:
        _current.save()  # also after errors: every entry is a finished, pure result
        _current = previous

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

The CLI keeps the memo in the user's cache folder, one per course folder
(``~/.cache/coursekit/courses/<hash of its path>/``; ``XDG_CACHE_HOME`` is
honoured, ``COURSEKIT_CACHE_DIR`` names the folder outright, ``--no-cache``
skips it): never in the repository, so a cloned course cannot bring one.
The file is signed with a key of the user's own (``~/.cache/coursekit/key``,
readable by the user only) and a file whose signature does not match is not
unpickled. Entries no run has used in the last :data:`KEEP_RUNS` saves are
dropped, so the file holds about one course's worth (build and lint use
different steps, so one run's entries are not enough). A long-lived process (the preview server)
keeps one memo across rebuilds.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.util
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
SIGNATURE_SIZE = 32
KEEP_RUNS = 5  # an entry no run used in this many saves is dropped
FILE_NAME = "memo.pickle"
LIBRARIES = ("markdown_it", "mdit_py_plugins", "yaml", "jsonschema")


@cache
def salt() -> bytes:
    """What every result also depends on: coursekit's code and schemas, and the parsers installed."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    for name in LIBRARIES:  # each library as installed, without importing it: an upgrade rewrites its files
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            stat = Path(spec.origin).stat()
            digest.update(f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.digest()


class Memo:
    """Results by key; ``path`` is where it is loaded from and saved to (None: memory only)."""

    def __init__(self, path: Path | None = None, keep: bool = True) -> None:
        self.path = path
        self.keep = keep  # False: compute every time (no memo open)
        self.entries: dict[bytes, Any] = {}
        self.ages: dict[bytes, int] = {}  # key -> the generation (save) that last used it
        self.generation = 0
        self.hits = self.misses = 0
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            blob = path.read_bytes()
            signature, payload = blob[:SIGNATURE_SIZE], blob[SIGNATURE_SIZE:]
            if not hmac.compare_digest(signature, _sign(payload)):
                return  # not written by this user's coursekit: never unpickled
            data = pickle.loads(payload)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return  # no cache yet, or one from another version: start empty
        if isinstance(data, dict) and data.get("salt") == salt():
            self.entries = data.get("entries", {})
            self.ages = data.get("ages", {})
            self.generation = int(data.get("generation", 0)) + 1

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
        if key in self.entries:
            self.hits += 1
            self.ages[key] = self.generation
            return self.entries[key]
        self.misses += 1
        value = compute()
        self.entries[key] = value
        self.ages[key] = self.generation
        return value

    def forget_unused(self) -> int:
        """Drop entries no run used in the last KEEP_RUNS generations; start the next generation.

        A long-lived process calls this after each rebuild. Returns how many were dropped.
        """
        oldest = self.generation - KEEP_RUNS + 1
        stale = [k for k in self.entries if self.ages.get(k, -1) < oldest]
        for key in stale:
            del self.entries[key]
            self.ages.pop(key, None)
        self.generation += 1
        return len(stale)

    def save(self) -> None:
        """Write the memo atomically when this run added to it (or it has entries to drop); a cache that
        cannot be written is skipped."""
        if self.path is None:
            return
        oldest = self.generation - KEEP_RUNS + 1
        if not self.misses and all(self.ages.get(k, -1) >= oldest for k in self.entries):
            return  # nothing new and nothing to drop
        generation = self.generation
        self.forget_unused()
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = {"salt": salt(), "generation": generation, "entries": self.entries, "ages": self.ages}
            payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(prefix=".memo-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(_sign(payload) + payload)
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)


_current = Memo(keep=False)  # nothing is kept until a command (or a long-lived process) opens a memo


def current() -> Memo:
    return _current


def user_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "coursekit"


def default_path(source: Path) -> Path:
    folder = os.environ.get("COURSEKIT_CACHE_DIR")
    if folder:
        return Path(folder) / FILE_NAME
    course = hashlib.blake2b(str(source.resolve()).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return user_cache_dir() / "courses" / course / FILE_NAME


@cache
def _key() -> bytes:
    """The user's signing key, made on first use (readable by the user only); none: nothing verifies."""
    path = user_cache_dir() / "key"
    if not path.exists():
        with contextlib.suppress(OSError):  # FileExistsError: another process made it first
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(32))
    with contextlib.suppress(OSError):
        data = path.read_bytes()
        if len(data) == 32:
            return data
    return os.urandom(32)  # no usable key file: this process's cache cannot be read back, only rebuilt


def _sign(payload: bytes) -> bytes:
    return hmac.new(_key(), payload, hashlib.sha256).digest()


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

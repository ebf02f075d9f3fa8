"""Safe access to the files under the course source root.

Every read goes through :class:`SourceTree`, which keeps paths inside the
root (no ``..``, no absolute paths, no symlinks leading out), decodes UTF-8
with a line-accurate error, and remembers which files were used.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

from coursekit.diagnostics import FatalSourceError, Loc
from coursekit.load import codes


class SourceTree:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.used: set[str] = set()

    # -- paths -------------------------------------------------------------

    def join(self, base_file: str, ref: str, loc: Loc) -> str:
        """Resolve ``ref`` (relative to the file ``base_file``) to a root-relative path."""
        if ref.startswith("/") or (len(ref) > 1 and ref[1] == ":") or "\\" in ref:
            raise FatalSourceError(
                codes.OUTSIDE,
                f"absolute path {ref!r} is not allowed",
                loc,
                "use a path relative to this file, e.g. ../static/kuva.png",
            )
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_file), ref))
        if joined == ".." or joined.startswith("../"):
            raise FatalSourceError(
                codes.OUTSIDE,
                f"path {ref!r} points outside the course source folder",
                loc,
                "keep every file the course uses inside the course folder (e.g. under static/)",
            )
        return "" if joined == "." else joined

    def abspath(self, rel: str, loc: Loc) -> Path:
        path = self.root / rel
        # Symlinks are followed only while they stay inside the root.
        real = Path(os.path.realpath(path))
        if real != self.root and self.root not in real.parents:
            raise FatalSourceError(
                codes.OUTSIDE,
                f"{rel!r} is a link to a place outside the course source folder",
                loc,
                "replace the link with a copy of the file",
            )
        return path

    def exists(self, rel: str) -> bool:
        return (self.root / rel).exists()

    def is_file(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def is_dir(self, rel: str) -> bool:
        return (self.root / rel).is_dir()

    def require_exact_case(self, rel: str, loc: Loc, what: str = "file") -> None:
        """Raise E003 unless ``rel`` exists with exactly this spelling (case included)."""
        current = self.root
        for part in [p for p in rel.split("/") if p]:
            try:
                names = os.listdir(current)
            except (NotADirectoryError, FileNotFoundError):
                names = []
            if part not in names:
                near = [n for n in names if n.lower() == part.lower()]
                hint = (
                    f"the name differs only in case: {near[0]!r}; Open edX is case-sensitive"
                    if near
                    else f"check the path, or add the {what}"
                )
                raise FatalSourceError(codes.MISSING_FILE, f"{what} {rel!r} does not exist", loc, hint)
            current = current / part

    # -- reading -----------------------------------------------------------

    def read_bytes(self, rel: str, loc: Loc, what: str = "file") -> bytes:
        self.require_exact_case(rel, loc, what)
        path = self.abspath(rel, loc)
        if not path.is_file():
            raise FatalSourceError(codes.MISSING_FILE, f"{rel!r} is not a file", loc)
        self.used.add(rel)
        return path.read_bytes()

    def read_text(self, rel: str, loc: Loc, what: str = "file") -> str:
        data = self.read_bytes(rel, loc, what)
        return decode_utf8(data, rel)

    def walk(self) -> list[str]:
        """All files under the root (sorted, root-relative); links leading out are errors."""
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                rel = Path(dirpath, name).relative_to(self.root).as_posix()
                found.append(rel)
            for d in list(dirnames):
                full = Path(dirpath, d)
                if full.is_symlink():
                    rel = full.relative_to(self.root).as_posix()
                    self.abspath(rel, Loc(rel))
        return found


def decode_utf8(data: bytes, rel: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FatalSourceError(
            codes.NOT_UTF8,
            f"file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
            Loc(rel, line, col),
            "save the file as UTF-8 in your editor",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise FatalSourceError(
            codes.CONTROL_CHAR,
            f"invisible control character U+{ord(bad.group()):04X} in the text",
            Loc(rel, line, col),
            "delete it (retype the word around it); it often comes with text pasted from a word processor",
        )
    return text


# C0 controls but tab and line feed, DEL, C1 controls: invisible, and not allowed in XML 1.0.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

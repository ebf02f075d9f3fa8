"""Open a course export safely: a ``.tar.gz`` (or ``.tgz``) archive, or an unpacked folder.

Archives are checked member by member before anything is unpacked, the way
Open edX's ``safe_extractall`` refuses them: absolute paths, ``..``, links
that lead out of the archive, and device files are errors that name the
member. Folders are refused when a symlink inside leads out of the folder.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from coursekit.read import OlxError

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


def _check_member(member: tarfile.TarInfo, archive: str) -> None:
    name = member.name
    where = f"{archive}: {name}"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or "\\" in name:
        raise OlxError("archive member has an absolute path", where, "re-export the course from Studio")
    parts = posixpath.normpath(name).split("/")
    if ".." in parts:
        raise OlxError("archive member path contains '..' (it would be written outside the archive)", where,
                       "re-export the course from Studio")
    if member.issym() or member.islnk():
        target = member.linkname
        base = posixpath.dirname(name) if member.issym() else ""
        joined = posixpath.normpath(posixpath.join(base, target))
        if target.startswith("/") or joined == ".." or joined.startswith("../"):
            raise OlxError(f"archive member is a link to {target!r}, outside the archive", where,
                           "replace the link with the file itself")
    elif not (member.isfile() or member.isdir()):
        raise OlxError("archive member is a device, FIFO or other special file", where, "remove it from the archive")


def _check_folder(root: Path) -> None:
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            if path.is_symlink():
                real = Path(os.path.realpath(path))
                if real != real_root and real_root not in real.parents:
                    raise OlxError(f"is a link to {os.readlink(path)!r}, outside the course folder",
                                   str(path), "replace the link with a copy of the file")


def find_course_root(top: Path, shown: str) -> Path:
    """The folder holding ``course.xml``: the top or the shallowest one below it (Open edX searches too)."""
    if (top / "course.xml").is_file():
        return top
    found = sorted((p for p in top.rglob("course.xml") if "drafts" not in p.relative_to(top).parts),
                   key=lambda p: (len(p.parts), str(p)))
    if not found:
        raise OlxError("no course.xml found: this is not an Open edX course export", shown,
                       "give the .tar.gz exported from Studio (Tools > Export) or the folder unpacked from it")
    return found[0].parent


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Path]:
    """Yield the folder of the course (the one with ``course.xml``); archives are unpacked to a temp dir."""
    shown = str(path)
    if not path.exists():
        raise OlxError("no such file or folder", shown)
    if path.is_dir():
        _check_folder(path)
        yield find_course_root(path, shown)
        return
    if not path.name.endswith(ARCHIVE_SUFFIXES):
        raise OlxError("not a course export: give a .tar.gz archive or a folder", shown)
    try:
        tar = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise OlxError(f"cannot be read as a .tar.gz archive ({exc})", shown) from None
    with tar, tempfile.TemporaryDirectory(prefix="coursekit-olx-") as tmp:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise OlxError(f"the archive is damaged ({exc})", shown) from None
        for member in members:
            _check_member(member, shown)
        try:
            tar.extractall(tmp, members=members, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise OlxError(f"the archive cannot be unpacked ({exc})", shown) from None
        yield find_course_root(Path(tmp), shown)

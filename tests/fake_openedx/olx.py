"""Archive checks and OLX reading, as the CMS import task does them.

``safe_extract`` follows openedx/core/lib/extract_archive.py: every member is
checked before anything is written (paths must stay inside, no device
files, limits on total size, number of files and compression ratio). It is
stricter in one point: links are refused altogether, because no course
archive needs them.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

STRUCTURE = ("course", "chapter", "sequential", "vertical")
SCORED = frozenset({"problem", "drag-and-drop-v2", "openassessment", "lti_consumer", "staffgradedxblock"})


class UnsafeArchive(Exception):
    """Open edX raises SuspiciousOperation; the task then fails with 'Unsafe archive file. Aborting import.'"""


class OlxError(Exception):
    pass


@dataclass
class Limits:
    max_extracted_size: int = 2 * 1024 * 1024 * 1024
    max_files: int = 50_000
    max_ratio: int = 200


def _bad_path(name: str) -> bool:
    if name.startswith("/") or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        return True
    norm = posixpath.normpath(name)
    return norm == ".." or norm.startswith("../")


def check_members(members: list[tarfile.TarInfo], compressed_size: int, limits: Limits) -> None:
    if len(members) > limits.max_files:
        raise UnsafeArchive("Archive contains too many files")
    total = 0
    for member in members:
        if _bad_path(member.name):
            raise UnsafeArchive(f"Illegal path: {member.name}")
        if member.issym() or member.islnk():
            raise UnsafeArchive(f"Link: {member.name}")
        if member.isdev():
            raise UnsafeArchive(f"Dev file: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise UnsafeArchive(f"Unsupported member type: {member.name}")
        total += member.size if member.isfile() else 0
        if total > limits.max_extracted_size:
            raise UnsafeArchive("Archive too large")
    if total // max(compressed_size, 1) > limits.max_ratio:
        raise UnsafeArchive("Archive compression ratio too high")


def safe_extract(archive: Path, dest: Path, limits: Limits) -> None:
    compressed = archive.stat().st_size
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as exc:
        raise OlxError(f"not a readable archive: {exc}") from None
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise OlxError(f"corrupt archive: {exc}") from None
        check_members(members, compressed, limits)
        base = dest.resolve()
        for member in members:
            target = (base / member.name).resolve()
            if not target.is_relative_to(base):
                raise UnsafeArchive(f"Illegal path: {member.name}")
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            assert src is not None
            with src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)


def find_course_dir(root: Path) -> Path | None:
    """The folder holding course.xml, searched recursively like import_olx does."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        if "course.xml" in files:
            return Path(folder)
    return None


def _parse(path: Path) -> ElementTree.Element:
    try:
        return ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        raise OlxError(f"Error while reading {path.name}. Check file for XML errors.") from None


def read_course(course_dir: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """course.xml -> ({org, course, url_name}, blocks) with the root block id "course" (as split stores it)."""
    pointer = _parse(course_dir / "course.xml")
    info = {k: pointer.get(k, "") for k in ("org", "course", "url_name")}
    root_file = course_dir / "course" / f"{info['url_name']}.xml"
    root = _parse(root_file) if root_file.exists() else pointer
    blocks: list[dict[str, Any]] = []
    counter = [0]

    def visit(elem: ElementTree.Element, tag: str, block_id: str, parent: str) -> None:
        block: dict[str, Any] = {"type": tag, "id": block_id, "parent": parent,
                                 "display_name": elem.get("display_name", ""),
                                 "graded": elem.get("graded", "false").lower() == "true",
                                 "format": elem.get("format")}
        if tag in SCORED:
            block["has_score"] = True
            if elem.get("weight") is not None:
                block["weight"] = float(elem.get("weight", "1"))
        blocks.append(block)
        if tag not in STRUCTURE:
            return
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            counter[0] += 1
            child_id = child.get("url_name") or f"{child.tag}{counter[0]:04d}"
            node = child
            child_file = course_dir / child.tag / f"{child_id}.xml"
            if set(child.attrib) <= {"url_name"} and len(child) == 0 and child_file.exists():
                node = _parse(child_file)
            visit(node, child.tag, child_id, block_id)

    visit(root, "course", "course", "")
    return info, blocks

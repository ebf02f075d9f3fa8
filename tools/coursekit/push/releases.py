"""Release records: what was imported where, kept in git next to the course.

Layout (one JSON file per successful import)::

    course_src/releases/<server>/<course>/<UTC time>.json
    course_src/releases/studio.example.org/KEINO+KIJH01+2019_kesa/20260127T101500Z.json

- ``<server>`` is the CMS host name, with ``_<port>`` when the URL has a port;
- ``<course>`` is the course key without ``course-v1:`` (``:`` is not allowed in
  file names on every system);
- ``<UTC time>`` is when the import finished, ``YYYYMMDDTHHMMSSZ``, so names
  sort by time and the newest file is the last release.

A record holds the course key, server URLs, time, task id, the archive's
sha256, the git commit, the read-back result and the manifest's blocks. The
next import to the same course on the same server compares against it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RECORD_FORMAT = "coursekit-release/1"
_NAME_RE = re.compile(r"^\d{8}T\d{6}Z(-\d+)?\.json$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


def server_dir(cms_url: str) -> str:
    parts = urlsplit(cms_url)
    host = (parts.hostname or "server").lower()
    name = f"{host}_{parts.port}" if parts.port else host
    return _UNSAFE.sub("_", name)


def course_dir(course_id: str) -> str:
    key = course_id.split(":", 1)[1] if course_id.startswith("course-v1:") else course_id
    return _UNSAFE.sub("_", key)


def release_dir(root: Path, cms_url: str, course_id: str) -> Path:
    return root / server_dir(cms_url) / course_dir(course_id)


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def latest(root: Path, cms_url: str, course_id: str) -> tuple[Path, dict[str, Any]] | None:
    """The newest release record of this course on this server, or None."""
    folder = release_dir(root, cms_url, course_id)
    if not folder.is_dir():
        return None
    names = sorted((p for p in folder.iterdir() if _NAME_RE.match(p.name)), key=_order)
    for path in reversed(names):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("blocks"), list):
            return path, data
    return None


def _order(path: Path) -> tuple[str, int]:
    base, _, n = path.stem.partition("-")
    return base, int(n or 0)


def write(root: Path, cms_url: str, course_id: str, record: dict[str, Any], moment: dt.datetime) -> Path:
    """Write the record atomically; never overwrite an existing one."""
    folder = release_dir(root, cms_url, course_id)
    folder.mkdir(parents=True, exist_ok=True)
    stem = timestamp(moment)
    path = folder / f"{stem}.json"
    n = 1
    while path.exists():
        path = folder / f"{stem}-{n}.json"
        n += 1
    data = {"format": RECORD_FORMAT, **record}
    fd, tmp = tempfile.mkstemp(prefix=".tmp-release-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def records_of_course(root: Path, org: str, number: str) -> list[Path]:
    """Every release record of any run of the course ``org``/``number``, on any server, sorted."""
    if not root.is_dir():
        return []
    prefix = course_dir(f"course-v1:{org}+{number}+")
    return sorted(
        path
        for server in root.iterdir() if server.is_dir()
        for course in server.iterdir() if course.is_dir() and course.name.startswith(prefix)
        for path in course.iterdir() if _NAME_RE.match(path.name)
    )

"""Package stage: emitted files -> a byte-reproducible .tar.gz and its manifest.

The archive has one top-level folder; members are sorted, with fixed
mtime, owner and modes, and the gzip header carries no time or file name.
Only paths the emitter produced go in, each checked to stay inside the top
folder; no links are written.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import posixpath
import tarfile
from pathlib import Path

from coursekit.emit.base import Output

MTIME = 0
MANIFEST_FORMAT = "coursekit-manifest/1"
CHUNK = 1 << 20


def _check_path(path: str) -> None:
    norm = posixpath.normpath(path)
    if path.startswith("/") or norm != path or norm.startswith("..") or "\\" in path or not path:
        raise ValueError(f"refusing to package unsafe path {path!r}")


def _dirs_of(paths: list[str]) -> list[str]:
    dirs: set[str] = set()
    for path in paths:
        parent = posixpath.dirname(path)
        while parent:
            dirs.add(parent)
            parent = posixpath.dirname(parent)
    return sorted(dirs)


def _data(value: bytes | Path) -> tuple[int, io.BufferedIOBase]:
    if isinstance(value, bytes):
        return len(value), io.BytesIO(value)
    handle = open(value, "rb")  # noqa: SIM115 - closed by the caller
    return value.stat().st_size, handle


def _sha256(value: bytes | Path) -> str:
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    digest = hashlib.sha256()
    with open(value, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(output: Output, dest: Path) -> None:
    paths = sorted(output.files)
    for path in paths:
        _check_path(path)
    # tarfile writes headers, data and padding in small pieces: a buffer hands gzip large ones
    # (the compressed bytes do not depend on how the input is cut)
    with open(dest, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=MTIME,
                                                compresslevel=9) as gz, \
            io.BufferedWriter(gz, buffer_size=CHUNK) as buffered, \
            tarfile.open(fileobj=buffered, mode="w", format=tarfile.PAX_FORMAT) as tar:
        members = [(output.top, None)] + [(f"{output.top}/{d}", None) for d in _dirs_of(paths)]
        members += [(f"{output.top}/{p}", output.files[p]) for p in paths]
        members.sort(key=lambda m: m[0])
        for name, value in members:
            info = tarfile.TarInfo(name)
            info.mtime = MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if value is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
                continue
            info.mode = 0o644
            size, handle = _data(value)
            info.size = size
            with handle:
                tar.addfile(info, handle)


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold


def write_zip(output: Output, dest: Path) -> None:
    """The files at the root of a zip (an IMS Common Cartridge): sorted, fixed times and modes, deflated."""
    import zipfile

    paths = sorted(output.files)
    for path in paths:
        _check_path(path)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in paths:
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever builds it
            info.external_attr = 0o100644 << 16
            value = output.files[path]
            if isinstance(value, bytes):
                archive.writestr(info, value, compresslevel=9)
            else:
                with open(value, "rb") as src, archive.open(info, "w") as dst:
                    while chunk := src.read(CHUNK):
                        dst.write(chunk)


def write_tree(output: Output, dest: Path, static_content: bool = True) -> None:
    """The same files as a folder, for inspection and for validators that read folders.

    With ``static_content=False`` files copied from the sources (static files) are written empty: enough for
    a validator that only checks they exist.
    """
    made: set[Path] = set()
    for path in sorted(output.files):
        _check_path(path)
        target = dest / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        value = output.files[path]
        if isinstance(value, bytes):
            target.write_bytes(value)
        elif not static_content:
            target.touch()
        else:
            with open(value, "rb") as src, open(target, "wb") as dst:
                while chunk := src.read(CHUNK):
                    dst.write(chunk)


def file_sha256(path: Path) -> str:
    return _sha256(path)


def manifest(output: Output, archive_name: str, archive_sha256: str, extra: dict[str, object]) -> bytes:
    by_type: dict[str, list[str]] = {}
    for block in output.blocks:
        by_type.setdefault(block.type, []).append(block.id)
    data = {
        "format": MANIFEST_FORMAT,
        "course_id": output.course_id,
        **extra,
        "archive": archive_name,
        "archive_sha256": archive_sha256,
        "top": output.top,
        "files": {p: _sha256(output.files[p]) for p in sorted(output.files)},
        "block_ids": {t: sorted(ids) for t, ids in sorted(by_type.items())},
        "blocks": [b.to_json() for b in output.blocks],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

"""A streaming multipart/form-data parser: file parts go straight to disk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
MAX_HEADER = 16 * 1024
MAX_FIELD = 64 * 1024


class MultipartError(ValueError):
    pass


@dataclass
class Part:
    name: str
    filename: str | None
    path: Path | None  # for file parts
    value: bytes  # for plain fields
    size: int


class _Reader:
    def __init__(self, stream: BinaryIO, length: int) -> None:
        self.stream = stream
        self.remaining = length
        self.buf = bytearray()
        self.total = 0

    def fill(self, n: int) -> bool:
        """Read until at least n bytes are buffered; False if the body ends first."""
        while len(self.buf) < n and self.remaining > 0:
            data = self.stream.read(min(CHUNK, self.remaining))
            if not data:
                raise MultipartError("the request body ended before Content-Length bytes")
            self.remaining -= len(data)
            self.total += len(data)
            self.buf += data
        return len(self.buf) >= n

    def drain(self) -> None:
        while self.remaining > 0:
            data = self.stream.read(min(CHUNK, self.remaining))
            if not data:
                return
            self.remaining -= len(data)


_PARAM_RE = re.compile(r';\s*([a-zA-Z0-9_*-]+)="?([^";]*)"?')


def _disposition(headers: dict[str, str]) -> tuple[str, str | None]:
    value = headers.get("content-disposition", "")
    if not value.lower().startswith("form-data"):
        raise MultipartError("part without Content-Disposition: form-data")
    params = {k.lower(): v for k, v in _PARAM_RE.findall(value)}
    if "name" not in params:
        raise MultipartError("part without a name")
    return params["name"], params.get("filename")


def sanitize_filename(name: str) -> str:
    """Like Django: keep the base name only (both / and \\ separate folders)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


def parse(stream: BinaryIO, length: int, boundary: str, dest: Path) -> dict[str, Part]:
    """Parse a multipart body of ``length`` bytes; file parts are written into ``dest``."""
    delim = b"--" + boundary.encode("latin-1")
    marker = b"\r\n" + delim
    reader = _Reader(stream, length)
    parts: dict[str, Part] = {}
    # preamble, then the first boundary
    while True:
        idx = reader.buf.find(delim)
        if idx >= 0:
            del reader.buf[: idx + len(delim)]
            break
        if len(reader.buf) > len(delim):
            del reader.buf[: -len(delim)]
        if not reader.fill(len(reader.buf) + 1):
            raise MultipartError("no multipart boundary in the body")
    n = 0
    while True:
        if not reader.fill(2):
            raise MultipartError("truncated multipart body")
        if reader.buf[:2] == b"--":
            reader.drain()
            return parts
        if reader.buf[:2] != b"\r\n":
            raise MultipartError("malformed boundary line")
        del reader.buf[:2]
        while (end := reader.buf.find(b"\r\n\r\n")) < 0:
            if len(reader.buf) > MAX_HEADER or not reader.fill(len(reader.buf) + 1):
                raise MultipartError("part headers too long or truncated")
        headers: dict[str, str] = {}
        for line in bytes(reader.buf[:end]).decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        del reader.buf[: end + 4]
        name, filename = _disposition(headers)
        n += 1
        if filename is not None:
            safe = sanitize_filename(filename)
            path = dest / f"part{n}"
            path.mkdir(parents=True, exist_ok=True)
            path = path / (safe or "upload")
            handle = open(path, "wb")  # noqa: SIM115 - closed below
            value = b""
        else:
            path, handle, value = None, None, b""
        size = 0
        field = bytearray()
        try:
            while True:
                idx = reader.buf.find(marker)
                if idx >= 0:
                    piece = reader.buf[:idx]
                    del reader.buf[: idx + len(marker)]
                    done = True
                else:
                    keep = len(marker) - 1
                    piece = reader.buf[:-keep] if len(reader.buf) > keep else bytearray()
                    del reader.buf[: len(piece)]
                    done = False
                size += len(piece)
                if handle is not None:
                    handle.write(piece)
                else:
                    field += piece
                    if len(field) > MAX_FIELD:
                        raise MultipartError(f"field {name!r} too large")
                if done:
                    break
                if not reader.fill(len(reader.buf) + 1):
                    raise MultipartError("no closing boundary")
        finally:
            if handle is not None:
                handle.close()
        if handle is None:
            value = bytes(field)
        parts[name] = Part(name, sanitize_filename(filename) if filename is not None else None, path, value, size)

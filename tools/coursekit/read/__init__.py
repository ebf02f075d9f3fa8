"""The reverse edge: an Open edX course export (OLX) read the way Open edX reads it.

:mod:`coursekit.read.archive` opens a ``.tar.gz`` or a folder safely,
:mod:`coursekit.read.olx` follows the OLX into a tree of blocks
(:class:`~coursekit.read.olx.OlxCourse`), which ``coursekit diff`` compares
and :mod:`coursekit.read.model` turns into the course model for ``adopt``.
"""

from __future__ import annotations


class OlxError(Exception):
    """Bad input: the archive or folder cannot be read as an OLX course. ``where`` locates it."""

    def __init__(self, message: str, where: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def format(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f"\n    fix: {self.hint}"
        return text

"""Findings with a source location, a stable code and a severity.

Every stage reports problems as :class:`Diagnostic` objects. Paths in a
:class:`Loc` are POSIX paths relative to the course source root, so results
are the same on every machine; the CLI adds the root when printing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True, order=True)
class Loc:
    """A place in the sources: file relative to the source root, 1-based line and column."""

    file: str
    line: int = 1
    col: int = 1

    def shifted(self, lines: int, col: int | None = None) -> Loc:
        return Loc(self.file, self.line + lines, self.col if col is None else col)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    loc: Loc
    hint: str = ""
    related: tuple[Loc, ...] = field(default=())
    cause: str = ""  # the file whose own error this one follows from; such findings are listed last

    def format(self, root: str = "") -> str:
        prefix = f"{root.rstrip('/')}/" if root else ""
        text = f"{prefix}{self.loc}: {self.code} {self.severity}: {self.message}"
        for other in self.related:
            text += f"\n    see also {prefix}{other}"
        if self.hint:
            text += f"\n    fix: {self.hint}"
        return text

    def sort_key(self) -> tuple:
        return (bool(self.cause), self.loc.file, self.loc.line, self.loc.col, self.code, self.message)


def causes(skipped: dict[str, str]) -> str:
    """The files named in a ``skipped`` map (part not read -> file with the error), for :func:`because`."""
    return ", ".join(sorted(set(skipped.values())))


def because(message: str, cause: str) -> str:
    """``message`` marked as following from the error in the file ``cause`` (if any)."""
    return f"{message} (probably because {cause} could not be read)" if cause else message


class Report:
    """Collects diagnostics from one run of a stage."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(
        self,
        code: str,
        message: str,
        loc: Loc,
        hint: str = "",
        severity: Severity = Severity.ERROR,
        related: tuple[Loc, ...] = (),
        cause: str = "",
    ) -> None:
        self.items.append(Diagnostic(code, severity, because(message, cause), loc, hint, related, cause))

    def extend(self, items: list[Diagnostic]) -> None:
        self.items.extend(items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity >= Severity.ERROR]

    def has_errors(self) -> bool:
        return any(d.severity >= Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)


class CourseError(Exception):
    """Raised when a stage cannot go on; carries everything found so far."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        first = self.diagnostics[0].format() if self.diagnostics else "unknown error"
        super().__init__(first)


class FatalSourceError(Exception):
    """Stops loading one file; the loader turns it into a diagnostic and moves on."""

    def __init__(self, code: str, message: str, loc: Loc, hint: str = "") -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(code, Severity.ERROR, message, loc, hint)

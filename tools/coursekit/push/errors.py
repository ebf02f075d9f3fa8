"""Errors of ``coursekit import``: each says what went wrong and what to check.

The text is redacted when the exception is made, so ``str()``, ``repr()``
and ``args`` never hold a secret. ``exit_code`` is what the CLI exits with.
"""

from __future__ import annotations

import textwrap

from coursekit.push.redact import redact

EXIT_SOURCES = 1
EXIT_CONFIG = 2
EXIT_INTERNAL = 3
EXIT_FAILED = 4
EXIT_REFUSED = 5
EXIT_READBACK = 6


class PushError(Exception):
    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str = "", exit_code: int | None = None) -> None:
        self.message = redact(message)
        self.hint = redact(hint)
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(self.message)

    def render(self, width: int = 100) -> str:
        text = f"error: {self.message}"
        for line in self.hint.splitlines():
            text += "\n" + "\n".join(textwrap.wrap(line, width, initial_indent="  ", subsequent_indent="  ",
                                                    break_on_hyphens=False, break_long_words=False) or [""])
        return text


class SourcesError(PushError):
    """The course sources or their build are not fit to import (uncommitted changes, a stale archive)."""

    exit_code = EXIT_SOURCES


class ConfigError(PushError):
    exit_code = EXIT_CONFIG


class ApiError(PushError):
    """The server answered with an error status, or could not be reached.

    Exit 4, except where the answer shows that a setting is wrong (exit 2): a host name
    that does not resolve, refused client credentials or pre-issued token, a base URL
    that answers "page not found".
    """

    def __init__(self, message: str, hint: str = "", status: int | None = None,
                 developer_message: str = "", exit_code: int | None = None) -> None:
        super().__init__(message, hint, exit_code)
        self.status = status
        self.developer_message = redact(developer_message)


class RefusedError(PushError):
    """The learner-impact check refused the import."""

    exit_code = EXIT_REFUSED


class ReadbackError(PushError):
    """The import succeeded, but the course read back from the server differs from the build."""

    exit_code = EXIT_READBACK

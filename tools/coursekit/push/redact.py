"""Keep secrets out of every message, log line, exception text and repr.

Every secret the import touches (client id and secret, pre-issued tokens,
issued access tokens) is wrapped in :class:`Secret`, which registers it here.
:func:`redact` replaces registered values, and anything that looks like an
``Authorization`` value or a ``client_secret=``/``access_token`` field, by
``***``. All text coursekit prints during an import goes through it.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"
_MIN_LEN = 4

_lock = threading.Lock()
_secrets: set[str] = set()

_AUTH_RE = re.compile(r"\b(JWT|Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{12,})")
_FIELD_RE = re.compile(r"(?i)\b(client_secret|access_token|refresh_token|id_token|password|cms_token)"
                       r"(\"?'?\s*[:=]\s*[\"']?)[^\s\"'&,;}]+")


def _auth_value(match: re.Match[str]) -> str:
    value = match.group(3)
    if value.isalpha() and value.islower():  # an ordinary word ("Basic authentication"), not a credential
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{MASK}"


def register(value: str | None) -> None:
    """Remember a secret value (and its URL- and Basic-auth-encoded forms) for redaction."""
    if not value or len(value) < _MIN_LEN:
        return
    forms = {value, quote(value, safe=""), quote_plus(value)}
    with _lock:
        _secrets.update(f for f in forms if len(f) >= _MIN_LEN)


def register_basic_auth(user: str, password: str) -> None:
    register(base64.b64encode(f"{user}:{password}".encode()).decode("ascii"))


def redact(text: object) -> str:
    out = str(text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = out.replace(secret, MASK)
    out = _AUTH_RE.sub(_auth_value, out)
    return _FIELD_RE.sub(r"\1\2" + MASK, out)


class Secret:
    """A string that never shows itself: ``str()`` and ``repr()`` give ``***``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register(value)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __format__(self, spec: str) -> str:
        return MASK

    def __reduce__(self) -> object:  # never pickle the value
        raise TypeError("a Secret cannot be pickled")


class RedactingFilter(logging.Filter):
    """Redacts each record before any handler sees it (also handlers of other libraries, e.g. pytest's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class RedactingFormatter(logging.Formatter):
    """A log formatter whose output (message, arguments and traceback) is redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

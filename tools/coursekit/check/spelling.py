"""Finnish spell checking with Voikko (libvoikko + voikko-fi), through ctypes.

Debian: ``apt-get install libvoikko1 voikko-fi``. Where the library or the
Finnish dictionary is missing, :func:`open_speller` returns None and says why.

The course word list (``lint.words`` in course.yaml) has one accepted word
per line; ``#`` starts a comment. Matching ignores case. An entry ending in
``*`` accepts every word that starts with it, which covers inflected forms
(``Hansel*`` accepts Hansel, Hanselin, Hanselilla).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

VOIKKO_OPT_IGNORE_NUMBERS = 1
VOIKKO_OPT_IGNORE_UPPERCASE = 3
VOIKKO_OPT_ACCEPT_FIRST_UPPERCASE = 6
VOIKKO_OPT_ACCEPT_ALL_UPPERCASE = 7
VOIKKO_OPT_IGNORE_NONWORDS = 10
VOIKKO_SPELL_OK = 1

# ``TEM:n``, ``EU:ssa``: an abbreviation with a case ending after a colon.
ABBREV_SUFFIX_RE = re.compile(r"^([A-ZÅÄÖ][A-ZÅÄÖ0-9]*):([a-zåäö]{1,6})$")
# ``KEINOn``, ``HILMAssa``, ``SYKEen``: an acronym read as a word takes its ending without a colon.
ACRONYM_ENDING_RE = re.compile(
    r"^[A-ZÅÄÖ]{2,}[ieaäouyöj]?"
    r"(n|t|a|ä|ta|tä|na|nä|ne|ksi|ssa|ssä|sta|stä|lla|llä|lta|ltä|lle|tta|ttä|in|en|den|ten|ja|jä|ita|itä"
    r"|issa|issä|ista|istä|illa|illä|ilta|iltä|ille|iksi|ina|inä|ihin|hin|seen|ineen)?"
    r"(kin|kaan|kään|han|hän|ko|kö)?$")


DICTIONARY_DIRS = ("/usr/lib/voikko", "/usr/share/voikko", "/usr/local/lib/voikko", "/usr/local/share/voikko")


def _library_names() -> list[str]:
    found = ctypes.util.find_library("voikko")
    names = [found] if found else []
    if sys.platform == "darwin":
        names += ["libvoikko.1.dylib", "/opt/homebrew/lib/libvoikko.1.dylib", "/usr/local/lib/libvoikko.1.dylib"]
    elif sys.platform == "win32":
        names += ["libvoikko-1.dll"]
    else:
        names += ["libvoikko.so.1"]
    return names


class Voikko:
    """A minimal binding: spell and suggest, Finnish only."""

    def __init__(self, lib: ctypes.CDLL, handle: int, library: str = "") -> None:
        self._lib = lib
        self._handle = ctypes.c_void_p(handle)
        self.library = library

    def identity(self) -> str:
        """What the verdicts depend on: the library and the dictionaries installed (for the cache key)."""
        parts = [self.library]
        for name in (self.library, *DICTIONARY_DIRS):
            path = Path(name)
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            for file in files:
                with contextlib.suppress(OSError):
                    stat = file.stat()
                    parts.append(f"{file}:{stat.st_size}:{stat.st_mtime_ns}")
        return "|".join(parts)

    @classmethod
    def open(cls, language: str = "fi") -> tuple[Voikko | None, str]:
        """(speller, "") or (None, reason)."""
        lib = None
        used = ""
        for name in _library_names():
            try:
                lib = ctypes.CDLL(name)
                used = name
                break
            except OSError:
                continue
        if lib is None:
            return None, "Voikko is not installed (Debian/Ubuntu: apt-get install libvoikko1 voikko-fi)"
        lib.voikkoInit.restype = ctypes.c_void_p
        lib.voikkoInit.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_char_p, ctypes.c_char_p]
        lib.voikkoSpellCstr.restype = ctypes.c_int
        lib.voikkoSpellCstr.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.voikkoSuggestCstr.restype = ctypes.POINTER(ctypes.c_char_p)
        lib.voikkoSuggestCstr.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.voikkoFreeCstrArray.restype = None
        lib.voikkoFreeCstrArray.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.voikkoSetBooleanOption.restype = ctypes.c_int
        lib.voikkoSetBooleanOption.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        lib.voikkoTerminate.restype = None
        lib.voikkoTerminate.argtypes = [ctypes.c_void_p]
        error = ctypes.c_char_p()
        handle = lib.voikkoInit(ctypes.byref(error), language.encode(), None)
        if not handle:
            reason = (error.value or b"unknown error").decode("utf-8", "replace")
            return None, (f"Voikko has no dictionary for {language!r} ({reason}); "
                          "install one (Debian/Ubuntu: apt-get install voikko-fi)")
        speller = cls(lib, handle, used)
        for option, value in ((VOIKKO_OPT_IGNORE_NUMBERS, 1), (VOIKKO_OPT_IGNORE_UPPERCASE, 1),
                              (VOIKKO_OPT_ACCEPT_FIRST_UPPERCASE, 1), (VOIKKO_OPT_ACCEPT_ALL_UPPERCASE, 1),
                              (VOIKKO_OPT_IGNORE_NONWORDS, 1)):
            lib.voikkoSetBooleanOption(speller._handle, option, value)
        return speller, ""

    def spell(self, word: str) -> bool:
        return self._lib.voikkoSpellCstr(self._handle, word.encode("utf-8")) == VOIKKO_SPELL_OK

    def suggest(self, word: str, limit: int = 3) -> list[str]:
        result = self._lib.voikkoSuggestCstr(self._handle, word.encode("utf-8"))
        if not result:
            return []
        out: list[str] = []
        i = 0
        while result[i] and len(out) < limit:
            out.append(result[i].decode("utf-8", "replace"))
            i += 1
        self._lib.voikkoFreeCstrArray(result)
        return out

    def close(self) -> None:
        if self._handle:
            self._lib.voikkoTerminate(self._handle)
            self._handle = ctypes.c_void_p()

    def __del__(self) -> None:  # pragma: no cover - best effort
        with contextlib.suppress(Exception):
            self.close()


@dataclass
class WordList:
    exact: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> WordList:
        exact: set[str] = set()
        prefixes: list[str] = []
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.endswith("*") and len(line) > 1:
                prefixes.append(line[:-1].casefold())
            else:
                exact.add(line.casefold())
        return cls(exact, tuple(sorted(prefixes)))

    def __contains__(self, word: str) -> bool:
        folded = word.casefold()
        if folded in self.exact:
            return True
        return bool(self.prefixes) and folded.startswith(self.prefixes)


class Checker:
    """Voikko plus the course word list, with a cache per word."""

    def __init__(self, voikko: Voikko, words: WordList) -> None:
        self.voikko = voikko
        self.words = words
        self._known: dict[str, bool] = {}

    def _ok(self, word: str) -> bool:
        if word in self.words or word.isupper():
            return True
        if ACRONYM_ENDING_RE.match(word):
            return True
        return self.voikko.spell(word)

    def correct(self, word: str, dot: bool = False) -> bool:
        """Is ``word`` right? ``dot``: it was followed by a full stop (abbreviations such as "esim.")."""
        key = word + "." if dot else word
        if key in self._known:
            return self._known[key]
        ok = self._ok(word) or (dot and self.voikko.spell(word + "."))
        if not ok:
            match = ABBREV_SUFFIX_RE.match(word)
            if match:
                ok = self._ok(match.group(1))
            elif "-" in word.strip("-"):
                parts = [p for p in word.split("-") if p]
                ok = all(self._ok(p) or self._ok(p + "-") for p in parts)
            elif word.endswith("-"):
                ok = self._ok(word[:-1])
        self._known[key] = ok
        return ok

    def suggest(self, word: str) -> list[str]:
        return self.voikko.suggest(word)

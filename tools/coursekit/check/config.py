"""The ``lint:`` block of course.yaml: severities, ignores, the word list and rule options.

```yaml
lint:
  severity: {S103: info, W701: off}     # error | warning | info | off
  ignore:
    - A503                               # everywhere
    - {code: S105, path: "static/vanhat/*"}   # only for files matching the glob
  words: sanalista.txt                     # accepted words for the spell checker
  options: {title_max_length: 90}
```

Problems in the block itself are reported as E005 (invalid setting) with a
"did you mean" where one fits.
"""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass, field
from typing import Any

from coursekit.diagnostics import Diagnostic, Loc, Severity
from coursekit.load import codes
from coursekit.model import Course

COURSE_FILE = "course.yaml"


def _loc_of(data: Any, key: Any, fallback: Loc) -> Loc:
    return data.loc_of(key) if hasattr(data, "loc_of") else fallback


def _value_loc(data: Any, key: Any, fallback: Loc) -> Loc:
    return data.value_loc(key) if hasattr(data, "value_loc") else fallback


@dataclass
class LintConfig:
    severities: dict[str, Severity | None] = field(default_factory=dict)
    ignores: list[tuple[str, str | None]] = field(default_factory=list)  # (code or code glob, path glob)
    words: str | None = None  # root-relative path of the word list
    words_loc: Loc = field(default_factory=lambda: Loc(COURSE_FILE))
    options: dict[str, object] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def ignored(self, code: str, file: str) -> bool:
        for pattern, path in self.ignores:
            if fnmatch.fnmatchcase(code, pattern) and (path is None or fnmatch.fnmatchcase(file, path)):
                return True
        return False

    # -- reading --------------------------------------------------------------

    @classmethod
    def from_course(cls, course: Course) -> LintConfig:
        from coursekit.check import all_rules, default_options

        config = cls()
        data = course.lint or {}
        base = getattr(data, "loc", course.loc)
        rules = all_rules()
        known = set(rules)

        def problem(message: str, loc: Loc, hint: str) -> None:
            config.problems.append(Diagnostic(codes.INVALID, Severity.ERROR, message, loc, hint))

        def check_code(code: str, loc: Loc, where: str) -> bool:
            if any(ch in code for ch in "*?["):
                if not any(fnmatch.fnmatchcase(c, code) for c in known):
                    problem(f"lint {where}: pattern {code!r} matches no rule", loc,
                            "run `coursekit lint --list-rules` to see the codes")
                    return False
                return True
            if code in known:
                return True
            if code in codes.LOAD_CODES:
                problem(f"lint {where}: {code} is a load error; it cannot be changed or ignored", loc,
                        "load errors stop the build: fix the source instead")
                return False
            near = difflib.get_close_matches(code.upper(), sorted(known), n=1, cutoff=0.5)
            hint = f"did you mean {near[0]}?" if near else "run `coursekit lint --list-rules` to see the codes"
            problem(f"lint {where}: unknown rule code {code!r}", loc, hint)
            return False

        severity = data.get("severity") or {}
        for code, value in dict(severity).items():
            loc = _loc_of(severity, code, base)
            if not check_code(str(code), loc, "severity"):
                continue
            value = "off" if value is False else str(value)  # YAML reads a bare `off` as false
            if value == "off":
                config.severities[str(code)] = None
                continue
            try:
                config.severities[str(code)] = Severity.parse(value)
            except ValueError as exc:
                problem(f"lint severity of {code}: {exc}", _value_loc(severity, code, loc),
                        "use error, warning, info or off")

        ignores = data.get("ignore") or []
        for i, item in enumerate(ignores):
            loc = ignores.loc_of(i) if hasattr(ignores, "loc_of") else base
            if isinstance(item, dict):
                code, path = str(item.get("code", "")), item.get("path")
                path = str(path) if path is not None else None
            else:
                code, path = str(item), None
            if check_code(code, loc, "ignore"):
                config.ignores.append((code, path))

        if data.get("words"):
            config.words = str(data["words"])
            config.words_loc = _value_loc(data, "words", base)

        defaults = default_options()
        options = data.get("options") or {}
        for name, value in dict(options).items():
            loc = _loc_of(options, name, base)
            if name not in defaults:
                near = difflib.get_close_matches(str(name), sorted(defaults), n=1, cutoff=0.6)
                hint = f"did you mean `{near[0]}`?" if near else f"known options: {', '.join(sorted(defaults))}"
                problem(f"lint options: unknown option `{name}`", loc, hint)
                continue
            default = defaults[name]
            if not _same_kind(default, value):
                problem(f"lint option `{name}` should be {_kind(default)}, not {value!r}", loc,
                        f"the default is {default!r}")
                continue
            config.options[str(name)] = list(value) if isinstance(value, list) else value
        return config


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    return "text"


def _same_kind(default: object, value: object) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, list | tuple):
        return isinstance(value, list)
    return isinstance(value, str)

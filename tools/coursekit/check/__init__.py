"""Check stage: lint rules over the course model (and, for some, the built output).

Every rule is one module in ``coursekit/check/rules/``. A rule module has a
docstring (what it checks, why, an example, how to fix: ``coursekit lint
--explain CODE`` prints it) and these names::

    CODE = "P301"              # stable code
    NAME = "choice-correct-count"
    SEVERITY = Severity.ERROR  # default; course.yaml `lint.severity` may change it
    STAGE = "model"            # "model" (also run by build), "prose" (lint only: spelling),
                               # "output" (reads the built OLX), "online" (--online) or
                               # "moodle" (--target imscc or all: what the Moodle target loses)
    OPTIONS = {"name": (default, "what it does")}   # optional: settings under `lint.options`
    WHOLE_COURSE = True        # optional: the rule counts over the whole course, so when part of the
                               # course could not be read its findings are marked as consequences

    def check(course, ctx):    # yields Finding(loc, message, hint)

Adding a rule means adding one module; nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from coursekit.diagnostics import Diagnostic, Loc, Severity, because, causes
from coursekit.model import Course

STAGES = ("model", "prose", "output", "online", "moodle")


@dataclass(frozen=True)
class Finding:
    loc: Loc
    message: str
    hint: str = ""
    related: tuple[Loc, ...] = ()


@dataclass
class CheckContext:
    """What rules may use besides the model."""

    source_root: Path
    run: str | None = None
    emitted: Any = None  # the emitted OLX (an emit.base.Output) for "output" rules; emitted on demand if None
    options: dict[str, object] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # one-off messages, e.g. "Voikko not installed"
    cache: dict[str, Any] = field(default_factory=dict)  # results shared between rules of one run

    def option(self, name: str) -> Any:
        """A rule option: ``lint.options`` in course.yaml (or the caller) over the rule's default."""
        if name in self.options:
            return self.options[name]
        return default_options()[name]

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def source_lines(self, rel: str) -> list[str]:
        """Lines of a source file (root-relative), read once; empty if it cannot be read."""
        key = f"lines:{rel}"
        if key not in self.cache:
            try:
                text = (self.source_root / rel).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            if text.startswith("\ufeff"):
                text = text[1:]
            self.cache[key] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return self.cache[key]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    stage: str
    doc: str
    func: Callable[[Course, CheckContext], Iterable[Finding]]
    options: dict[str, tuple[object, str]] = field(default_factory=dict)
    whole_course: bool = False

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name


def _rule_from(module: ModuleType) -> Rule:
    stage = getattr(module, "STAGE", "model")
    if stage not in STAGES:
        raise ValueError(f"{module.__name__}: unknown STAGE {stage!r}")
    return Rule(
        code=module.CODE,
        name=module.NAME,
        severity=module.SEVERITY,
        stage=stage,
        doc=module.__doc__ or "",
        func=module.check,
        options=dict(getattr(module, "OPTIONS", {})),
        whole_course=bool(getattr(module, "WHOLE_COURSE", False)),
    )


@cache
def all_rules() -> dict[str, Rule]:
    from coursekit.check import rules as package

    found: dict[str, Rule] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if not hasattr(module, "CODE"):
            continue
        rule = _rule_from(module)
        if rule.code in found:
            raise ValueError(f"rule code {rule.code} is defined twice")
        found[rule.code] = rule
    return dict(sorted(found.items()))


@cache
def default_options() -> dict[str, object]:
    """Every rule option with its default value."""
    out: dict[str, object] = {}
    for rule in all_rules().values():
        for name, (default, _doc) in rule.options.items():
            out[name] = default
    return out


def run_rules(
    course: Course,
    ctx: CheckContext,
    stages: Iterable[str] = ("model",),
    severities: dict[str, Severity | None] | None = None,
    config: Any = None,
) -> list[Diagnostic]:
    """Run the rules of the given stages.

    ``severities`` maps a code to a new severity, or None to turn it off; by
    default it comes from course.yaml's ``lint:`` block, as do the ignores and
    the rule options (``config``, a :class:`coursekit.check.config.LintConfig`).
    """
    from coursekit.check.config import LintConfig

    config = config if config is not None else LintConfig.from_course(course)
    if severities is None:
        severities = config.severities
    ctx.options = {**config.options, **ctx.options}
    ctx.cache.setdefault("config", config)
    wanted = set(stages)
    cause = causes(course.skipped)
    out: list[Diagnostic] = []
    for rule in all_rules().values():
        if rule.stage not in wanted:
            continue
        severity = severities.get(rule.code, rule.severity)
        if severity is None:
            continue
        for finding in rule.func(course, ctx):
            if config.ignored(rule.code, finding.loc.file):
                continue
            why = cause if rule.whole_course else ""
            out.append(Diagnostic(rule.code, severity, because(finding.message, why), finding.loc, finding.hint,
                                  finding.related, why))
    return out

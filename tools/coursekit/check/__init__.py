"""Check stage: lint rules over the course model (and, for some, the built output).

Every rule is one module in ``coursekit/check/rules/``. A rule module has a
docstring (what it checks, why, an example, how to fix: ``coursekit lint
--explain CODE`` prints it) and these names::

    CODE = "P301"              # stable code
    NAME = "choice-correct-count"
    SEVERITY = Severity.ERROR  # default; course.yaml `lint.severity` may change it
    STAGE = "model"            # "model", "output" (reads the built OLX) or "online"

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

from coursekit.diagnostics import Diagnostic, Loc, Severity
from coursekit.model import Course

STAGES = ("model", "output", "online")


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
    output_dir: Path | None = None  # the built OLX folder, for "output" rules
    options: dict[str, object] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # one-off messages, e.g. "Voikko not installed"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    stage: str
    doc: str
    func: Callable[[Course, CheckContext], Iterable[Finding]]

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


def run_rules(
    course: Course,
    ctx: CheckContext,
    stages: Iterable[str] = ("model",),
    severities: dict[str, Severity | None] | None = None,
) -> list[Diagnostic]:
    """Run the rules of the given stages. ``severities`` maps a code to a new severity, or None to turn it off."""
    severities = severities or {}
    wanted = set(stages)
    out: list[Diagnostic] = []
    for rule in all_rules().values():
        if rule.stage not in wanted:
            continue
        severity = severities.get(rule.code, rule.severity)
        if severity is None:
            continue
        for finding in rule.func(course, ctx):
            out.append(Diagnostic(rule.code, severity, finding.message, finding.loc, finding.hint, finding.related))
    return out

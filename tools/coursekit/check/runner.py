"""``coursekit lint`` without the command line: load, configure, run the rule stages."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit.check import CheckContext, Rule, all_rules, run_rules
from coursekit.check.config import LintConfig
from coursekit.check.online import CACHE_NAME, OnlineSettings
from coursekit.diagnostics import Diagnostic, Loc, Severity
from coursekit.load import codes, load_course
from coursekit.model import Course


@dataclass
class LintRequest:
    source: Path
    run: str | None = None
    olx: bool = True  # the "output" stage: build the OLX and validate it
    online: bool = False  # the "online" stage: check external links over HTTP
    online_settings: OnlineSettings | None = None
    progress_factory: Callable[[int, str], Any] | None = None  # (length, label) -> context manager with update(n)
    options: dict[str, object] = field(default_factory=dict)  # rule options over course.yaml's


@dataclass
class LintResult:
    diagnostics: list[Diagnostic]
    notices: list[str]
    course: Course | None
    rules: dict[str, Rule]
    stages: list[str]

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def failed(self, strict: bool = False) -> bool:
        limit = Severity.WARNING if strict else Severity.ERROR
        return any(d.severity >= limit for d in self.diagnostics)


def default_cache_path(source: Path) -> Path:
    """The link cache lives beside the course folder, so it survives `git clean` of the course itself."""
    return source.resolve().parent / CACHE_NAME


def lint(request: LintRequest) -> LintResult:
    course, report = load_course(request.source)
    diagnostics = list(report.items)
    notices: list[str] = []
    stages = ["model", "prose"]
    if course is None:
        return LintResult(_sorted(diagnostics), notices, None, all_rules(), [])

    config = LintConfig.from_course(course)
    diagnostics.extend(config.problems)
    if config.words:
        words = posixpath.normpath(config.words)
        if words.startswith(("../", "/")) or words == "..":
            diagnostics.append(Diagnostic(codes.OUTSIDE, Severity.ERROR,
                                          f"word list {config.words!r} is outside the course folder",
                                          config.words_loc, "keep the word list in the course folder"))
            config.words = None
        elif not (request.source / words).is_file():
            diagnostics.append(Diagnostic(codes.MISSING_FILE, Severity.ERROR,
                                          f"word list {config.words!r} does not exist", config.words_loc,
                                          "create the file (one word per line) or fix `lint.words`"))
        else:
            config.words = words
    if request.run is not None and request.run not in course.runs:
        diagnostics.append(Diagnostic(codes.UNKNOWN_REF, Severity.ERROR,
                                      f"run {request.run!r} is not defined in course.yaml", Loc("course.yaml"),
                                      f"use one of: {', '.join(course.runs)}"))
        return LintResult(_sorted(diagnostics), notices, course, all_rules(), [])

    if request.olx:
        if report.has_errors():
            notices.append("the built OLX was not checked (X801-X803): fix the load errors (E0xx) first")
        else:
            stages.append("output")
    if request.online:
        stages.append("online")

    ctx = CheckContext(source_root=request.source, run=request.run, options=dict(request.options))
    ctx.cache["load_error_files"] = {d.loc.file for d in report.items}
    ctx.cache["online_settings"] = request.online_settings or OnlineSettings(
        cache_path=default_cache_path(request.source))
    if request.progress_factory is not None:
        ctx.cache["progress_factory"] = request.progress_factory
    diagnostics.extend(run_rules(course, ctx, stages, config.severities, config))
    notices.extend(n for n in ctx.notices if n not in notices)
    return LintResult(_sorted(diagnostics), notices, course, all_rules(), stages)


def _sorted(items: list[Diagnostic]) -> list[Diagnostic]:
    unique = list(dict.fromkeys(items))
    return sorted(unique, key=Diagnostic.sort_key)

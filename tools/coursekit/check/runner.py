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
from coursekit.diagnostics import Diagnostic, Loc, Report, Severity
from coursekit.load import codes, load_course
from coursekit.model import Course


@dataclass
class LintRequest:
    source: Path
    run: str | None = None
    olx: bool = True  # the "output" stage: build the OLX and validate it
    online: bool = False  # the "online" stage: check external links over HTTP
    moodle: bool = False  # the "moodle" stage: what the Moodle target (--target imscc) cannot carry
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


class Linter:
    """One lint run, in steps: :meth:`start` loads (or takes a loaded course), :meth:`run` runs stages.

    ``coursekit build --lint`` runs the model and prose stages, builds from the same model, hands the
    emitted files to :attr:`ctx` and then runs the output stage: one load, one emit.
    """

    def __init__(self, request: LintRequest, course: Course | None, report: Report) -> None:
        self.request = request
        self.course = course
        self.report = report
        self.diagnostics: list[Diagnostic] = list(report.items)
        self.notices: list[str] = []
        self.stages: list[str] = []
        self.config: LintConfig | None = None
        self.ctx = CheckContext(source_root=request.source, run=request.run, options=dict(request.options))
        self.runnable = course is not None and self._configure(course)

    @classmethod
    def start(cls, request: LintRequest, loaded: tuple[Course | None, Report] | None = None) -> Linter:
        course, report = loaded or load_course(request.source)
        return cls(request, course, report)

    def _configure(self, course: Course) -> bool:
        request = self.request
        config = self.config = LintConfig.from_course(course)
        self.diagnostics.extend(config.problems)
        if config.words:
            words = posixpath.normpath(config.words)
            if words.startswith(("../", "/")) or words == "..":
                self.diagnostics.append(Diagnostic(codes.OUTSIDE, Severity.ERROR,
                                                   f"word list {config.words!r} is outside the course folder",
                                                   config.words_loc, "keep the word list in the course folder"))
                config.words = None
            elif not (request.source / words).is_file():
                self.diagnostics.append(Diagnostic(codes.MISSING_FILE, Severity.ERROR,
                                                   f"word list {config.words!r} does not exist", config.words_loc,
                                                   "create the file (one word per line) or fix `lint.words`"))
            else:
                config.words = words
        if request.run is not None and request.run not in course.runs:
            self.diagnostics.append(Diagnostic(codes.UNKNOWN_REF, Severity.ERROR,
                                               f"run {request.run!r} is not defined in course.yaml",
                                               Loc("course.yaml"), f"use one of: {', '.join(course.runs)}"))
            return False
        ctx = self.ctx
        ctx.cache["load_error_files"] = {d.loc.file for d in self.report.items}
        ctx.cache["online_settings"] = request.online_settings or OnlineSettings(
            cache_path=default_cache_path(request.source))
        if request.progress_factory is not None:
            ctx.cache["progress_factory"] = request.progress_factory
        return True

    def has_errors(self) -> bool:
        return any(d.severity >= Severity.ERROR for d in self.diagnostics)

    def run(self, stages: tuple[str, ...]) -> None:
        """Run these stages (those the request asks for and the course allows)."""
        if not self.runnable or self.course is None:
            return
        wanted: list[str] = []
        for stage in stages:
            if stage == "output":
                if not self.request.olx:
                    continue
                if self.report.has_errors():
                    self.notices.append("the built OLX was not checked (X801-X803): fix the load errors (E0xx) "
                                        "first")
                    continue
            if stage == "online" and not self.request.online:
                continue
            if stage == "moodle" and not self.request.moodle:
                continue
            wanted.append(stage)
        if not wanted:
            return
        assert self.config is not None
        self.stages.extend(wanted)
        self.diagnostics.extend(run_rules(self.course, self.ctx, wanted, self.config.severities, self.config))
        self.notices.extend(n for n in self.ctx.notices if n not in self.notices)

    def result(self) -> LintResult:
        return LintResult(_sorted(self.diagnostics), self.notices, self.course, all_rules(), self.stages)


def lint(request: LintRequest) -> LintResult:
    linter = Linter.start(request)
    linter.run(("model", "prose", "output", "online", "moodle"))
    return linter.result()


def _sorted(items: list[Diagnostic]) -> list[Diagnostic]:
    unique = list(dict.fromkeys(items))
    return sorted(unique, key=Diagnostic.sort_key)

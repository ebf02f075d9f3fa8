"""Lint output formats: text (coloured on a terminal), json, github (workflow annotations), sarif (2.1.0)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from coursekit import __version__
from coursekit.check.docs import all_docs
from coursekit.check.runner import LintResult
from coursekit.diagnostics import Diagnostic, Loc, Severity
from coursekit.plural import count

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def display_path(root: str, loc: Loc) -> str:
    """The file as the user sees it: the source folder (as given) joined with the root-relative path."""
    if not root or root == ".":
        return loc.file
    return f"{root.rstrip('/')}/{loc.file}"


def summary(result: LintResult, strict: bool) -> str:
    counts = [(result.count(s), s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    parts = [count(n, str(s)) for n, s in counts]
    text = ", ".join(parts) if result.diagnostics else "No problems found"
    files = len(result.course.source_files) if result.course else 0
    text += f" ({count(len(result.rules), 'rule')}, {count(files, 'file')}"
    if "output" not in result.stages and result.course is not None:
        text += ", OLX not checked"
    text += ", links checked online)" if "online" in result.stages else ")"
    if strict and result.count(Severity.WARNING):
        text += "; --strict: warnings fail"
    return text


# -- text -----------------------------------------------------------------------------------


def render_text(result: LintResult, root: str, strict: bool = False, color: bool = False) -> str:
    lines: list[str] = []
    for diag in result.diagnostics:
        where = f"{display_path(root, diag.loc)}:{diag.loc.line}:{diag.loc.col}:"
        head = f"{diag.code} {diag.severity}:"
        if color:
            where = click.style(where, bold=True)
            head = click.style(head, fg=COLOURS[diag.severity], bold=diag.severity == Severity.ERROR)
        lines.append(f"{where} {head} {diag.message}")
        for other in diag.related:
            lines.append(f"    see also {display_path(root, other)}:{other.line}:{other.col}")
        if diag.hint:
            lines.append(f"    fix: {diag.hint}")
    for note in result.notices:
        lines.append(click.style(f"note: {note}", fg="cyan") if color else f"note: {note}")
    text = summary(result, strict)
    if color:
        colour = "red" if result.failed(strict) else ("yellow" if result.count(Severity.WARNING) else "green")
        text = click.style(text, fg=colour, bold=True)
    if lines:
        lines.append("")
    lines.append(text)
    return "\n".join(lines) + "\n"


# -- json -----------------------------------------------------------------------------------


def _json_item(diag: Diagnostic, root: str, names: dict[str, str]) -> dict[str, object]:
    return {
        "code": diag.code,
        "name": names.get(diag.code, ""),
        "severity": str(diag.severity),
        "message": diag.message,
        "hint": diag.hint,
        "file": diag.loc.file,
        "path": display_path(root, diag.loc),
        "line": diag.loc.line,
        "col": diag.loc.col,
        "related": [{"file": r.file, "path": display_path(root, r), "line": r.line, "col": r.col}
                    for r in diag.related],
    }


def render_json(result: LintResult, root: str, strict: bool = False) -> str:
    names = {code: doc.name for code, doc in all_docs().items()}
    data = {
        "format": "coursekit-lint/1",
        "tool": {"name": "coursekit", "version": __version__},
        "source": root,
        "stages": result.stages,
        "summary": {
            "error": result.count(Severity.ERROR),
            "warning": result.count(Severity.WARNING),
            "info": result.count(Severity.INFO),
            "failed": result.failed(strict),
        },
        "findings": [_json_item(d, root, names) for d in result.diagnostics],
        "notices": result.notices,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- GitHub workflow commands ----------------------------------------------------------------


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: LintResult, root: str, strict: bool = False) -> str:
    names = {code: doc.name for code, doc in all_docs().items()}
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for diag in result.diagnostics:
        kind = "error" if strict and diag.severity == Severity.WARNING else command[diag.severity]
        props = (f"file={_gh_prop(display_path(root, diag.loc))},line={diag.loc.line},col={diag.loc.col},"
                 f"title={_gh_prop((diag.code + ' ' + names.get(diag.code, '')).strip())}")
        message = diag.message + (f"\nfix: {diag.hint}" if diag.hint else "")
        lines.append(f"::{kind} {props}::{_gh_data(message)}")
    for note in result.notices:
        lines.append(f"::notice::{_gh_data(note)}")
    lines.append(summary(result, strict))
    return "\n".join(lines) + "\n"


# -- SARIF 2.1.0 -------------------------------------------------------------------------------


def _uri(root: str, loc: Loc) -> str:
    path = display_path(root, loc)
    if Path(path).is_absolute():
        return Path(path).as_uri()
    return path.replace("\\", "/")


def render_sarif(result: LintResult, root: str, strict: bool = False) -> str:
    docs = all_docs()
    index = {code: i for i, code in enumerate(docs)}
    rules = []
    for code in index:
        doc = docs[code]
        rule_level = "error" if doc.stage == "load" else SARIF_LEVEL[Severity.parse(doc.severity)]
        rules.append({
            "id": code,
            "name": doc.name,
            "shortDescription": {"text": doc.summary},
            "fullDescription": {"text": doc.what},
            "help": {"text": f"{doc.summary}\n\n{doc.body}", "markdown": f"**{doc.summary}**\n\n{doc.body}"},
            "defaultConfiguration": {"level": rule_level},
            "properties": {"stage": doc.stage},
        })
    results = []
    for diag in result.diagnostics:
        item: dict[str, object] = {
            "ruleId": diag.code,
            "level": "error" if strict and diag.severity == Severity.WARNING else SARIF_LEVEL[diag.severity],
            "message": {"text": diag.message + (f" Fix: {diag.hint}" if diag.hint else "")},
            "locations": [_sarif_location(root, diag.loc)],
        }
        if diag.code in index:
            item["ruleIndex"] = index[diag.code]
        if diag.related:
            item["relatedLocations"] = [{"id": i, **_sarif_location(root, r)} for i, r in enumerate(diag.related)]
        results.append(item)
    run: dict[str, object] = {
        "tool": {"driver": {
            "name": "coursekit",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": rules,
        }},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [{"level": "note", "message": {"text": n}} for n in result.notices],
        }],
    }
    data = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _sarif_location(root: str, loc: Loc) -> dict[str, object]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": _uri(root, loc)},
        "region": {"startLine": max(loc.line, 1), "startColumn": max(loc.col, 1)},
    }}


def render(fmt: str, result: LintResult, root: str, strict: bool = False, color: bool = False) -> str:
    if fmt == "text":
        return render_text(result, root, strict, color)
    return {"json": render_json, "github": render_github, "sarif": render_sarif}[fmt](result, root, strict)

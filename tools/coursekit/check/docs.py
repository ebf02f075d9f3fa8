"""Rule documentation: ``coursekit lint --explain CODE``, ``--list-rules`` and docs/lint.md.

docs/lint.md is generated from the rule docstrings and the load codes:
``python -m coursekit.check.docs > docs/lint.md`` (a test checks it is current).
"""

from __future__ import annotations

import difflib
import textwrap
from dataclasses import dataclass

from coursekit.check import all_rules
from coursekit.load.codes import LOAD_CODES

FAMILIES = {
    "E": "Load errors",
    "S": "Structure",
    "G": "Grading and dates",
    "P": "Problems",
    "L": "Links",
    "A": "Accessibility (WCAG 2.1 AA)",
    "M": "Media",
    "W": "Writing (spelling, language of parts)",
    "X": "Built OLX (olxcleaner)",
}


@dataclass(frozen=True)
class CodeDoc:
    code: str
    name: str
    severity: str  # "error", "warning", "info"
    stage: str  # "load", "model", "prose", "output", "online"
    summary: str
    body: str  # What / Why / Example / Fix

    @property
    def what(self) -> str:
        """The "What:" paragraph, for SARIF's fullDescription."""
        for para in self.body.split("\n\n"):
            if para.startswith("What:"):
                return " ".join(para[len("What:"):].split())
        return self.summary


def _split(doc: str) -> tuple[str, str]:
    text = textwrap.dedent(doc).strip("\n")
    first, _, rest = text.partition("\n")
    return first.strip(), textwrap.dedent(rest).strip()


def all_docs() -> dict[str, CodeDoc]:
    out: dict[str, CodeDoc] = {}
    for code in sorted(LOAD_CODES):
        load = LOAD_CODES[code]
        body = load.doc.strip()
        what = " ".join(body.split("\n\n")[0].removeprefix("What:").split())
        summary = what.split(". ")[0].rstrip(".") + "."
        out[code] = CodeDoc(code, load.name, "error", "load", summary[0].upper() + summary[1:], body)
    for code, rule in all_rules().items():
        summary, body = _split(rule.doc)
        out[code] = CodeDoc(code, rule.name, str(rule.severity), rule.stage, summary, body)
    return out


def lookup(code: str) -> tuple[CodeDoc | None, str]:
    """(doc, "") or (None, a "did you mean" hint)."""
    docs = all_docs()
    wanted = code.strip().upper()
    if wanted in docs:
        return docs[wanted], ""
    by_name = {d.name: d for d in docs.values()}
    if code.strip().lower() in by_name:
        return by_name[code.strip().lower()], ""
    near = difflib.get_close_matches(wanted, list(docs), n=3, cutoff=0.5)
    near += difflib.get_close_matches(code.strip().lower(), list(by_name), n=2, cutoff=0.6)
    return None, (f"did you mean {', '.join(near)}?" if near else "run `coursekit lint --list-rules`")


def explain(doc: CodeDoc) -> str:
    if doc.stage == "load":
        where = "load error: always an error, stops the build"
    else:
        where = f"default severity {doc.severity}, {doc.stage} stage"
    summary = "" if doc.stage == "load" else f"{doc.summary}\n\n"  # a load code's summary is its What: line
    text = f"{doc.code} {doc.name} ({where})\n\n{summary}{doc.body}\n"
    rule = all_rules().get(doc.code)
    if rule and rule.options:
        text += "\nOptions (course.yaml, `lint: {options: {...}}`):\n"
        for name, (default, help_text) in rule.options.items():
            text += f"  {name} (default {default!r}): {help_text}\n"
    return text


def list_rules() -> str:
    lines = []
    for doc in all_docs().values():
        stage = "load" if doc.stage == "load" else doc.stage
        lines.append(f"{doc.code}  {doc.severity:<7}  {stage:<6}  {doc.name:<22}  {doc.summary}")
    return "\n".join(lines) + "\n"


def markdown() -> str:
    docs = all_docs()
    out = [
        "# Lint rules",
        "",
        "<!-- Generated from the rule docstrings: python -m coursekit.check.docs > docs/lint.md -->",
        "",
        "`coursekit lint` (also `make lint`) checks the course sources, the built OLX and, with",
        "`--online`, the external links. Each finding is printed as `path:line:col: CODE severity:",
        "message` with a suggested fix. `coursekit lint --explain CODE` prints a rule's text below.",
        "",
        "## Running it",
        "",
        "```text",
        "coursekit lint                      # course_src/, text output (coloured on a terminal)",
        "coursekit lint --strict             # warnings fail too",
        "coursekit lint --format json        # or github (workflow annotations), sarif (code scanning)",
        "coursekit lint --online             # also check external links over HTTP",
        "coursekit lint --explain P301       # what a rule checks and how to fix it",
        "coursekit lint --list-rules",
        "```",
        "",
        "Exit status: 1 if there is any error (with `--strict`: any error or warning), otherwise 0.",
        "",
        "- **Stages.** `load` codes (E0xx) come from reading the sources; they stop the build and",
        "  cannot be switched off. `model` rules run on every `coursekit build` too (errors stop it);",
        "  `prose` rules (spelling) run only in lint.",
        "  `output` rules build the OLX into a temporary folder and run the olxcleaner validator on it.",
        "  `online` rules run only with `--online`.",
        "- **`--online`** asks each http(s) link with HEAD (GET when the server refuses HEAD), follows",
        "  redirects, and runs at most `--concurrency` requests at a time (`--per-host` per site), each",
        "  with `--timeout` seconds. Results are cached in `.coursekit-linkcache.json` beside the",
        "  course folder (`--cache PATH`, `--no-cache`): good links for a week, broken ones for an hour.",
        "",
        "## Configuration (course.yaml)",
        "",
        "```yaml",
        "lint:",
        "  severity:            # change a rule's severity, or switch it off",
        "    S103: info",
        "    W701: off",
        "  ignore:              # drop findings: a code (or pattern such as X8*), optionally only in some files",
        "    - A503",
        "    - {code: S105, path: \"muistiinpanot/*\"}",
        "  words: sanalista.txt   # course word list for the spell checker (relative to course.yaml)",
        "  options:             # rule settings, see the rules below",
        "    title_max_length: 90",
        "    lms_hosts: [courses.example.org]",
        "```",
        "",
        "Unknown codes and options are reported as E005 with a suggestion.",
        "",
        "## Rules",
        "",
        "| Code | Name | Severity | Stage | Checks |",
        "|------|------|----------|-------|--------|",
    ]
    for doc in docs.values():
        out.append(f"| [{doc.code}](#{doc.code.lower()}) | {doc.name} | {doc.severity} | {doc.stage} | "
                   f"{doc.summary.replace('|', '/')} |")
    family = ""
    for doc in docs.values():
        if doc.code[0] != family:
            family = doc.code[0]
            out += ["", f"## {FAMILIES.get(family, family)}"]
        out += ["", f"### {doc.code}", "", f"**{doc.name}** · {doc.severity} · {doc.stage} stage", ""]
        if doc.stage != "load":
            out += [doc.summary, ""]
        out.append(doc.body)
        rule = all_rules().get(doc.code)
        if rule and rule.options:
            out += ["", "Options:", ""]
            for name, (default, help_text) in rule.options.items():
                shown = ", ".join(map(str, default)) if isinstance(default, list) and default else repr(default)
                out.append(f"- `{name}` (default: {shown}): {help_text}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")

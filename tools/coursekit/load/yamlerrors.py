"""YAML parser messages, said in words a course author can act on.

libyaml's messages ("mapping values are not allowed in this context") name
the parser's state, not the mistake. Each entry here maps one of them to
what usually causes it and what to write instead. Unknown messages are
passed through with a general hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Explained:
    message: str
    hint: str
    at_context: bool = False  # point at where the construct opened (the quote, the key), not where it broke
    at: tuple[int, int] | None = None  # (0-based line, 0-based column) to point at instead of the parser's marks


GENERAL_HINT = 'check the indentation (spaces, not tabs), and put values containing ": " or " #" in quotes'

_CHAR_NAMES = {"\t": "a tab character", "@": "`@`", "`": "a backtick (`)", "%": "`%`"}


def explain(exc: yaml.MarkedYAMLError, text: str) -> Explained:
    problem = exc.problem or ""
    context = exc.context or ""
    if exc.problem_mark is not None and ("expected key" in problem or "end of stream" in problem
                                         or "expected <block end>" in problem):
        opened = _unclosed_quote_before(text, exc.problem_mark.line)
        if opened is not None:
            return Explained("this quote is not closed on its line, so YAML reads the lines after it as part of "
                             "the value", "add the closing quote at the end of the value", at=opened)
    if "mapping values are not allowed" in problem:
        return Explained(
            "a colon followed by a space (`: `) where YAML does not expect a new key: either a value contains "
            "`: `, or this line is indented more than the key above it",
            'put the whole value in quotes (title: "Osa 1: Johdanto"), or line up the line with the keys above')
    if "expected '-' indicator" in problem:
        return Explained(
            "this line does not continue the list above it: every item of a list starts with `- ` at the same "
            "indentation",
            "start the line with `- `, or indent it two spaces more so that it belongs to the item above")
    if "did not find expected key" in problem:
        return Explained(
            "this line does not fit the keys around it: it is indented differently, or a value starts with a "
            "quote or a bracket and has more text after the closing one",
            "line up the key with the keys above (the same number of spaces), or put the whole value in quotes")
    if "cannot start any token" in problem:
        char = _char_at(text, exc.problem_mark)
        if char == "\t":
            return Explained("a tab character: YAML indentation must be made with spaces",
                             "replace the tab with spaces (most editors can show tabs)")
        name = _CHAR_NAMES.get(char, f"`{char}`" if char else "this character")
        return Explained(f"a value cannot start with {name} in YAML", "put the value in quotes")
    if "undefined alias" in problem:
        return Explained("a value that starts with `*` is read as a reference to an anchor (`&name`)",
                         'put the value in quotes, e.g. "*Huom.* ..."')
    if "end of stream" in problem and "quoted scalar" in context:
        return Explained("this quote is never closed, so the rest of the file would be part of the value",
                         "add the closing quote at the end of the value", at_context=True)
    if "expected ',' or ']'" in problem:
        return Explained("a value that starts with `[` is read as a list, and this list is not closed",
                         'put the value in quotes if it is text ("[Osa] 1"), or close the list with ]',
                         at_context=True)
    if "expected ',' or '}'" in problem:
        return Explained("a value that starts with `{` is read as a mapping, and this one is not closed",
                         'put the value in quotes if it is text, or close it with }', at_context=True)
    if "unknown escape character" in problem:
        return Explained("inside double quotes a backslash starts an escape such as \\n; this one is not valid",
                         "use single quotes ('C:\\polku') or write the backslash twice (\\\\)")
    if "could not find expected ':'" in problem:
        return Explained("this line is neither `key: value` nor a list item",
                         "add `: ` after the key; if the line continues the value above, indent it or quote the "
                         "value", at_context=True)
    if "but found another document" in problem:
        return Explained("a second YAML document (a `---` line) in the same file or block",
                         "remove the `---` line (in front matter, the second `---` already ends the block)")
    if "could not determine a constructor for the tag" in problem:
        tag = problem.rsplit(" ", 1)[-1].strip("'")
        return Explained(f"`{tag}` is not a YAML type coursekit reads",
                         "remove the tag, or put the value in quotes if the ! belongs to the text")
    if "found duplicate anchor" in problem or "found undefined tag handle" in problem:
        return Explained(f"invalid YAML: {problem}", "put the value in quotes")
    detail = f" ({context})" if context else ""
    return Explained(f"invalid YAML: {problem or 'cannot be read'}{detail}", GENERAL_HINT)


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


_QUOTED_VALUE_RE = re.compile(r"""^\s*(?:- )?(?:[^\s:#'"][^:#]*:\s+)?(["'])(.*)$""")


def _unclosed_quote_before(text: str, line: int) -> tuple[int, int] | None:
    """The last line before ``line`` whose value opens a quote that does not close on that line."""
    lines = text.split("\n")
    for n in range(min(line, len(lines)) - 1, -1, -1):
        match = _QUOTED_VALUE_RE.match(lines[n])
        if not match:
            continue
        quote, rest = match.groups()
        rest = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return n, match.start(1)
    return None

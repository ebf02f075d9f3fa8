"""Codes of the errors the loader reports.

These are not lint rules: they stop the build, because the sources cannot be
read into a course. ``coursekit lint --explain E003`` prints the text below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoadCode:
    code: str
    name: str
    doc: str


_CODES = [
    LoadCode("E001", "yaml-syntax", """\
What: a YAML file or block (course.yaml, section.yaml, front matter, a
problem) is not valid YAML.
Why: nothing after the error can be read reliably.
Example: `title: Osa 1: Johdanto` (a second colon needs quotes).
Fix: quote the value, `title: "Osa 1: Johdanto"`, or fix the indentation the
message points at."""),
    LoadCode("E002", "not-utf8", """\
What: a text file is not UTF-8.
Why: Open edX expects UTF-8; other encodings turn ä and ö into garbage.
Fix: save the file as UTF-8 in your editor ("Save with encoding")."""),
    LoadCode("E003", "missing-file", """\
What: a file that the sources refer to does not exist (an image, a quiz
file, a transcript, a page listed in course.yaml, a linked subsection).
Why: learners would get a broken link or missing content.
Example: `![Kaavio](../static/kuvat/kaavio.svg)` when the file is `Kaavio.svg`.
Fix: correct the path (case matters) or add the file."""),
    LoadCode("E004", "path-outside-course", """\
What: a path points outside the course source folder, or through a symbolic
link that leads outside it.
Why: the archive may only contain the course; anything else could leak files
from the machine that builds it.
Fix: copy the file into course_src/static/ and refer to it there."""),
    LoadCode("E005", "invalid-setting", """\
What: a key or value in course.yaml, section.yaml, front matter or a
component block is unknown or of the wrong type.
Why: a misspelt key would otherwise be ignored silently.
Example: `grded: Loppukoe` instead of `graded: Loppukoe`.
Fix: use the suggested key, or see docs/authoring.md for the allowed keys."""),
    LoadCode("E006", "duplicate-id", """\
What: two blocks have the same identifier.
Why: Open edX stores learner state by identifier; two blocks cannot share it.
Fix: change or pin one of the ids (`id:` or `{#id}`)."""),
    LoadCode("E007", "unknown-component", """\
What: a fenced block names a component type coursekit does not know, such as
```{probelm}.
Why: the block would otherwise be shown as code instead of a problem.
Fix: use problem, quiz, video, discussion or olx; for other XBlocks use
```{olx} with the block's XML."""),
    LoadCode("E008", "invalid-xml", """\
What: a raw OLX block is not well-formed XML or does not have exactly one
root element.
Fix: close every tag and quote every attribute; wrap several blocks in
separate ```{olx} fences."""),
    LoadCode("E009", "structure", """\
What: the course structure is not as coursekit expects: text before the
first `##` unit heading, a `#` heading inside a subsection, a section
folder without section.yaml, or a subsection file without front matter.
Why: content outside a unit would be dropped by Open edX.
Fix: follow the message; see docs/authoring.md, "Subsections and units"."""),
    LoadCode("E010", "invalid-id", """\
What: a pinned identifier uses characters Open edX does not allow.
Fix: use lower-case letters, digits, `-` and `_` only."""),
    LoadCode("E011", "broken-internal-link", """\
What: a link to another part of the course (`#id` or a relative `.md` path)
does not lead to any section, subsection, unit or component.
Fix: check the id or the path; pin unit ids with `{#id}` to link to them."""),
    LoadCode("E012", "invalid-transcript", """\
What: a video transcript (.srt or .vtt) cannot be read.
Fix: check the cue numbering and the `00:00:01,000 --> 00:00:04,000` lines."""),
    LoadCode("E013", "invalid-date", """\
What: a date is not a date (`2019-06-03`), a date and time
(`2019-06-03T09:00`) or a relative date (`+2w`, `+10d`).
Fix: write the date in one of those forms."""),
    LoadCode("E014", "duplicate-key", """\
What: the same key appears twice in one YAML mapping.
Why: YAML would silently keep only the last one.
Fix: remove or rename one of them."""),
    LoadCode("E015", "static-file-name", """\
What: a file under static/ has a name Open edX would change (spaces,
ä/ö, other special characters), or two files would end up with the same
name in Open edX (static/a/b.png and static/a_b.png).
Fix: rename the file using letters, digits, `-`, `_` and `.`."""),
    LoadCode("E016", "unknown-reference", """\
What: a setting refers to something that does not exist, such as a run
name in `default_run` or in `--run` that course.yaml does not define.
(An assignment type in `graded:` that the grading policy lacks is G201.)
Fix: use a name defined in course.yaml."""),
    LoadCode("E017", "nesting-too-deep", """\
What: Markdown nested deeper than coursekit keeps: lists 20 or more levels
inside each other, or quotes 40 or more.
Why: the Markdown parser stops at its nesting limit and drops the rest of
the text without a word; coursekit stops instead.
Fix: flatten the list or the quotes; split the text into several lists."""),
    LoadCode("E018", "unclosed-block", """\
What: a ``` fence, a raw HTML element (`<div>`, `<pre>`, `<!--`) or a
formula (`\\(`, `\\[`, `[mathjax]`) is opened and never closed; or Markdown
is written directly inside a raw HTML block (on the lines right after
`<div>`, with no blank line between).
Why: everything after it would be swallowed: shown as code, hidden in a
comment, or left as raw text instead of Markdown; a formula would lose its
backslashes and not be shown as math.
Example: `<div class="huom">` with no `</div>` later in the same text.
Fix: close it (```, `</div>`, `-->`, `\\)`) where it should end; leave a
blank line between HTML tags and the Markdown inside them."""),
    LoadCode("E019", "footnote", """\
What: a footnote reference `[^2]` with no `[^2]: ...` definition in the same
text block, or a definition that nothing refers to.
Why: learners would see a literal `[^2]`, or the note would be left out.
Footnotes work within one text block: a component (a problem, a video)
ends the block.
Fix: put the definition below its reference and above the next component,
or remove the unused one."""),
    LoadCode("E020", "unsafe-link", """\
What: a link or image whose target is a `javascript:`, `vbscript:` or `data:`
URL, or a path on the machine that builds the course (`/home/...`,
`file:///...`, `C:\\...`).
Why: script links are unsafe and Open edX shows them as plain text; a machine
path works nowhere else and makes the archive depend on where it was built.
Fix: link to a web address, or put the file under static/ and use a path
relative to the Markdown file."""),
    LoadCode("E021", "control-character", """\
What: a text file contains a control character such as NUL (U+0000) or a
vertical tab (U+000B), usually pasted from a word processor or a PDF.
Why: it is invisible in the editor, and Open edX cannot store it in XML.
Fix: delete the character at the line and column given (retype the word)."""),
]

LOAD_CODES: dict[str, LoadCode] = {c.code: c for c in _CODES}

YAML_SYNTAX = "E001"
NOT_UTF8 = "E002"
MISSING_FILE = "E003"
OUTSIDE = "E004"
INVALID = "E005"
DUPLICATE_ID = "E006"
UNKNOWN_COMPONENT = "E007"
INVALID_XML = "E008"
STRUCTURE = "E009"
INVALID_ID = "E010"
BROKEN_LINK = "E011"
TRANSCRIPT = "E012"
DATE = "E013"
DUPLICATE_KEY = "E014"
STATIC_NAME = "E015"
UNKNOWN_REF = "E016"
TOO_DEEP = "E017"
UNCLOSED = "E018"
FOOTNOTE = "E019"
UNSAFE_LINK = "E020"
CONTROL_CHAR = "E021"

"""State shared by the loader's steps while one course is read."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass, field
from typing import Any

from coursekit import cache
from coursekit.diagnostics import FatalSourceError, Loc, Report
from coursekit.ids import IdRegistry
from coursekit.load.sources import SourceTree
from coursekit.load.ydata import YMap
from coursekit.model import MdText


@dataclass
class LoadContext:
    tree: SourceTree
    report: Report
    ids: IdRegistry
    tz: dt.tzinfo = dt.UTC
    texts: list[tuple[MdText, str]] = field(default_factory=list)  # (text, file its links are relative to)
    file_ids: dict[str, str] = field(default_factory=dict)  # subsection file -> id
    dir_ids: dict[str, str] = field(default_factory=dict)  # section folder -> id
    page_files: dict[str, str] = field(default_factory=dict)  # custom page's Markdown file -> its slug
    # subsection file -> {slug of a `##` heading -> the id of its unit}, for `file.md#heading` links
    unit_slugs: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # folder or file not read -> the file with the error

    def skip(self, path: str, because: str) -> None:
        """Mark ``path`` (a section folder or a file) as not read, because of the error in ``because``."""
        self.skipped[path] = because

    def skipped_because(self, rel: str) -> str:
        """The file whose error kept ``rel`` from being read, or ""."""
        for path, because in self.skipped.items():
            if rel == path or rel.startswith(path.rstrip("/") + "/"):
                return because
        return ""

    def fail(self, err: FatalSourceError) -> None:
        self.report.items.append(err.diagnostic)

    def checked_yaml(self, text: str, file: str, line_offset: int, schema: str, what: str, loc: Loc,
                     empty_is_map: bool = True) -> Any:
        """YAML text parsed and checked against a bundled schema, memoised: the data, or False when the
        schema found problems (reported here). Data that is not a mapping is returned as it is, unchecked;
        empty text is an empty mapping (or None, without ``empty_is_map``).
        """
        def compute() -> tuple[Any, list]:
            from coursekit.load import yamlsrc  # PyYAML and jsonschema only when a text is not in the cache

            data = yamlsrc.load_yaml(text, file, line_offset)
            if data is None and empty_is_map:
                data = YMap()
                data.loc, data.key_locs, data.value_locs = loc, {}, {}
            found = Report()
            if isinstance(data, YMap) and not yamlsrc.validate(data, schema, what, loc, found):
                data = False
            return data, found.items

        memo = cache.current()
        if memo.keep:  # stored pickled: every build gets its own copy of the data to keep
            data, problems = pickle.loads(memo.get(
                "yaml", (text, file, line_offset, schema, what, loc, empty_is_map),
                lambda: pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)))
        else:
            data, problems = compute()
        self.report.extend(problems)
        return data

    def read_checked_yaml(self, rel: str, loc: Loc, what: str, schema: str, label: str, file_loc: Loc) -> Any:
        """A YAML file read and checked against a schema (see :meth:`checked_yaml`); empty is None."""
        text = self.tree.read_text(rel, loc, what)
        return self.checked_yaml(text, rel, 0, schema, label, file_loc, empty_is_map=False)

    def md(self, text: str, loc: Loc, base_file: str | None = None, inline: bool = False) -> MdText:
        """Make an :class:`MdText`; its links are resolved once every id is known."""
        value = MdText(text=str(text), loc=loc, inline=inline)
        self.texts.append((value, base_file or loc.file))
        return value

    def raw_html(self, text: str, loc: Loc) -> MdText:
        """HTML from a ``.html`` source file, kept verbatim (its links are not resolved or rewritten)."""
        return MdText(text=str(text), loc=loc, raw_html=True)

    def md_field(self, data: YMap, key: str, base_file: str, inline: bool = False) -> MdText | None:
        if key not in data or data[key] is None:
            return None
        return self.md(str(data[key]), data.value_loc(key), base_file, inline)

"""What YAML sources load into: dicts and lists that know where each key and item was written.

Apart from the YAML parser (``yamlsrc``), so the model and the build cache can use them without
importing PyYAML and jsonschema.
"""

from __future__ import annotations

from typing import Any

from coursekit.diagnostics import Loc


class YMap(dict):
    """A dict with the source location of itself and of each key."""

    loc: Loc
    key_locs: dict[Any, Loc]
    value_locs: dict[Any, Loc]

    def loc_of(self, key: Any) -> Loc:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: Any) -> Loc:
        """Where the value's text starts (the line after ``|`` or ``>`` for block scalars)."""
        return self.value_locs.get(key, self.loc_of(key))


class YList(list):
    loc: Loc
    item_locs: list[Loc]

    def loc_of(self, index: int) -> Loc:
        if 0 <= index < len(self.item_locs):
            return self.item_locs[index]
        return self.loc

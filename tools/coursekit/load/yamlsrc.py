"""YAML that remembers where each key and item came from, checked against JSON Schema.

``load_yaml`` returns plain Python values, except that mappings are
:class:`YMap` and sequences :class:`YList`, which know the source line of
every key and item. Duplicate keys are errors (plain PyYAML keeps the last
one silently).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import referencing
import yaml

from coursekit.diagnostics import FatalSourceError, Loc, Report
from coursekit.load import codes


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


def _make_loader(file: str, line_offset: int):
    def mark_loc(mark: yaml.Mark) -> Loc:
        return Loc(file, mark.line + 1 + line_offset, mark.column + 1)

    class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
        pass

    def construct_map(loader: LineLoader, node: yaml.MappingNode) -> YMap:
        loader.flatten_mapping(node)
        result = YMap()
        result.loc = mark_loc(node.start_mark)
        result.key_locs = {}
        result.value_locs = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise FatalSourceError(
                    codes.YAML_SYNTAX, "a mapping key must be a plain value", mark_loc(key_node.start_mark)
                ) from None
            if key in result:
                first = result.key_locs[key]
                raise FatalSourceError(
                    codes.DUPLICATE_KEY,
                    f"key {key!r} appears twice (first on line {first.line})",
                    mark_loc(key_node.start_mark),
                    "remove or rename one of them; YAML would keep only the last",
                )
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_locs[key] = mark_loc(key_node.start_mark)
            value_loc = mark_loc(value_node.start_mark)
            if getattr(value_node, "style", None) in ("|", ">"):
                value_loc = Loc(file, value_loc.line + 1, 1)
            result.value_locs[key] = value_loc
        return result

    def construct_seq(loader: LineLoader, node: yaml.SequenceNode) -> YList:
        result = YList(loader.construct_object(child, deep=True) for child in node.value)
        result.loc = mark_loc(node.start_mark)
        result.item_locs = [mark_loc(child.start_mark) for child in node.value]
        return result

    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
    LineLoader.add_constructor("tag:yaml.org,2002:seq", construct_seq)
    return LineLoader


def load_yaml(text: str, file: str, line_offset: int = 0) -> Any:
    """Parse one YAML document; ``line_offset`` shifts lines for blocks embedded in Markdown."""
    loader_cls = _make_loader(file, line_offset)
    try:
        loader = loader_cls(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise FatalSourceError(
            codes.YAML_SYNTAX,
            f"invalid YAML: {problem}{context}",
            Loc(file, line, col),
            'check indentation, and put values containing ": " or "#" in quotes',
        ) from None
    except yaml.YAMLError as exc:
        raise FatalSourceError(codes.YAML_SYNTAX, f"invalid YAML: {exc}", Loc(file, 1 + line_offset)) from None


# -- JSON Schema ----------------------------------------------------------------

SCHEMA_PACKAGE = "coursekit.schemas"


@cache
def schema(name: str) -> dict:
    return json.loads(resources.files(SCHEMA_PACKAGE).joinpath(name).read_text(encoding="utf-8"))


def _retrieve(uri: str) -> referencing.Resource:
    return referencing.Resource.from_contents(schema(uri.rsplit("/", 1)[-1]))


def _is_string(_checker: Any, instance: Any) -> bool:
    # YAML turns 2019-06-03 into a date; the schemas call dates strings.
    return isinstance(instance, str | dt.date)


_TYPE_CHECKER = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("string", _is_string)
_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPE_CHECKER)


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    registry: referencing.Registry = referencing.Registry(retrieve=_retrieve)
    return _Validator(schema(name), registry=registry)


def _loc_for_path(data: Any, path: list[Any], fallback: Loc) -> Loc:
    loc = getattr(data, "loc", fallback)
    node = data
    for part in path:
        if (isinstance(node, YMap) and part in node) or (isinstance(node, YList) and isinstance(part, int)):
            loc = node.loc_of(part)
        else:
            break
        node = node[part]
    return loc


def _dotted(path: list[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate(data: Any, schema_name: str, what: str, fallback: Loc, report: Report) -> bool:
    """Check ``data`` against a bundled schema; report each problem at its line. True when valid."""
    ok = True
    errors = sorted(validator(schema_name).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for err in errors:
        ok = False
        path = list(err.absolute_path)
        loc = _loc_for_path(data, path, fallback)
        where = f"{what} key `{_dotted(path)}`" if path else what
        hint = "see docs/authoring.md for the allowed keys and values"
        message = f"{where}: {err.message}"
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            extra = [k for k in err.instance if k not in allowed]
            for key in extra:
                key_loc = err.instance.loc_of(key) if isinstance(err.instance, YMap) else loc
                near = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                key_hint = f"did you mean `{near[0]}`?" if near else f"allowed keys: {', '.join(allowed)}"
                prefix = f"{what} key `{_dotted(path)}`: " if path else f"{what}: "
                report.add(codes.INVALID, f"{prefix}unknown key `{key}`", key_loc, key_hint)
            continue
        if err.validator == "required":
            hint = "add the missing key"
        report.add(codes.INVALID, message, loc, hint)
    return ok

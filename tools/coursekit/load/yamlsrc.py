"""YAML that remembers where each key and item came from, checked against JSON Schema.

``load_yaml`` returns plain Python values, except that mappings are
:class:`YMap` and sequences :class:`YList`, which know the source line of
every key and item. Duplicate keys are errors (plain PyYAML keeps the last
one silently).

Every value goes through this one path, which yields either a value or a
located :class:`FatalSourceError`, never a bare exception:

- dates stay text (``2019-06-03`` is the string ``"2019-06-03"``); the code
  that expects a date parses and checks it, so ``title: 2031-07-15`` is a
  title and ``start: 2020-02-30`` is a located date error;
- ``12:30`` is text, not YAML 1.1's base-60 number 750;
- an explicit tag with a value it cannot hold (``!!int x``, ``!!bool maybe``,
  ``!!timestamp soon``) is an error at that value.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import referencing
import yaml

from coursekit.diagnostics import FatalSourceError, Loc, Report
from coursekit.load import codes, yamlerrors
from coursekit.load.sources import CONTROL_RE
from coursekit.load.ydata import YList, YMap

__all__ = ["YList", "YMap", "load_yaml", "validate"]


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """The safe loader with locations; one class for every document, ``file`` and ``line_offset`` per loader."""

    file = ""
    line_offset = 0

    def loc(self, mark: yaml.Mark) -> Loc:
        return Loc(self.file, mark.line + 1 + self.line_offset, mark.column + 1)


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> YMap:
    loader.flatten_mapping(node)
    result = YMap()
    result.loc = loader.loc(node.start_mark)
    result.key_locs = {}
    result.value_locs = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise FatalSourceError(
                codes.YAML_SYNTAX, "a mapping key must be a plain value", loader.loc(key_node.start_mark)
            ) from None
        if key in result:
            first = result.key_locs[key]
            raise FatalSourceError(
                codes.DUPLICATE_KEY,
                f"key {key!r} appears twice (first on line {first.line})",
                loader.loc(key_node.start_mark),
                "remove or rename one of them; YAML would keep only the last",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_locs[key] = loader.loc(key_node.start_mark)
        value_loc = loader.loc(value_node.start_mark)
        if getattr(value_node, "style", None) in ("|", ">"):
            value_loc = Loc(loader.file, value_loc.line + 1, 1)
        result.value_locs[key] = value_loc
    return result


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> YList:
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.loc = loader.loc(node.start_mark)
    result.item_locs = [loader.loc(child.start_mark) for child in node.value]
    return result


def _checked(tag: str, original):
    """``original`` (a scalar constructor), turning every failure into a located error."""
    short = "!!" + tag.rsplit(":", 1)[-1]

    def construct(loader: _LineLoader, node: yaml.Node) -> Any:
        try:
            value = original(loader, node)
        except yaml.MarkedYAMLError:
            raise
        except Exception as exc:
            raise FatalSourceError(
                codes.YAML_SYNTAX,
                f"`{short} {node.value}` is not a valid {_TAG_NAMES.get(short, short)}{_reason(short, exc)}",
                loader.loc(node.start_mark),
                f"write a valid value, or remove the `{short}` tag and quote the text",
            ) from None
        if isinstance(value, str) and (bad := CONTROL_RE.search(value)):
            raise FatalSourceError(
                codes.CONTROL_CHAR,
                f"the value contains the control character U+{ord(bad.group()):04X}, which Open edX cannot show",
                loader.loc(node.start_mark),
                "remove the escape (such as \\x00 or \\v) from the quoted value",
            )
        if tag.endswith(":timestamp"):
            return str(node.value).strip()  # checked, but kept as text like every other date
        if tag.endswith((":int", ":float")) and ":" in str(node.value):
            return str(node.value)  # YAML 1.1 base-60 (``12:30``): keep the text
        return value

    return construct


_TAG_NAMES = {"!!int": "whole number", "!!float": "number", "!!bool": "true/false value",
              "!!timestamp": "date", "!!binary": "base64 value", "!!null": "empty value"}


def _reason(short: str, exc: Exception) -> str:
    if short == "!!bool":
        return " (use true or false)"
    if short == "!!timestamp" and isinstance(exc, ValueError):
        return f" ({exc})"  # "day is out of range for month"
    if short in ("!!timestamp", "!!int", "!!float"):
        return ""
    return f" ({str(exc).strip() or type(exc).__name__})"


def _implicit_resolvers() -> dict[str, list[tuple[str, Any]]]:
    """The safe loader's implicit types without timestamps: a date stays text until a date is expected."""
    out: dict[str, list[tuple[str, Any]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, regexp) for tag, regexp in entries if not tag.endswith(":timestamp")]
        if kept:
            out[first] = kept
    return out


_LineLoader.yaml_implicit_resolvers = _implicit_resolvers()
for _tag, _original in list(yaml.SafeLoader.yaml_constructors.items()):
    if _tag and _tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
        _LineLoader.add_constructor(_tag, _checked(_tag, _original))
_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(text: str, file: str, line_offset: int = 0) -> Any:
    """Parse one YAML document; ``line_offset`` shifts lines for blocks embedded in Markdown."""
    try:
        loader = _LineLoader(text)
        loader.file, loader.line_offset = file, line_offset
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        said = yamlerrors.explain(exc, text)
        mark = (exc.context_mark if said.at_context else None) or exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        if said.at is not None:
            line, col = said.at[0] + 1 + line_offset, said.at[1] + 1
        raise FatalSourceError(codes.YAML_SYNTAX, said.message, Loc(file, line, col), said.hint) from None
    except yaml.YAMLError as exc:
        raise FatalSourceError(codes.YAML_SYNTAX, f"invalid YAML: {exc}", Loc(file, 1 + line_offset),
                               yamlerrors.GENERAL_HINT) from None


# -- JSON Schema ----------------------------------------------------------------

SCHEMA_PACKAGE = "coursekit.schemas"


@cache
def schema(name: str) -> dict:
    return json.loads(resources.files(SCHEMA_PACKAGE).joinpath(name).read_text(encoding="utf-8"))


def _retrieve(uri: str) -> referencing.Resource:
    return referencing.Resource.from_contents(schema(uri.rsplit("/", 1)[-1]))


_Validator = jsonschema.Draft202012Validator


@cache
def validator(name: str, variant: str = "") -> jsonschema.protocols.Validator:
    """The validator of a bundled schema; ``variant`` picks one branch of a schema that branches on a key.

    A schema whose ``allOf`` is all ``if: {properties: {KEY: {const: VALUE}}} / then: ...`` (the problem
    types) gets one validator per VALUE holding only that branch's ``then``: the same errors, without
    evaluating every other branch's ``if`` for each block.
    """
    registry: referencing.Registry = referencing.Registry(retrieve=_retrieve)
    data = schema(name)
    if variant:
        data = {**data, "allOf": [_branches(name)[1][variant]]}
    return _Validator(data, registry=registry)


@cache
def _branches(name: str) -> tuple[str, dict[str, dict]]:
    """(KEY, {VALUE: then-schema}) when the schema branches on one key's constant value, else ("", {})."""
    found: dict[str, dict] = {}
    keys = set()
    for branch in schema(name).get("allOf", []):
        props = branch.get("if", {}).get("properties", {})
        if set(branch) != {"if", "then"} or len(props) != 1:
            return "", {}
        (key, cond), = props.items()
        if set(cond) != {"const"} or not isinstance(cond["const"], str):
            return "", {}
        keys.add(key)
        found[cond["const"]] = branch["then"]
    return (keys.pop(), found) if len(keys) == 1 else ("", {})


def _validator_for(data: Any, name: str) -> jsonschema.protocols.Validator:
    key, branches = _branches(name)
    value = data.get(key) if key and isinstance(data, dict) else None
    return validator(name, value) if isinstance(value, str) and value in branches else validator(name)


def _loc_for_path(data: Any, path: list[Any], fallback: Loc) -> Loc:
    """Where the value at ``path`` starts: the value's own line, not its parent's."""
    loc = getattr(data, "loc", fallback)
    node = data
    for part in path:
        if isinstance(node, YMap) and part in node:
            loc = node.value_loc(part)
        elif isinstance(node, YList) and isinstance(part, int) and 0 <= part < len(node):
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


def _type_names(expected: Any) -> list[str]:
    return [expected] if isinstance(expected, str) else list(expected)


def _plain_type_error(err: jsonschema.ValidationError) -> tuple[str, str] | None:
    """(message, fix) for the type errors YAML's own reading causes, in words an author knows."""
    expected = _type_names(err.validator_value)
    value = err.instance
    if "string" in expected and isinstance(value, bool):
        return ("this text is read as the value true/false: YAML reads yes, no, on, off, true and false that way",
                'put the text in quotes, e.g. "Yes" or "Ei"')
    if "string" in expected and isinstance(value, int | float):
        return (f"this text is read as the number {value!r}", "put the text in quotes")
    if value is None:
        return ("the value is empty", "write a value after the colon, or remove the line")
    if "boolean" in expected and isinstance(value, str):
        return (f"{value!r} is not true or false", "write true or false (without quotes)")
    if expected in (["integer"], ["number"]) and isinstance(value, str):
        return (f"{value!r} is not a number", "write a number such as 3 (without quotes)")
    if "object" in expected and isinstance(value, list | str | int | float | bool):
        return ("expected keys and values here (`key: value` lines, indented under this one)",
                "indent the lines that belong here by two spaces more, or see docs/authoring.md")
    if "array" in expected and not isinstance(value, list):
        return ("expected a list here: one `- item` line for each entry", "start each entry with `- `")
    return None


def _problem_types_using(key: str, item: bool) -> list[str]:
    types = []
    for branch in schema("problem.schema.json").get("allOf", []):
        then = branch.get("then", {})
        props = then.get("properties", {})
        if item:
            props = props.get("choices", {}).get("items", {}).get("properties", {}) if "choices" in props else {}
        if key in props:
            types.append(then["x-problem-type"])
    return types


def validate(data: Any, schema_name: str, what: str, fallback: Loc, report: Report) -> bool:
    """Check ``data`` against a bundled schema; report each problem at its line. True when valid."""
    ok = True
    errors = sorted(_validator_for(data, schema_name).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for err in errors:
        ok = False
        path = list(err.absolute_path)
        loc = _loc_for_path(data, path, fallback)
        where = f"{what} key `{_dotted(path)}`" if path else what
        hint = "see docs/authoring.md for the allowed keys and values"
        message = f"{where}: {err.message}"
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            kind = err.schema.get("x-problem-type")
            extra = [k for k in err.instance if k not in allowed]
            for key in extra:
                key_loc = err.instance.loc_of(key) if isinstance(err.instance, YMap) else loc
                near = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                prefix = f"{what} key `{_dotted(path)}`: " if path else f"{what}: "
                users = _problem_types_using(str(key), item=bool(path)) if kind else []
                if users:
                    names = ", ".join(f"`{u}`" for u in users)
                    key_hint = f"it is used only by {names} problems: remove it, or change `type`"
                    report.add(codes.INVALID, f"{prefix}`{key}` is not used by a `{kind}` problem", key_loc, key_hint)
                    continue
                key_hint = f"did you mean `{near[0]}`?" if near else f"allowed keys: {', '.join(allowed)}"
                report.add(codes.INVALID, f"{prefix}unknown key `{key}`", key_loc, key_hint)
            continue
        if err.validator == "required":
            hint = "add the missing key"
        elif err.validator == "type":
            plain = _plain_type_error(err)
            if plain:
                message, hint = f"{where}: {plain[0]}", plain[1]
        elif err.validator == "minItems" and path and path[-1] == "choices":
            message = f"{where}: a choice problem needs at least {err.validator_value} choices"
            hint = "add the missing choices, each as a `- text: ...` line"
        report.add(codes.INVALID, message, loc, hint)
    return ok

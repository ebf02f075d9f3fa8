"""An OLX course folder -> a tree of blocks, following the OLX the way Open edX's XML loader does.

- ``course.xml`` points at ``course/RUN.xml``; a child element that has only a
  ``url_name`` (no other attributes, no children, no text) is a *pointer tag*
  whose definition is in ``TYPE/URL_NAME.xml``; any other element is the
  block itself, *inline*.
- ``policies/RUN/policy.json`` (or ``policies/RUN.json``) entries keyed
  ``"TYPE/URL_NAME"`` override the attributes written in the XML;
  ``grading_policy.json`` sits beside it.
- ``<html filename="X">`` takes its content from ``html/X.html``.
- ``about/*``, ``info/*``, ``tabs/*.html`` and everything under ``static/``
  are read as they are; ``drafts/`` is ignored (Open edX imports it unpublished).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from coursekit.read import OlxError

# Blocks whose child elements are blocks; other blocks' children are their definition (CAPA XML, ...).
CONTAINERS = frozenset({
    "course", "chapter", "sequential", "vertical", "library_content", "split_test", "conditional", "randomize",
    "itembank", "unit", "wrapper",
})
# Elements inside a container that are not blocks.
NOT_BLOCKS = frozenset({"wiki", "textbook", "show", "hide"})

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


@dataclass
class Block:
    type: str
    url_name: str
    attrs: dict[str, str]  # the XML attributes with the policy applied; without url_name (and html's filename)
    element: etree._Element  # the definition, pointer children resolved inline, url_name set
    where: str  # the file that defines it
    parent: str = ""  # parent's "type/url_name"
    children: list[Block] = field(default_factory=list)
    html: str | None = None  # html blocks: their HTML
    inline: bool = False  # written inline in its parent (not a pointer tag)
    named: bool = True  # False when the OLX gave no url_name (one was made up from its place)
    extras: list[etree._Element] = field(default_factory=list)  # children that are not blocks (<wiki>, ...)

    @property
    def key(self) -> str:
        return f"{self.type}/{self.url_name}"

    def walk(self) -> Iterator[Block]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class OlxCourse:
    root: Path
    org: str
    number: str
    run: str
    course: Block
    policy: dict[str, object]  # the course's own settings: course/RUN.xml attributes, then policy.json
    policies: dict[str, dict]  # every policy.json entry, by "type/url_name"
    grading: dict[str, object]
    about: dict[str, str]  # slug -> text
    info: dict[str, str]  # file name -> text (handouts.html, updates.html, updates.items.json)
    tabs: dict[str, str]  # url_slug -> HTML
    static: dict[str, str]  # path under static/ -> sha256
    assets_policy: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)  # files under drafts/ (not read: Open edX keeps them unpublished)

    def blocks(self) -> Iterator[Block]:
        return self.course.walk()

    def block_count(self) -> int:
        """Blocks as Open edX counts them: the course tree, about and course info pages, custom pages."""
        info = sum(1 for name in self.info if name.endswith(".html"))
        return sum(1 for _ in self.blocks()) + len(self.about) + info + len(self.tabs)

    def static_path(self, path: str) -> Path:
        return self.root / "static" / path


def _read_text(path: Path, rel: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OlxError(f"cannot be read ({exc.strerror})", rel) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OlxError("is not valid UTF-8 text", f"{rel}:{line}", "save the file as UTF-8") from None


def _parse_xml(root: Path, rel: str) -> etree._Element:
    path = root / rel
    if not path.is_file():
        raise OlxError("file is missing", rel)
    try:
        tree = etree.parse(str(path), _PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise OlxError(f"is not well-formed XML: {exc.msg}", f"{rel}:{line}") from None
    return tree.getroot()


def _read_json(root: Path, rel: str, default: object) -> object:
    path = root / rel
    if not path.is_file():
        return default
    try:
        return json.loads(_read_text(path, rel))
    except json.JSONDecodeError as exc:
        raise OlxError(f"is not valid JSON: {exc.msg}", f"{rel}:{exc.lineno}") from None


def is_pointer(element: etree._Element) -> bool:
    expected = {"url_name", "course", "org"} if element.tag == "course" else {"url_name"}
    has_text = bool((element.text or "").strip())
    return len(element) == 0 and set(element.attrib) == expected and not has_text


def policy_value(value: object) -> str:
    """A policy.json value as the string it would be in an XML attribute (JSON for non-strings)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def inner_html(element: etree._Element) -> str:
    """An element's content (text and children) serialized, as Open edX's stringify_children does."""
    parts = [element.text or ""]
    for child in element:
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts)


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.policies: dict[str, dict] = {}
        self.seen: dict[str, str] = {}
        self.warnings: list[str] = []

    def read(self) -> OlxCourse:
        root = self.root
        top = _parse_xml(root, "course.xml")
        if top.tag != "course":
            raise OlxError(f"the root element is <{top.tag}>, not <course>", "course.xml")
        run = top.get("url_name") or ""
        org, number = top.get("org") or "", top.get("course") or ""
        if not run or not org or not number:
            missing = [n for n, v in (("url_name", run), ("org", org), ("course", number)) if not v]
            raise OlxError(f"<course> lacks {', '.join(missing)}", "course.xml",
                           'write <course url_name="RUN" org="ORG" course="NUMBER"/>')
        policy_rel = f"policies/{run}/policy.json"
        if not (root / policy_rel).is_file() and (root / f"policies/{run}.json").is_file():
            policy_rel = f"policies/{run}.json"
        policies = _read_json(root, policy_rel, {})
        if not isinstance(policies, dict) or not all(isinstance(v, dict) for v in policies.values()):
            raise OlxError('must map "type/url_name" to settings', policy_rel)
        self.policies = policies
        definition = top if not is_pointer(top) else _parse_xml(root, f"course/{run}.xml")
        course = self.block(definition, "course", run, f"course/{run}.xml", "", inline=False)
        settings: dict[str, object] = dict(definition.attrib)
        settings.pop("url_name", None)
        settings.update(policies.get(f"course/{run}", {}))
        settings.pop("xml_attributes", None)
        grading_rel = str(Path(policy_rel).parent / "grading_policy.json")
        grading = _read_json(root, grading_rel, {})
        if not isinstance(grading, dict):
            raise OlxError("must be a JSON object with GRADER and GRADE_CUTOFFS", grading_rel)
        assets = _read_json(root, "policies/assets.json", {})
        return OlxCourse(
            root=root, org=org, number=number, run=run, course=course, policy=settings, policies=policies,
            grading=grading, about=self.texts("about", strip_ext=True), info=self.texts("info", strip_ext=False),
            tabs=self.texts("tabs", strip_ext=True), static=self.static(),
            assets_policy=assets if isinstance(assets, dict) else {}, warnings=self.warnings,
            drafts=sorted(p.relative_to(root).as_posix() for p in (root / "drafts").rglob("*") if p.is_file())
            if (root / "drafts").is_dir() else [],
        )

    # -- blocks ----------------------------------------------------------------

    def resolve(self, element: etree._Element, where: str) -> tuple[etree._Element, str, bool]:
        """(definition element, file, inline) of a child element."""
        if is_pointer(element):
            url_name = element.get("url_name", "")
            rel = f"{element.tag}/{url_name.replace(':', '/')}.xml"
            definition = _parse_xml(self.root, rel)
            if definition.tag != element.tag:
                raise OlxError(f"holds <{definition.tag}>, but <{element.tag} url_name=\"{url_name}\"> in {where} "
                               "points here", rel)
            return definition, rel, False
        return element, where, True

    def block(self, element: etree._Element, tag: str, url_name: str, where: str, parent: str,
              inline: bool, named: bool = True) -> Block:
        key = f"{tag}/{url_name}"
        if key in self.seen:
            raise OlxError(f"block {key} is defined twice (also in {self.seen[key]})", where,
                           "give each block its own url_name")
        self.seen[key] = where
        attrs = {k: v for k, v in element.attrib.items() if k != "url_name"}
        for k, v in self.policies.get(key, {}).items():
            if k != "xml_attributes":
                attrs[k] = policy_value(v)
        block = Block(tag, url_name, attrs, element, where, parent, inline=inline, named=named)
        if tag == "html":
            block.html = self.html(element, where)
            attrs.pop("filename", None)
        if tag in CONTAINERS:
            self.children(block, element, where, key)
        else:
            self.resolve_inside(element, where)
        element.set("url_name", url_name)
        return block

    def children(self, block: Block, element: etree._Element, where: str, key: str) -> None:
        counter: dict[str, int] = {}
        for child in list(element):
            if not isinstance(child.tag, str):
                continue
            if child.tag in NOT_BLOCKS:
                block.extras.append(child)
                continue
            definition, child_where, inline = self.resolve(child, where)
            url_name = child.get("url_name") or definition.get("url_name") or ""
            named = bool(url_name)
            if not url_name:
                counter[child.tag] = counter.get(child.tag, 0) + 1
                url_name = f"{block.url_name}_{child.tag}{counter[child.tag]}"
                self.warnings.append(f"{child_where}: <{child.tag}> has no url_name; Open edX makes one up "
                                     "(learner state is then not tracked reliably)")
            sub = self.block(definition, child.tag, url_name, child_where, key, inline, named)
            block.children.append(sub)
            if not inline:  # the definition replaces the pointer, so the element holds the whole tree
                element.replace(child, definition)
                definition.tail = child.tail

    def resolve_inside(self, element: etree._Element, where: str) -> None:
        """Leaf blocks: nothing to resolve (their children are their definition)."""

    def html(self, element: etree._Element, where: str) -> str:
        filename = element.get("filename")
        if filename is None:
            return inner_html(element)
        name = filename if filename.endswith(".html") else f"{filename}.html"
        rel = name if name.startswith("html/") else f"html/{name}"
        path = self.root / rel
        if not path.is_file():
            raise OlxError(f"the HTML file {rel} it names is missing", where)
        return _read_text(path, rel)

    # -- course-wide files -----------------------------------------------------------

    def texts(self, folder: str, strip_ext: bool) -> dict[str, str]:
        base = self.root / folder
        out: dict[str, str] = {}
        if not base.is_dir():
            return out
        for path in sorted(base.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            key = path.name.rsplit(".", 1)[0] if strip_ext else path.name
            out[key] = _read_text(path, f"{folder}/{path.name}")
        return out

    def static(self) -> dict[str, str]:
        base = self.root / "static"
        out: dict[str, str] = {}
        if not base.is_dir():
            return out
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                rel = path.relative_to(base).as_posix()
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        return out


def read_course(root: Path) -> OlxCourse:
    """Read the OLX course in ``root`` (the folder with ``course.xml``); OlxError on bad input."""
    return _Reader(root).read()

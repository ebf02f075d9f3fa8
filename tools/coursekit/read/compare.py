"""Two OLX courses compared by meaning, not by bytes (``coursekit diff``).

Compared: the block tree (types, url_names, parents, order of children),
every block's attributes after the policy is applied (display names; dates
as moments in time, whatever their spelling), the course settings and the
grading policy, problems (their answers and tolerances first, then what
learners see of them: see problem_view; Studio's ``markdown`` editor source
is not compared), HTML after normalisation (whitespace, attribute order,
comments), about / course info / custom pages, and static files by SHA-256.
Pointer tags and inline blocks are the same thing here, as they are to Open edX.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from coursekit import dates
from coursekit.read.olx import Block, OlxCourse
from coursekit.static_refs import asset_name

DATE_KEYS = frozenset({"start", "end", "due", "enrollment_start", "enrollment_end", "advertised_start",
                       "announcement", "certificate_available_date"})
IGNORED_ATTRS = frozenset({"url_name", "filename", "xblock-family", "xml_attributes"})
_WS = re.compile(r"\s+")
RESPONSES = ("multiplechoiceresponse", "choiceresponse", "optionresponse", "numericalresponse", "stringresponse",
             "formularesponse", "customresponse", "symbolicresponse", "imageresponse", "jsinput", "coderesponse",
             "schematicresponse", "annotationresponse", "choicetextresponse")
# The response types coursekit models; a problem with exactly one of them (and no script) is compared by what
# learners see and what grades them (problem_view), not by its XML layout.
MODELLED_RESPONSES = ("multiplechoiceresponse", "choiceresponse", "optionresponse", "numericalresponse",
                      "stringresponse")
# Problem attributes no learner sees: Studio's simple-editor source (Studio reopens a problem without it in the
# advanced editor). Not compared.
EDITOR_ONLY = frozenset({"markdown"})
# Problem settings Open edX inherits from the unit, subsection, section and course when the problem does not set
# them (xmodule InheritanceMixin), with their default: an absent setting and the default are the same thing.
INHERITED = {"show_reset_button": "false"}
# Children of a response that are its inputs and grading rules, not text: their order does not show.
_INPUTS = ("choicegroup", "checkboxgroup", "optioninput", "textline", "formulaequationinput", "responseparam",
           "additional_answer", "correcthint", "stringequalhint")


@dataclass(frozen=True)
class Difference:
    where: str  # "type/url_name", or a course-wide part such as "grading" or "static/x.png"
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


# -- normalisation -------------------------------------------------------------------


def norm_date(value: str) -> str:
    text = value.strip().strip('"')
    if not text or text in ("null", "None"):
        return ""
    moment = dates.from_olx(text)
    return dates.iso(moment) if moment else text


def norm_value(key: str, value: object) -> str:
    if not isinstance(value, str):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    if key in DATE_KEYS:
        return norm_date(value)
    text = value.strip()
    if text[:1] in "[{":
        try:
            return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)
        except json.JSONDecodeError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower()
    return text


def norm_attrs(attrs: dict[str, str]) -> dict[str, str]:
    return {k: norm_value(k, v) for k, v in attrs.items() if k not in IGNORED_ATTRS}


def _text(value: str | None, pre: bool) -> str:
    if not value:
        return ""
    return value if pre else _WS.sub(" ", value).strip()


def canonical(element: etree._Element, pre: bool = False) -> list[str]:
    """An element as lines that differ only where the meaning does: attribute order, whitespace and
    comments do not count (whitespace inside <pre> does)."""
    out: list[str] = []
    if not isinstance(element.tag, str):
        return out
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    pre = pre or tag == "pre"
    attrs = " ".join(f'{k}="{_WS.sub(" ", v).strip()}"' for k, v in sorted(element.attrib.items())
                     if k not in IGNORED_ATTRS)
    out.append(f"<{tag}{' ' + attrs if attrs else ''}>")
    if text := _text(element.text, pre):
        out.append(text)
    for child in element:
        out.extend(canonical(child, pre))
        if tail := _text(child.tail, pre):
            out.append(tail)
    out.append(f"</{tag}>")
    return out


def normalize_html(text: str) -> list[str]:
    """HTML as :func:`canonical` lines (the wrapper element left out)."""
    if not text.strip():
        return []
    try:
        wrapper = lxml_html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return [_WS.sub(" ", text).strip()]
    for bad in wrapper.xpath("//comment()|//processing-instruction()"):
        parent = bad.getparent()
        if parent is not None:
            bad.drop_tree() if hasattr(bad, "drop_tree") else parent.remove(bad)
    return canonical(wrapper)[1:-1]


def _first_change(a: list[str], b: list[str]) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"{_short(x)!r} became {_short(y)!r} (item {i + 1})"
    if len(a) > len(b):
        return f"{_short(a[len(b)])!r} was removed (item {len(b) + 1})"
    return f"{_short(b[len(a)])!r} was added (item {len(a) + 1})"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- problems ----------------------------------------------------------------------


def problem_answers(element: etree._Element) -> list[str]:
    """What a problem accepts as right, one line per fact (answers, tolerances, answer types)."""
    facts: list[str] = []
    for n, resp in enumerate(element.iter(*RESPONSES), 1):
        head = f"response {n} ({resp.tag})"
        for key in ("answer", "type", "partial_credit"):
            if resp.get(key) is not None:
                facts.append(f"{head} {key}={resp.get(key)!r}")
        for param in resp.iter("responseparam"):
            facts.append(f"{head} {param.get('type', 'param')}={param.get('default')!r}")
        for alt in resp.iter("additional_answer"):
            facts.append(f"{head} additional answer {alt.get('answer', _text(alt.text, False))!r}")
        for choice in resp.iter("choice", "option"):
            label = _short(_WS.sub(" ", "".join(choice.itertext()) if choice.tag == "option" else
                                   (choice.text or "") + "".join(
                                       "".join(c.itertext()) + (c.tail or "") for c in choice
                                       if c.tag not in ("choicehint", "optionhint"))).strip(), 60)
            facts.append(f"{head} {choice.tag} {label!r} correct={(choice.get('correct') or 'false').lower()}")
        for opt_input in resp.iter("optioninput"):
            if opt_input.get("correct") is not None:
                facts.append(f"{head} options={opt_input.get('options')!r} correct={opt_input.get('correct')!r}")
    return facts


def problem_view(element: etree._Element) -> list[str] | None:
    """What learners see and what grades them, for a problem with exactly one response of a type coursekit
    models and no script; None for any other problem (compared by its XML).

    Layout that does not show is left out: a ``<div class="problem-context">`` wrapper, whether the text above
    the input sits inside the response element or before it, where the ``<solution>`` is, and the order of the
    response's inputs and grading rules. Text, its order, ``<label>`` and ``<description>``, choices, hints,
    feedback and every attribute still count."""
    if any(True for _ in element.iter("script")):
        return None
    responses = list(element.iter(*RESPONSES))
    if len(responses) != 1 or responses[0].tag not in MODELLED_RESPONSES or responses[0].getparent() is not element:
        return None
    response = responses[0]
    before: list[str] = []
    after: list[str] = []
    solution: list[str] = []
    if text := _text(element.text, False):
        before.append(text)
    place = before
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child is response:
            place = after
        elif child.tag == "solution":
            solution.extend(canonical(child))
        elif place is before and child.tag == "div" and dict(child.attrib) == {"class": "problem-context"}:
            place.extend(canonical(child)[1:-1])
        else:
            place.extend(canonical(child))
        if tail := _text(child.tail, False):
            place.append(tail)
    attrs = " ".join(f'{k}="{_WS.sub(" ", v).strip()}"' for k, v in sorted(response.attrib.items()))
    inputs: list[tuple[int, list[str]]] = []
    question: list[str] = []
    below: list[str] = []
    if text := _text(response.text, False):
        question.append(text)
    for child in response:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "solution":
            solution.extend(canonical(child))
        elif child.tag in _INPUTS:
            inputs.append((_INPUTS.index(child.tag), canonical(child)))
        else:
            (below if inputs else question).extend(canonical(child))
        if tail := _text(child.tail, False):
            (below if inputs else question).append(tail)
    lines = before + question + [f"<{response.tag}{' ' + attrs if attrs else ''}>"]
    for _, part in sorted(inputs, key=lambda item: item[0]):
        lines.extend(part)
    return [*lines, f"</{response.tag}>", *below, *solution, *after]


# -- comparing -------------------------------------------------------------------------


class _Differ:
    def __init__(self, a: OlxCourse, b: OlxCourse) -> None:
        self.a, self.b = a, b
        self.out: list[Difference] = []
        self._index: dict[int, dict[str, Block]] = {}

    def add(self, where: str, what: str) -> None:
        self.out.append(Difference(where, what))

    def run(self) -> list[Difference]:
        a, b = self.a, self.b
        for name, x, y in (("org", a.org, b.org), ("course number", a.number, b.number), ("run", a.run, b.run)):
            if x != y:
                self.add("course", f"{name} {x!r} became {y!r}")
        self.settings("course settings", a.policy, b.policy)
        self.grading()
        self.tree()
        self.pages("about", a.about, b.about)
        self.pages("info", a.info, b.info)
        self.pages("tabs", a.tabs, b.tabs)
        self.static()
        return self.out

    def settings(self, where: str, x: dict, y: dict) -> None:
        nx, ny = norm_attrs(x), norm_attrs(y)
        for key in ("advanced_modules",):
            for d in (nx, ny):
                if key in d:
                    with contextlib.suppress(json.JSONDecodeError, TypeError):
                        d[key] = json.dumps(sorted(set(json.loads(d[key]))))
        for key in sorted(set(nx) | set(ny)):
            if key not in ny:
                self.add(where, f"{key} was removed (was {_short(nx[key])!r})")
            elif key not in nx:
                self.add(where, f"{key} was added ({_short(ny[key])!r})")
            elif nx[key] != ny[key]:
                self.add(where, f"{key} {_short(nx[key])!r} became {_short(ny[key])!r}")

    def grading(self) -> None:
        def graders(policy: dict) -> dict[str, dict]:
            out = {}
            for g in policy.get("GRADER", []) or []:
                if isinstance(g, dict):
                    out[str(g.get("type"))] = {k: (float(v) if isinstance(v, int | float) else v)
                                               for k, v in g.items() if k != "type"}
            return out

        ga, gb = graders(self.a.grading), graders(self.b.grading)
        for name in sorted(set(ga) | set(gb)):
            if name not in gb:
                self.add("grading", f"assignment type {name!r} was removed")
            elif name not in ga:
                self.add("grading", f"assignment type {name!r} was added")
            elif ga[name] != gb[name]:
                for key in sorted(set(ga[name]) | set(gb[name])):
                    if ga[name].get(key) != gb[name].get(key):
                        self.add("grading", f"{name!r} {key} {ga[name].get(key)!r} became {gb[name].get(key)!r}")
        order_a = [str(g.get("type")) for g in self.a.grading.get("GRADER", []) or [] if isinstance(g, dict)]
        order_b = [str(g.get("type")) for g in self.b.grading.get("GRADER", []) or [] if isinstance(g, dict)]
        if set(order_a) == set(order_b) and order_a != order_b:
            self.add("grading", f"assignment types reordered: {order_a} became {order_b}")
        ca, cb = self.a.grading.get("GRADE_CUTOFFS", {}), self.b.grading.get("GRADE_CUTOFFS", {})
        if ca != cb:
            self.add("grading", f"grade cutoffs {ca} became {cb}")

    def tree(self) -> None:
        blocks_a = {blk.key: blk for blk in self.a.blocks() if blk.type != "course"}
        blocks_b = {blk.key: blk for blk in self.b.blocks() if blk.type != "course"}
        removed = [k for k in blocks_a if k not in blocks_b]
        added = [k for k in blocks_b if k not in blocks_a]
        renamed: dict[str, str] = {}
        place_a, place_b = self._places(self.a.course), self._places(self.b.course)
        for key in removed:  # same type, same parent, same place among its siblings: its url_name changed
            old = blocks_a[key]
            for new_key in added:
                new = blocks_b[new_key]
                if new_key in renamed.values() or new.type != old.type:
                    continue
                if place_a[key] == place_b[new_key]:
                    renamed[key] = new_key
                    break
        for key in removed:
            if key in renamed:
                self.add(key, f"url_name changed to {renamed[key].split('/', 1)[1]!r} (learner state would be lost)")
            else:
                blk = blocks_a[key]
                self.add(key, f"block removed (was in {blk.parent}, {blk.attrs.get('display_name', '')!r})")
        for key in added:
            if key not in renamed.values():
                blk = blocks_b[key]
                self.add(key, f"block added in {blk.parent} ({blk.attrs.get('display_name', '')!r})")
        self.block(self.a.course, self.b.course, "course")
        pairs = {k: k for k in blocks_a if k in blocks_b} | renamed
        for ka, kb in pairs.items():
            self.block(blocks_a[ka], blocks_b[kb], ka)

    @staticmethod
    def _places(root: Block) -> dict[str, tuple[str, int]]:
        """Each block's (parent, index among its siblings)."""
        return {child.key: (blk.key, i) for blk in root.walk() for i, child in enumerate(blk.children)}

    def inherited(self, blk: Block, course: OlxCourse, key: str) -> str:
        """The value of an inherited setting for ``blk``: its own, else its nearest ancestor's, else the
        course's, else Open edX's default."""
        if key in blk.attrs:
            return blk.attrs[key]
        blocks = self._index.setdefault(id(course), {b.key: b for b in course.blocks()})
        parent = blocks.get(blk.parent)
        while parent is not None and parent.type != "course":
            if key in parent.attrs:
                return parent.attrs[key]
            parent = blocks.get(parent.parent)
        value = course.policy.get(key)
        return INHERITED[key] if value is None else str(value)

    def extras(self, blk: Block, course: OlxCourse) -> list[str]:
        lines: list[str] = []
        for extra in blk.extras:
            # The wiki slug Open edX gives a course anyway (org.number.run) is no difference.
            if extra.tag == "wiki" and extra.get("slug") == f"{course.org}.{course.number}.{course.run}":
                continue
            lines.extend(canonical(extra))
        return lines

    def block(self, x: Block, y: Block, where: str) -> None:
        ex, ey = self.extras(x, self.a), self.extras(y, self.b)
        if ex != ey:
            self.add(where, f"elements that are not blocks differ: {_first_change(ex, ey)}")
        if x.type != "course" and x.parent != y.parent:
            self.add(where, f"moved from {x.parent} to {y.parent}")
        kids_x = [c.key for c in x.children]
        kids_y = [c.key for c in y.children]
        if kids_x != kids_y and set(kids_x) == set(kids_y):
            self.add(where, "children reordered")
        if x.type != "course":
            ax, ay = norm_attrs(x.attrs), norm_attrs(y.attrs)
            if x.type == "problem":
                for attrs, blk, course in ((ax, x, self.a), (ay, y, self.b)):
                    for key in EDITOR_ONLY:
                        attrs.pop(key, None)
                    for key in INHERITED:
                        attrs[key] = norm_value(key, self.inherited(blk, course, key))
            for key in sorted(set(ax) | set(ay)):
                vx, vy = ax.get(key), ay.get(key)
                if vx != vy:
                    label = "display name" if key == "display_name" else key
                    if vx is None:
                        self.add(where, f"{label} added: {_short(vy or '')!r}")
                    elif vy is None:
                        self.add(where, f"{label} removed (was {_short(vx)!r})")
                    else:
                        self.add(where, f"{label} {_short(vx)!r} became {_short(vy)!r}")
        if x.type == "html":
            hx, hy = normalize_html(x.html or ""), normalize_html(y.html or "")
            if hx != hy:
                self.add(where, f"HTML text differs: {_first_change(hx, hy)}")
        elif x.type not in ("course", "chapter", "sequential", "vertical"):
            self.content(x, y, where)

    def content(self, x: Block, y: Block, where: str) -> None:
        """Leaves (and containers of other kinds): their XML content, with children blocks compared apart."""
        def body(blk: Block) -> list[str]:
            lines: list[str] = []
            keys = {c.key for c in blk.children}
            for child in blk.element:
                if isinstance(child.tag, str) and f"{child.tag}/{child.get('url_name')}" in keys:
                    continue  # a child block, compared on its own
                lines.extend(canonical(child))
            if text := _text(blk.element.text, False):
                lines.insert(0, text)
            return lines

        if x.type == "problem":
            fx, fy = problem_answers(x.element), problem_answers(y.element)
            if fx != fy:
                for fact in fx:
                    if fact not in fy:
                        self.add(where, f"answer changed: {fact} is no longer so")
                for fact in fy:
                    if fact not in fx:
                        self.add(where, f"answer changed: now {fact}")
                return
        if x.type == "problem":
            vx, vy = problem_view(x.element), problem_view(y.element)
            if vx is not None and vy is not None:
                if vx != vy:
                    self.add(where, f"problem differs: {_first_change(vx, vy)}")
                return
        bx, by = body(x), body(y)
        if bx != by:
            self.add(where, f"{x.type} content differs: {_first_change(bx, by)}")

    def pages(self, folder: str, x: dict[str, str], y: dict[str, str]) -> None:
        for name in sorted(set(x) | set(y)):
            where = f"{folder}/{name}"
            if name not in y:
                self.add(where, "removed")
            elif name not in x:
                self.add(where, "added")
            elif name.endswith(".json"):
                try:
                    same = json.loads(x[name]) == json.loads(y[name])
                except json.JSONDecodeError:
                    same = x[name] == y[name]
                if not same:
                    self.add(where, "content differs")
            else:
                hx, hy = normalize_html(x[name]), normalize_html(y[name])
                if hx != hy:
                    self.add(where, f"HTML text differs: {_first_change(hx, hy)}")

    def static(self) -> None:
        # Open edX names an asset by its cleaned path (see asset_name): that name is what links use.
        sa = {asset_name(p): h for p, h in self.a.static.items()}
        sb = {asset_name(p): h for p, h in self.b.static.items()}
        for name in sorted(set(sa) & set(sb)):
            la, lb = locked(self.a, name), locked(self.b, name)
            if la != lb:
                self.add(f"static/{name}", f"locked {la} became {lb} (a locked file is for enrolled learners only)")
        for path in sorted(set(sa) | set(sb)):
            if path not in sb:
                self.add(f"static/{path}", "file removed")
            elif path not in sa:
                self.add(f"static/{path}", "file added")
            elif sa[path] != sb[path]:
                self.add(f"static/{path}", f"file content changed (sha256 {sa[path][:12]}… became {sb[path][:12]}…)")


def locked(course: OlxCourse, name: str) -> bool:
    """Whether policies/assets.json locks the asset (only enrolled learners may fetch it)."""
    entry = course.assets_policy.get(name)
    return isinstance(entry, dict) and str(entry.get("locked", False)).lower() == "true"


def compare(a: OlxCourse, b: OlxCourse) -> list[Difference]:
    """Every difference between ``a`` and ``b``, in a stable order; empty when they are equivalent."""
    return _Differ(a, b).run()

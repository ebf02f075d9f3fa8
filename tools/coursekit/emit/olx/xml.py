"""XML and HTML helpers for the OLX emitter."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from coursekit import cache, markdown
from coursekit.model import LinkRef, MdText

JUMP = "/jump_to_id/"
# Open edX rewrites a quoted "/course/..." in content to "/courses/<course key>/...": a custom page
# (static tab) lives at /courses/<course key>/<url_slug>/ on the LMS.
COURSE = "/course/"


def asset_name(path: str) -> str:
    """Open edX flattens static subfolders into the asset name (``kuvat/a.png`` -> ``kuvat_a.png``)."""
    return path.replace("/", "_")


def link_url(link: LinkRef) -> str:
    if link.kind == "static":
        return f"/static/{asset_name(link.target)}"
    if link.kind == "internal":
        return f"{JUMP}{link.target}"
    if link.kind == "page":
        slug, _, fragment = link.target.partition("#")
        return f"{COURSE}{slug}/" + (f"#{fragment}" if fragment else "")
    return link.href


# Elements whose children are structure, not running text: only these get indentation.
STRUCTURAL = frozenset({
    "course", "chapter", "sequential", "vertical", "problem", "multiplechoiceresponse", "choiceresponse",
    "optionresponse", "numericalresponse", "stringresponse", "choicegroup", "checkboxgroup", "optioninput",
    "solution", "demandhint", "video",
})


def render(text: MdText | None, inline: bool | None = None, doc_id: str = "") -> str:
    """Markdown -> HTML with links rewritten for Open edX."""
    if text is None:
        return ""
    urls = {link.href: link_url(link) for link in text.links}
    mode = text.inline if inline is None else inline
    if text.raw_html:
        return text.text
    return cache.current().get("html", (text.text, mode, doc_id, sorted(urls.items())),
                               lambda: markdown.render_text(text, urls, mode, doc_id))


def _indent(element: etree._Element, level: int) -> None:
    if element.tag not in STRUCTURAL or not len(element):
        return
    pad = "\n" + "  " * (level + 1)
    if not (element.text or "").strip():
        element.text = pad
    for child in element:
        _indent(child, level + 1)
        if not (child.tail or "").strip():
            child.tail = pad
    last = element[-1]
    if not (last.tail or "").strip():
        last.tail = "\n" + "  " * level


def serialize(element: etree._Element) -> bytes:
    """Serialize with indentation between structural elements only; running text is left exactly as is."""
    _indent(element, 0)
    return etree.tostring(element, encoding="utf-8", xml_declaration=False) + b"\n"


def _to_xml(node: etree._Element) -> etree._Element:
    """Copy an lxml.html element into a plain XML element tree."""
    copy = etree.Element(node.tag, {k: v for k, v in node.attrib.items()})
    copy.text = node.text
    copy.tail = node.tail
    for child in node:
        if isinstance(child.tag, str):
            copy.append(_to_xml(child))
        elif child.tail:
            # comments and processing instructions are dropped; keep the text after them
            if len(copy):
                copy[-1].tail = (copy[-1].tail or "") + child.tail
            else:
                copy.text = (copy.text or "") + child.tail
    return copy


def append_html(parent: etree._Element, html: str) -> None:
    """Append an HTML fragment (text and elements) to ``parent`` as well-formed XML."""
    if not html.strip():
        return
    fragments = lxml_html.fragments_fromstring(html)
    for frag in fragments:
        if isinstance(frag, str):
            if len(parent):
                parent[-1].tail = (parent[-1].tail or "") + frag
            else:
                parent.text = (parent.text or "") + frag
        elif isinstance(frag.tag, str):
            parent.append(_to_xml(frag))


def html_element(tag: str, html: str, **attrs: str) -> etree._Element:
    element = etree.Element(tag, attrs)
    append_html(element, html)
    return element


def split_last_paragraph(html: str) -> tuple[str, str]:
    """Split rendered HTML into (everything before the last <p>, the last <p>'s inner HTML).

    Used for CAPA questions: the last paragraph becomes the accessible
    ``<label>``; anything before it (context, tables, lists) stays above.
    """
    fragments = lxml_html.fragments_fromstring(html) if html.strip() else []
    elements = [f for f in fragments if not isinstance(f, str)]
    if elements and elements[-1].tag == "p":
        last = elements[-1]
        inner = (last.text or "") + "".join(
            etree.tostring(child, encoding="unicode", method="html") for child in last
        )
        before = "".join(etree.tostring(e, encoding="unicode", method="html") for e in elements[:-1])
        return before, inner
    return html, ""

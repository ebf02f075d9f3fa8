"""Which course static files raw OLX or raw HTML refers to, in the forms Open edX resolves.

Raw markup (an ``{olx}`` block, a verbatim ``.html`` file, raw HTML inside
Markdown) is copied to the OLX as it is, so its references are in Open edX's
own forms, not coursekit's relative paths:

- ``/static/NAME``: the asset NAME of the course (``/static/kuvat/a.png`` is
  the asset ``kuvat_a.png``: Open edX flattens folders, see :func:`asset_name`);
- ``/c4x/ORG/COURSE/asset/NAME`` (old-style asset URL);
- ``asset-v1:ORG+COURSE+RUN+type@asset+block@NAME`` (also ``/asset-v1:...``);
- a video's transcripts: ``<transcript src="NAME">``, ``transcripts='{"en": "NAME"}'``
  and ``sub="ID"``, the file ``subs_ID.srt.sjson``.

References are found anywhere in the markup, also inside attribute values
that hold escaped HTML or JSON (a problem's ``markdown``, a drag-and-drop
``data``, ``html5_sources``, ``handout``), since Open edX rewrites those too.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from urllib.parse import unquote

from lxml import etree

_ASSET_INVALID = re.compile(r"[^\w.%-]", re.UNICODE)
# a name ends where a URL or markup does; "&" and ";" cannot be in an asset name (see asset_name), so
# "/static/a.png&quot;" in still-escaped markup is a.png
_NAME = r"""([^\s"'<>()?#&;\\]+)"""
# /static/ at the start of a URL: not the platform's own /static/ of another site (https://x.org/static/...)
_STATIC_RE = re.compile(r"(?<![\w.:/%-])/static/" + _NAME)
_C4X_RE = re.compile(r"/c4x/[^/\s\"'<>]+/[^/\s\"'<>]+/asset/" + _NAME)
_ASSET_KEY_RE = re.compile(r"asset-v1:[^\s\"'<>/]+?\+type@asset\+block@" + _NAME)
_TRANSCRIPT_TAGS = ("video", "videoalpha")


def asset_name(path: str) -> str:
    """The name Open edX gives a file under static/: "/" becomes "_", and so does every character an asset
    key cannot hold (``AssetLocator.clean_keeping_underscores``): ``Brain green.png`` is ``Brain_green.png``."""
    return _ASSET_INVALID.sub("_", path.replace("/", "_"))


def _unescaped(markup: str) -> list[str]:
    """``markup`` and its unescaped forms (HTML inside an attribute, inside that again), JSON slashes undone."""
    out = [markup]
    for _ in range(3):
        plain = html.unescape(out[-1]).replace("\\/", "/")
        if plain == out[-1]:
            break
        out.append(plain)
    return out


def _json_names(value: str) -> Iterable[str]:
    try:
        data = json.loads(value)
    except ValueError:
        return ()
    return [str(v) for v in data.values() if isinstance(v, str)] if isinstance(data, dict) else ()


def _video_names(markup: str) -> Iterable[str]:
    """Transcript files named by the ``<video>`` elements of OLX ``markup`` (``sub``, ``transcripts``,
    ``<transcript src>``)."""
    if "<video" not in markup:
        return
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(markup.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return
    if root is None:
        return
    for video in root.iter(*_TRANSCRIPT_TAGS):
        sub = (video.get("sub") or "").strip()
        if sub:
            yield f"subs_{sub}.srt.sjson"
        yield from _json_names(video.get("transcripts") or "")
        for transcript in video.iter("transcript"):
            src = (transcript.get("src") or "").strip()
            if src:
                yield src


def referenced_assets(markup: str) -> set[str]:
    """Asset names (as :func:`asset_name` gives them) that raw OLX or HTML ``markup`` refers to."""
    names: set[str] = set()
    if not markup:
        return names
    for text in _unescaped(markup):
        for regex in (_STATIC_RE, _C4X_RE, _ASSET_KEY_RE):
            names.update(asset_name(unquote(m.group(1))) for m in regex.finditer(text))
    names.update(asset_name(name) for name in _video_names(markup))
    return names

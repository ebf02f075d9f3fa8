"""External links must be well-formed URLs.

What: a link whose address cannot work: `http:/example.org` or `https://`
without a host, a host without a domain (`https://hankinnat`), spaces or
invalid characters in the host, an unknown scheme (`htps://`, `hhtp://`),
`javascript:`, `vbscript:` or `data:` links in raw HTML, or a `mailto:`
without an address. (In Markdown, `javascript:`, `vbscript:` and `data:`
links stop the build as E020.)

Why: the browser cannot open such a link; learners get an error page.

Example:

    [HILMA](htps://www.hankintailmoitukset.fi)

Fix: correct the address; copy it from the browser's address bar.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from coursekit.check import CheckContext, Finding
from coursekit.check.text import html_links
from coursekit.diagnostics import Loc, Severity
from coursekit.model import Course, Video

CODE = "L403"
NAME = "malformed-url"
SEVERITY = Severity.ERROR
STAGE = "model"

SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
KNOWN_SCHEMES = ("http", "https", "mailto", "tel", "ftp", "ftps", "sftp", "data", "webcal", "sms")
HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]\.?$|^localhost$", re.I)
IP_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$|^\[[0-9a-f:.]+\]$", re.I)


def problem(url: str) -> str | None:
    match = SCHEME_RE.match(url)
    if not match:
        return None
    scheme = match.group(1).lower()
    if scheme in ("javascript", "vbscript", "data"):
        return f"is a {scheme}: link; Open edX removes scripts and embedded data"
    if scheme not in KNOWN_SCHEMES:
        near = difflib.get_close_matches(scheme, ["https", "http", "mailto"], n=1, cutoff=0.5)
        return f"has an unknown scheme {scheme!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
    if scheme == "mailto":
        address = url[len("mailto:"):].split("?", 1)[0]
        return None if "@" in address else "is a mailto: link without an e-mail address"
    if scheme not in ("http", "https", "ftp", "ftps"):
        return None
    if any(ch.isspace() for ch in url):
        return "contains spaces; write them as %20"
    if not url[len(scheme) + 1:].startswith("//"):
        return f"needs two slashes after {scheme}:"
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        return f"cannot be parsed: {exc}"
    host = parts.hostname or ""
    if not host:
        return "has no host name"
    if not (HOST_RE.match(host) or IP_RE.match(host)):
        return f"has an invalid host name {host!r}"
    return None


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    found: list[tuple[str, Loc]] = [(link.href, link.loc) for link in course.links()
                                    if link.kind in ("external", "other", "mailto")]
    found += [(h.url, h.item.loc) for h in html_links(ctx, course)]
    for *_, comp in course.components():
        if isinstance(comp, Video):
            found += [(src, comp.loc) for src in comp.sources]
    for url, loc in found:
        reason = problem(url)
        if reason:
            yield Finding(loc, f"link {url!r} {reason}", "correct the address (copy it from the browser)")

"""External links must answer (checked with `coursekit lint --online`).

What: an http(s) link (Markdown, raw HTML or a video source) that answers
with an HTTP error (404 Not Found, 410 Gone, 500 ...), does not answer
within the timeout, or cannot be reached at all (unknown host, refused
connection, bad TLS certificate). Servers that refuse HEAD requests are
asked again with GET. Rate limiting (429) is not reported. Results are
cached (`.coursekit-linkcache.json`), broken ones for an hour, good ones for
a week. URLs matching a pattern in the `online_skip` option are not
checked.

Why: learners follow the link and land on an error page; material moves
often on public-sector sites.

Example: `[Hankintalaki](https://www.finlex.fi/fi/laki/ajantasa/2016/20161397-vanha)` → 404.

Fix: find the new address of the page (the site's search, or the Internet
Archive), or remove the link. Sites that block automatic checks can be
listed in `online_skip`.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.online import checked_links
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "L404"
NAME = "link-broken"
SEVERITY = Severity.WARNING
STAGE = "online"
OPTIONS = {"online_skip": ([], "URL patterns (globs) that --online does not check, e.g. https://www.linkedin.com/*")}


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for item in checked_links(course, ctx):
        result = item.result
        if not result.broken:
            continue
        if result.status:
            reason = f"answers HTTP {result.status}"
            if result.redirected:
                reason += f" (after redirecting to {result.final_url})"
        else:
            reason = result.error
        for loc in item.locs:
            yield Finding(loc, f"link {result.url} {reason}", "update the address, or remove the link")

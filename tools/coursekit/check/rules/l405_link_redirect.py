"""External links that redirect should point to their final address.

What: an http(s) link that the server redirects elsewhere (checked with
`coursekit lint --online`); the message names the final address and the
redirect status (301/308 permanent, 302/303/307 temporary).

Why: a permanent redirect means the page has moved; such redirects are
often dropped later and the link breaks. Linking to the final address is
also faster for learners.

Example: `http://www.hankinnat.fi` redirects (301) to `https://www.hankinnat.fi/`.

Fix: replace the link with the final address if it is the same content.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursekit.check import CheckContext, Finding
from coursekit.check.online import checked_links
from coursekit.diagnostics import Severity
from coursekit.model import Course

CODE = "L405"
NAME = "link-redirect"
SEVERITY = Severity.INFO
STAGE = "online"


def check(course: Course, ctx: CheckContext) -> Iterator[Finding]:
    for item in checked_links(course, ctx):
        result = item.result
        if not result.redirected or result.broken:
            continue
        kind = "permanently" if result.redirect_status in (301, 308) else "temporarily"
        for loc in item.locs:
            yield Finding(loc, f"link {result.url} redirects {kind} ({result.redirect_status}) to {result.final_url}",
                          f"link to {result.final_url} instead")

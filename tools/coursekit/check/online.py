"""Checking external links over HTTP (``coursekit lint --online``).

Each URL is asked with HEAD; servers that refuse HEAD (405, 403, 501, 400)
are asked again with GET, reading only the headers. Redirects are followed
and reported. Requests run in a thread pool with a limit per host, so the
total time is bounded by the timeout and the concurrency, not by the number
of links. Results are kept in a JSON cache file for a while so that
repeated CI runs do not hammer the same sites.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import requests

from coursekit import __version__

CACHE_NAME = ".coursekit-linkcache.json"
CACHE_FORMAT = 1
USER_AGENT = f"coursekit/{__version__} (course link checker)"
RETRY_WITH_GET = frozenset({400, 403, 405, 501})
NOT_CONCLUSIVE = frozenset({429, 999})  # rate limited or bot wall: neither good nor broken


@dataclass
class LinkResult:
    url: str
    status: int = 0  # final HTTP status; 0 = no answer
    final_url: str = ""
    redirect_status: int = 0  # the first redirect's status, if redirected
    error: str = ""  # "timeout" or a connection error, when status is 0
    checked: float = 0.0  # time.time() of the check

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400

    @property
    def broken(self) -> bool:
        return (self.status == 0 and bool(self.error)) or (self.status >= 400 and self.status not in NOT_CONCLUSIVE)

    @property
    def redirected(self) -> bool:
        return bool(self.final_url) and self.final_url != self.url


@dataclass
class OnlineSettings:
    timeout: float = 10.0
    concurrency: int = 8
    per_host: int = 4
    cache_path: Path | None = None  # None: no cache
    cache_days: float = 7.0  # how long a good result is kept
    failure_hours: float = 1.0  # how long a broken result is kept
    progress: bool = False


class LinkCache:
    def __init__(self, path: Path | None, settings: OnlineSettings) -> None:
        self.path = path
        self.settings = settings
        self.entries: dict[str, dict] = {}
        self.lock = threading.Lock()
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("format") == CACHE_FORMAT and isinstance(data.get("links"), dict):
                    self.entries = data["links"]
            except (OSError, ValueError):
                self.entries = {}  # a broken cache is just rebuilt

    def get(self, url: str, now: float) -> LinkResult | None:
        entry = self.entries.get(url)
        if not entry:
            return None
        try:
            result = LinkResult(**entry)
        except TypeError:
            return None
        ttl = self.settings.cache_days * 86400 if result.ok else self.settings.failure_hours * 3600
        return result if now - result.checked <= ttl else None

    def put(self, result: LinkResult) -> None:
        if result.status in NOT_CONCLUSIVE:
            return
        with self.lock:
            self.entries[result.url] = asdict(result)

    def save(self) -> None:
        if self.path is None:
            return
        now = time.time()
        keep = {url: e for url, e in sorted(self.entries.items())
                if now - float(e.get("checked", 0)) <= self.settings.cache_days * 86400}
        data = json.dumps({"format": CACHE_FORMAT, "links": keep}, ensure_ascii=False, indent=1) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".linkcache-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(tmp, self.path)
        except OSError:
            pass  # the cache is an optimisation only


class LinkChecker:
    def __init__(self, settings: OnlineSettings) -> None:
        self.settings = settings
        self.cache = LinkCache(settings.cache_path, settings)
        self._local = threading.local()
        self._host_limits: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(max(1, settings.per_host)))
        self._host_lock = threading.Lock()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            import requests  # only --online needs it

            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
            self._local.session = session
        return session

    def _limit(self, host: str) -> threading.BoundedSemaphore:
        with self._host_lock:
            return self._host_limits[host]

    def fetch(self, url: str) -> LinkResult:
        import requests

        result = LinkResult(url=url, checked=time.time())
        session = self._session()
        timeout = self.settings.timeout
        with self._limit(urlsplit(url).netloc.lower()):
            try:
                response = session.head(url, allow_redirects=True, timeout=timeout)
                response.close()
                if response.status_code in RETRY_WITH_GET:
                    response = session.get(url, allow_redirects=True, timeout=timeout, stream=True)
                    response.close()
            except requests.exceptions.Timeout:
                result.error = f"no answer within {timeout:g} s"
                return result
            except requests.exceptions.TooManyRedirects:
                result.error = "too many redirects"
                return result
            except requests.exceptions.SSLError as exc:
                result.error = f"TLS certificate problem ({_short(exc)})"
                return result
            except requests.exceptions.ConnectionError as exc:
                result.error = f"cannot connect ({_short(exc)})"
                return result
            except requests.exceptions.RequestException as exc:
                result.error = _short(exc)
                return result
        result.status = response.status_code
        if response.history:
            result.redirect_status = response.history[0].status_code
            result.final_url = response.url
        return result

    def check(self, urls: Iterable[str], progress: Callable[[int], None] | None = None) -> dict[str, LinkResult]:
        """Check each distinct URL once; cached results are reused."""
        now = time.time()
        results: dict[str, LinkResult] = {}
        todo: list[str] = []
        for url in dict.fromkeys(urls):
            cached = self.cache.get(url, now)
            if cached is not None:
                results[url] = cached
            else:
                todo.append(url)
        if progress and results:
            progress(len(results))
        if todo:
            with ThreadPoolExecutor(max_workers=max(1, self.settings.concurrency),
                                    thread_name_prefix="linkcheck") as pool:
                futures = {pool.submit(self.fetch, url): url for url in _interleave_hosts(todo)}
                for future in as_completed(futures):
                    result = future.result()
                    results[result.url] = result
                    self.cache.put(result)
                    if progress:
                        progress(1)
        self.cache.save()
        return results


def _short(exc: Exception) -> str:
    """A one-line reason from a requests exception (they nest urllib3 errors with object reprs)."""
    text = str(exc)
    if "Failed to resolve" in text or "Name or service not known" in text or "nodename nor servname" in text:
        return "host not found"
    errno = re.search(r"\[Errno -?\d+\] ([^)'\"]+)", text)
    if errno:
        return errno.group(1).strip()
    text = re.sub(r"<[^>]* object at 0x[0-9a-f]+>: ?", "", text)
    return text[:160]


def _interleave_hosts(urls: list[str]) -> list[str]:
    """Order URLs round-robin by host, so that workers are not all waiting for one host's limit."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).netloc.lower()].append(url)
    queues = list(by_host.values())
    out: list[str] = []
    while queues:
        for queue in list(queues):
            out.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return out


# -- glue for the L404/L405 rules ------------------------------------------------------------


@dataclass
class CheckedLink:
    result: LinkResult
    locs: list  # every Loc where the URL is used


def course_urls(course, ctx) -> dict[str, list]:
    """http(s) URLs of the course -> where they are used (links, raw HTML, video sources)."""
    import fnmatch

    from coursekit.check.rules.l403_malformed_url import problem
    from coursekit.check.text import html_links
    from coursekit.model import Video

    found: list[tuple[str, object]] = [(link.target or link.href, link.loc)
                                       for link in course.links() if link.kind == "external"]
    found += [(h.url, h.item.loc) for h in html_links(ctx, course)]
    for *_, comp in course.components():
        if isinstance(comp, Video):
            found += [(src, comp.loc) for src in comp.sources]
    skip = [str(p) for p in ctx.option("online_skip")]
    out: dict[str, list] = {}
    for url, loc in found:
        if not url.lower().startswith(("http://", "https://")) or problem(url):
            continue
        if any(fnmatch.fnmatchcase(url, pattern) for pattern in skip):
            continue
        out.setdefault(url.split("#", 1)[0], []).append(loc)
    return out


def checked_links(course, ctx) -> list[CheckedLink]:
    """Check the course's URLs once per lint run; L404 and L405 share the result."""
    if "online" in ctx.cache:
        return ctx.cache["online"]
    settings = ctx.cache.get("online_settings") or OnlineSettings()
    urls = course_urls(course, ctx)
    checker = LinkChecker(settings)
    progress_factory = ctx.cache.get("progress_factory")
    if progress_factory is not None and urls:
        with progress_factory(len(urls), "Checking links") as bar:
            results = checker.check(urls, bar.update)
    else:
        results = checker.check(urls)
    checked = [CheckedLink(results[url], locs) for url, locs in urls.items() if url in results]
    ctx.cache["online"] = checked
    return checked

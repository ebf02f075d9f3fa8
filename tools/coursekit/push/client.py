"""HTTP client for the Open edX APIs an import needs.

- Tokens: ``POST {LMS}/oauth2/access_token`` (client credentials, ``token_type=jwt``),
  sent as ``Authorization: JWT ...``, renewed before they expire and once on a 401.
- Retries: only idempotent requests (token, GETs) are retried, on transient
  faults (timeouts, connections reset or dropped, 429/5xx), with bounded
  exponential backoff. Requests that change things (course creation, the
  upload) are repeated only after a connect timeout, which proves the server
  never saw them. A refused connection or a host name that does not resolve
  is never retried: the cause is reported at once (a wrong URL or port, a
  server that is not running), instead of after a minute of pauses.
- Errors become :class:`ApiError` with a message that says what to check.
  Header values and bodies are never logged; every message is redacted.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NameResolutionError, NewConnectionError

from coursekit.push.config import ImportSettings
from coursekit.push.errors import EXIT_CONFIG, ApiError
from coursekit.push.redact import RedactingFilter, Secret

log = logging.getLogger("coursekit.push")
log.addFilter(RedactingFilter())

RETRY_STATUSES = (429, 500, 502, 503, 504)
TERMINAL_STATES = ("Succeeded", "Failed", "Canceled")
UPLOAD_BLOCKSIZE = 1 << 20
MIB = 1024 * 1024

OUTLINE_FIELDS = "children,display_name,graded,format,has_score,weight"


@dataclass
class Timing:
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    upload_read_timeout: float = 1800.0  # the CMS stores the whole upload before it answers
    retries: int = 4
    retry_delay: float = 1.0
    max_retry_delay: float = 16.0

    def backoff(self, attempt: int) -> float:
        return min(self.max_retry_delay, self.retry_delay * (2 ** attempt))


class _Adapter(HTTPAdapter):
    """Sends request bodies in 1 MiB pieces instead of urllib3's 16 KiB."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["blocksize"] = UPLOAD_BLOCKSIZE
        super().init_poolmanager(*args, **kwargs)


# -- helpers for errors ----------------------------------------------------------------


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it wraps (MaxRetryError.reason, args, __cause__, __context__)."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, MaxRetryError) and item.reason is not None:
            stack.append(item.reason)
        stack.extend(a for a in item.args if isinstance(a, BaseException))
        stack.extend(x for x in (item.__cause__, item.__context__) if x is not None)


def never_sent(exc: BaseException) -> bool:
    """True when the request provably never reached the server: no connection was made."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    return any(isinstance(item, NewConnectionError | ConnectTimeoutError) for item in _causes(exc))


def unreachable(exc: BaseException) -> str:
    """"dns" when the host name does not resolve, "refused" when nothing listens at the address, else "".

    Neither is transient in practice (a wrong URL or port, a server that is not running), so
    neither is retried.
    """
    for item in _causes(exc):
        if isinstance(item, NameResolutionError | socket.gaierror):
            return "dns"
    for item in _causes(exc):
        if isinstance(item, ConnectionRefusedError):
            return "refused"
    return ""


_ERRNO_RE = re.compile(r"\[Errno -?\d+\][^'\")\]]*")


def short_reason(exc: BaseException) -> str:
    text = str(exc)
    match = _ERRNO_RE.search(text)
    if match:
        return match.group(0).strip()
    for marker in ("Connection refused", "Name or service not known", "timed out", "Connection reset",
                   "Connection aborted", "RemoteDisconnected", "Broken pipe", "certificate verify failed"):
        if marker.lower() in text.lower():
            return marker
    return type(exc).__name__


def developer_message(resp: requests.Response) -> tuple[bool, str]:
    """(the body had a developer_message field, its text or other error text from the body)."""
    try:
        data = resp.json()
    except ValueError:
        return False, ""
    if not isinstance(data, dict):
        return False, ""
    if "developer_message" in data:
        return True, str(data.get("developer_message") or "")
    for key in ("detail", "error_description", "error", "message"):
        if data.get(key):
            return False, str(data[key])
    if data and resp.status_code == 400:  # DRF validation errors: {"field": ["problem"]}
        return False, json.dumps(data, ensure_ascii=False)[:500]
    return False, ""


@dataclass
class Call:
    """What a request is for, so errors can say what to check."""

    service: str  # "CMS" or "LMS"
    action: str  # "checking the course", ...
    course_id: str = ""
    url_var: str = ""  # the setting holding the base URL


class OpenEdxClient:
    def __init__(
        self,
        settings: ImportSettings,
        timing: Timing | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.timing = timing or Timing()
        self.sleep = sleep
        self.clock = clock
        self.session = requests.Session()
        self.session.trust_env = True  # proxies and REQUESTS_CA_BUNDLE from the environment
        adapter = _Adapter(max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "coursekit-import"
        self._token: Secret | None = settings.cms_token if not settings.uses_client_credentials else None
        self._token_expires: float | None = None
        self._token_lifetime: float | None = None
        self.token_user: str = ""

    def close(self) -> None:
        self.session.close()

    # -- tokens ------------------------------------------------------------------------

    @property
    def renewable(self) -> bool:
        return self.settings.uses_client_credentials

    def token_valid_for(self) -> float | None:
        if self._token_expires is None:
            return None
        return self._token_expires - self.clock()

    def fetch_token(self) -> float:
        """Get a new JWT with the client credentials; return its lifetime in seconds."""
        settings = self.settings
        assert settings.client_id and settings.client_secret and settings.lms_url
        url = f"{settings.lms_url}/oauth2/access_token"
        call = Call("LMS", "getting an access token", url_var=settings.origin.get("lms_url", ""))
        resp = self.request(
            "POST", url, call, authed=False,
            data={"grant_type": "client_credentials", "token_type": "jwt"},
            auth=(settings.client_id.reveal(), settings.client_secret.reveal()),
        )
        try:
            data = resp.json()
            token = Secret(str(data["access_token"]))
        except (ValueError, KeyError, TypeError):
            raise ApiError(f"the LMS answered the token request at {url} without an access_token",
                           "check that COURSEKIT_LMS_URL points to the LMS (not Studio)",
                           exit_code=EXIT_CONFIG) from None
        kind = str(data.get("token_type", "")).lower()
        if kind and kind != "jwt":
            raise ApiError(f"the LMS issued a {kind!r} token instead of a JWT",
                           "the import API needs a JWT; check that the LMS supports token_type=jwt")
        lifetime = float(data.get("expires_in") or 3600)
        self._token = token
        self._token_lifetime = lifetime
        self._token_expires = self.clock() + lifetime
        log.info("got a new access token, valid for %.0f s", lifetime)
        return lifetime

    def _ensure_token(self, min_valid: float = 0.0) -> Secret:
        if self.renewable:
            if self._token is None or self._token_expires is None:
                self.fetch_token()
            else:
                lifetime = self._token_lifetime or 3600.0
                margin = max(min_valid, min(60.0, lifetime / 10))
                if self._token_expires - self.clock() <= margin:
                    log.info("access token expires soon; renewing it")
                    self.fetch_token()
        if not self._token:
            raise ApiError("no access token", "set client credentials or COURSEKIT_CMS_TOKEN")
        return self._token

    def ensure_token_for(self, seconds: float) -> None:
        """Renew now if the token would not last ``seconds`` (used before the upload)."""
        if self.renewable:
            lifetime = self._token_lifetime or 3600.0
            self._ensure_token(min(seconds, lifetime / 2))

    # -- generic request -----------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        call: Call,
        *,
        authed: bool = True,
        idempotent: bool | None = None,
        ok: tuple[int, ...] = (200,),
        accept: tuple[int, ...] = (),
        timeout: tuple[float, float] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a request; retry what is safe to retry; raise ApiError for statuses outside ok+accept."""
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "OPTIONS") or not authed
        timeout = timeout or (self.timing.connect_timeout, self.timing.read_timeout)
        extra_headers = dict(kwargs.pop("headers", None) or {})
        attempt = 0
        renewed = False
        while True:
            headers = dict(extra_headers)
            if authed:
                headers["Authorization"] = f"JWT {self._ensure_token().reveal()}"
            started = self.clock()
            try:
                resp = self.session.request(method, url, headers=headers, timeout=timeout, **kwargs)
            except requests.RequestException as exc:
                log.info("%s %s failed: %s", method, url, short_reason(exc))
                if (idempotent or never_sent(exc)) and not unreachable(exc) and attempt < self.timing.retries:
                    self._wait_retry(attempt, f"{call.action}: {short_reason(exc)}")
                    attempt += 1
                    continue
                raise network_error(exc, url, call, sent=not never_sent(exc)) from None
            log.info("%s %s -> %s (%.2f s)", method, url, resp.status_code, self.clock() - started)
            if resp.status_code in ok or resp.status_code in accept:
                return resp
            if resp.status_code == 401 and authed and self.renewable and not renewed and idempotent:
                renewed = True
                log.info("the server did not accept the token (401); renewing it once and retrying")
                resp.close()
                self.fetch_token()
                continue
            if idempotent and resp.status_code in RETRY_STATUSES and attempt < self.timing.retries:
                self._wait_retry(attempt, f"{call.action}: HTTP {resp.status_code}", resp)
                attempt += 1
                continue
            raise http_error(resp, url, call, self)

    def _wait_retry(self, attempt: int, why: str, resp: requests.Response | None = None) -> None:
        delay = self.timing.backoff(attempt)
        if resp is not None and resp.headers.get("Retry-After", "").isdigit():
            delay = min(self.timing.max_retry_delay, max(delay, float(resp.headers["Retry-After"])))
        log.warning("retrying in %.1f s (%s)", delay, why)
        self.sleep(delay)

    # -- course runs ---------------------------------------------------------------------

    def cms(self, path: str) -> str:
        return f"{self.settings.cms_url}{path}"

    def _call(self, service: str, action: str, course_id: str = "") -> Call:
        key = "cms_url" if service == "CMS" else "lms_url"
        return Call(service, action, course_id, self.settings.origin.get(key, ""))

    def get_course_run(self, course_id: str) -> dict[str, Any] | str | None:
        """The course run, None if it does not exist, or "unknown" when only global staff may ask."""
        url = self.cms(f"/api/v1/course_runs/{quote(course_id, safe=':+')}/")
        resp = self.request("GET", url, self._call("CMS", "checking whether the course exists", course_id),
                            accept=(403, 404))
        if resp.status_code == 404:
            if not _is_json(resp):  # an HTML "Page not found": the URL is wrong, not the course missing
                raise http_error(resp, url, self._call("CMS", "checking whether the course exists", course_id))
            return None
        if resp.status_code == 403:
            return "unknown"
        try:
            data = resp.json()
        except ValueError:
            data = {}
        return data if isinstance(data, dict) else {}

    def create_course_run(self, payload: dict[str, Any]) -> dict[str, Any]:
        url = self.cms("/api/v1/course_runs/")
        course_id = f"course-v1:{payload['org']}+{payload['number']}+{payload['run']}"
        resp = self.request("POST", url, self._call("CMS", "creating the course run", course_id),
                            idempotent=False, ok=(200, 201), json=payload)
        try:
            data = resp.json()
        except ValueError:
            data = {}
        return data if isinstance(data, dict) else {}

    # -- import ----------------------------------------------------------------------------

    def import_url(self, course_id: str) -> str:
        return self.cms(f"/api/courses/v0/import/{quote(course_id, safe=':+')}/")

    def check_import_permission(self, course_id: str, filename: str) -> None:
        """Ask the import status endpoint about a task that does not exist.

        Open edX checks course author access first (401/403), then looks the
        task up and fails with 500 because it is not there. So 500 (or 200)
        means "allowed", and nothing is started.
        """
        self.request(
            "GET", self.import_url(course_id),
            self._call("CMS", "checking import permission", course_id),
            params={"task_id": "coursekit-permission-check", "filename": filename},
            ok=(200, 500), idempotent=True,
        )

    def upload(self, course_id: str, archive: Path, progress: Callable[[int, int], None]) -> str:
        """Stream the archive as multipart field ``course_data``; return the task id."""
        url = self.import_url(course_id)
        call = self._call("CMS", "uploading the archive", course_id)
        attempt = 0
        while True:
            with open(archive, "rb") as handle:
                encoder = MultipartEncoder(fields={"course_data": (archive.name, handle, "application/gzip")})
                monitor = MultipartEncoderMonitor(encoder, lambda m: progress(m.bytes_read, m.len))
                headers = {"Content-Type": monitor.content_type}
                headers["Authorization"] = f"JWT {self._ensure_token().reveal()}"
                started = self.clock()
                try:
                    resp = self.session.post(
                        url, data=monitor, headers=headers,
                        timeout=(self.timing.connect_timeout, self.timing.upload_read_timeout),
                    )
                except requests.RequestException as exc:
                    sent = monitor.bytes_read
                    if never_sent(exc) and not unreachable(exc) and sent == 0 and attempt < self.timing.retries:
                        log.info("upload: no connection (%s); nothing was sent", short_reason(exc))
                        self._wait_retry(attempt, f"could not connect: {short_reason(exc)}")
                        attempt += 1
                        continue
                    raise upload_network_error(exc, url, call, sent, monitor.len) from None
            log.info("POST %s -> %s (%.2f s)", url, resp.status_code, self.clock() - started)
            if resp.status_code != 200:
                raise http_error(resp, url, call, self)
            try:
                task_id = str(resp.json()["task_id"])
            except (ValueError, KeyError, TypeError):
                raise ApiError("the CMS accepted the upload but did not return a task_id",
                               f"check the CMS version and logs; URL {url}") from None
            return task_id

    def import_state(self, course_id: str, task_id: str, filename: str) -> str:
        resp = self.request(
            "GET", self.import_url(course_id),
            self._call("CMS", "checking the import status", course_id),
            params={"task_id": task_id, "filename": filename},
        )
        try:
            return str(resp.json()["state"])
        except (ValueError, KeyError, TypeError):
            raise ApiError("the CMS answered the status request without a state",
                           f"check the CMS logs; URL {self.import_url(course_id)}") from None

    def _pages(self, url: str, call: Call, max_pages: int = 5) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] | None = {"page_size": 100}
        for _ in range(max_pages):
            resp = self.request("GET", url, call, params=params)
            data = resp.json()
            items = data.get("results", []) if isinstance(data, dict) else data
            for item in items or []:
                if isinstance(item, dict):
                    yield item
            nxt = data.get("next") if isinstance(data, dict) else None
            if not nxt:
                return
            url, params = str(nxt), None

    def task_error(self, course_id: str, filename: str, task_id: str) -> str | None:
        """The text of the "Error" artifact of the failed import, from the django-user-tasks API.

        The API does not show the Celery task id, so the task is matched by its
        name ("Import of {course} from {file}"), newest first; a ``task_id``
        field, where a server has one, is matched exactly.
        """
        name = f"Import of {course_id} from {filename}"
        call = self._call("CMS", "reading the import error", course_id)
        candidates = [t for t in self._pages(self.cms("/api/tasks/v0/tasks/"), call) if t.get("name") == name]
        exact = [t for t in candidates if str(t.get("task_id", "")) == task_id]
        failed = [t for t in candidates if t.get("state") == "Failed"]
        ordered = exact or failed or candidates
        for task in ordered[:1]:
            for artifact in task.get("artifacts") or []:
                if isinstance(artifact, str):  # older django-user-tasks: links to /api/tasks/v0/artifacts/<uuid>/
                    artifact = self.request("GET", artifact, call).json()
                if isinstance(artifact, dict) and artifact.get("name") == "Error":
                    return str(artifact.get("text") or "").strip() or None
        return None

    def running_imports(self, course_id: str) -> list[dict[str, Any]]:
        """Import tasks of this course that are not finished (only those this user may see)."""
        prefix = f"Import of {course_id} from "
        call = self._call("CMS", "listing import tasks", course_id)
        return [t for t in self._pages(self.cms("/api/tasks/v0/tasks/"), call, max_pages=2)
                if str(t.get("name", "")).startswith(prefix) and t.get("state") not in TERMINAL_STATES]

    # -- read-back -------------------------------------------------------------------------

    def outline(self, course_id: str) -> list[dict[str, Any]]:
        """The published course tree from the LMS Blocks API, as manifest-like block dicts."""
        assert self.settings.lms_url
        url = f"{self.settings.lms_url}/api/courses/v1/blocks/"
        params = {"course_id": course_id, "depth": "all", "all_blocks": "true",
                  "requested_fields": OUTLINE_FIELDS, "return_type": "dict"}
        resp = self.request("GET", url, self._call("LMS", "reading the course outline", course_id), params=params)
        data = resp.json()
        return blocks_from_outline(data)


def blocks_from_outline(data: Any) -> list[dict[str, Any]]:
    """Blocks API answer -> [{type, id, parent, display_name, graded, format}] in course order."""
    if not isinstance(data, dict):
        return []
    blocks = data.get("blocks") or {}
    if isinstance(blocks, list):
        blocks = {b.get("id"): b for b in blocks if isinstance(b, dict)}
    root = data.get("root")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()

    def block_id(key: str, block: dict[str, Any]) -> str:
        return str(block.get("block_id") or key.rsplit("@", 1)[-1])

    def walk(key: str, parent: str) -> None:
        block = blocks.get(key)
        if not isinstance(block, dict) or key in seen:
            return
        seen.add(key)
        entry: dict[str, Any] = {"type": block.get("type", ""), "id": block_id(key, block),
                                 "parent": parent, "display_name": block.get("display_name", "")}
        for extra in ("graded", "format", "has_score", "weight"):
            if extra in block:
                entry[extra] = block[extra]
        out.append(entry)
        for child in block.get("children") or []:
            walk(child, entry["id"])

    if root in blocks:
        walk(root, "")
    for key in blocks:  # anything not reachable from the root, for completeness
        walk(key, "")
    return out


# -- error messages ------------------------------------------------------------------------


def _is_json(resp: requests.Response) -> bool:
    try:
        resp.json()
    except ValueError:
        return False
    return True


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url


def network_error(exc: BaseException, url: str, call: Call, sent: bool) -> ApiError:
    reason = short_reason(exc)
    where = f"the {call.service} at {_host(url)}"
    var = f" ({call.url_var})" if call.url_var else ""
    if isinstance(exc, requests.exceptions.SSLError):
        return ApiError(f"TLS error talking to {where} while {call.action}: {reason}",
                        "check the server certificate; for a private CA set REQUESTS_CA_BUNDLE=/path/to/ca.pem")
    cause = unreachable(exc)
    if cause == "dns":
        return ApiError(
            f"could not connect to {where} while {call.action}: the host name {urlsplit(url).hostname} does not "
            f"resolve ({reason})",
            f"check the spelling of the {call.service} URL{var}; if it is right, check the DNS, VPN and proxy "
            "settings of this machine. Not retried: a name that does not resolve will not resolve a moment later.",
            exit_code=EXIT_CONFIG,
        )
    if cause == "refused":
        return ApiError(
            f"could not connect to {where} while {call.action}: the connection was refused ({reason}), so nothing "
            "is listening at that address",
            f"check the host and port in the {call.service} URL{var}, and that the {call.service} is running "
            f"(Tutor: tutor local status). Not retried: a refused connection means no server, not a busy one.",
        )
    if not sent:
        return ApiError(
            f"could not connect to {where} while {call.action}: {reason}",
            f"check the {call.service} URL{var}, that the server is running, and that it is reachable "
            "from here (DNS, VPN, firewall, proxy settings)",
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return ApiError(
            f"{where} did not answer in time while {call.action} ({reason})",
            f"the server may be overloaded or stuck; check the {call.service} logs "
            "(Tutor: tutor local logs --tail 200 cms / lms)",
        )
    return ApiError(
        f"the connection to {where} broke while {call.action}: {reason}",
        f"check the {call.service} logs and any reverse proxy or load balancer in front of it",
    )


def upload_network_error(exc: BaseException, url: str, call: Call, sent: int, total: int) -> ApiError:
    if never_sent(exc) and sent == 0:
        return network_error(exc, url, call, sent=False)
    reason = short_reason(exc)
    if isinstance(exc, requests.exceptions.Timeout) and sent >= total:
        what = f"the CMS at {_host(url)} received the whole archive but did not answer in time ({reason})"
    else:
        what = (f"the connection to the CMS at {_host(url)} broke during the upload, after "
                f"{sent / MIB:.1f} of {total / MIB:.1f} MiB ({reason})")
    return ApiError(
        what,
        "the CMS may or may not have started an import, so coursekit does not send it again.\n"
        f"Look at Studio > Tools > Import for {call.course_id} (or the CMS logs) and wait until no import "
        "is running before you try again: imports of one course must run one at a time.\n"
        "A proxy that limits upload size or time (Tutor's Caddy: 250MB for the CMS; nginx: "
        "client_max_body_size, proxy timeouts) can also cut the connection.",
    )


def http_error(resp: requests.Response, url: str, call: Call, client: OpenEdxClient | None = None) -> ApiError:
    status = resp.status_code
    has_dev, dev = developer_message(resp)
    said = f"\nserver said: {dev}" if dev else ""
    host = _host(url)
    var = f" ({call.url_var})" if call.url_var else ""
    course = call.course_id or "the course"
    token_call = call.action == "getting an access token"
    if status in (400, 401) and token_call:
        return ApiError(
            f"the LMS at {host} refused the client credentials (HTTP {status})",
            "check COURSEKIT_CLIENT_ID and COURSEKIT_CLIENT_SECRET (or OLX_LMS_CLIENT_ID / OLX_LMS_CLIENT_SECRET, "
            "or the config file). The OAuth2 application must exist in the LMS admin "
            "(/admin/oauth2_provider/application/), be 'Confidential' and use the 'Client credentials' grant."
            + said,
            status, dev, exit_code=EXIT_CONFIG,
        )
    if status == 401:
        code = None
        if client is not None and not client.renewable:  # the token is a setting: exit 2
            hint = ("the pre-issued token (COURSEKIT_CMS_TOKEN / OLX_CMS_TOKEN) is invalid or has expired; get a "
                    "new one, or better set client credentials so coursekit can renew tokens itself")
            code = EXIT_CONFIG
        else:  # a token the LMS just issued: the server's JWT set-up
            hint = ("check that the user linked to the OAuth2 application is active, and that the LMS and CMS "
                    "share the same JWT settings (JWT_AUTH signing key and issuer)")
        return ApiError(f"the {call.service} did not accept the credentials while {call.action} (HTTP 401)",
                        hint + said, status, dev, exit_code=code)
    if status == 403:
        if call.action == "creating the course run":
            hint = ("creating courses needs a global staff user: make the user linked to the OAuth2 "
                    "application staff (Tutor: tutor local do createuser --staff ...), or create the course in "
                    "Studio and run the import again without --create")
        else:
            hint = (f"the user linked to the OAuth2 application needs author access to {course}: give it the "
                    "Staff or Admin role in Studio (Settings > Course Team), or make it global staff. "
                    "A user who is not global staff also gets 403 when the course does not exist: check the "
                    "course key (org, number and run in course.yaml, --run)")
        return ApiError(f"permission denied while {call.action} for {course} (HTTP 403)", hint + said, status, dev)
    if status == 404:
        return ApiError(
            f"not found while {call.action}: {url} (HTTP 404)",
            f"check the course key {course} (org, number and run in course.yaml, --run) and the "
            f"{call.service} URL{var}: it must be the {'Studio' if call.service == 'CMS' else 'LMS'} "
            "base URL, without a path" + said,
            status, dev,
            # a web page, not an API answer: no such route at that base URL, so the URL setting is wrong
            exit_code=None if _is_json(resp) else EXIT_CONFIG,
        )
    if status == 413:
        return ApiError(
            f"the archive is larger than the server accepts (HTTP 413) while {call.action}",
            "raise the upload limit of the reverse proxy in front of the CMS (Tutor's Caddy: request_body "
            "max_size, 250MB by default for the CMS; nginx: client_max_body_size), or make the archive smaller "
            "(large videos belong on a video host, not in static/)" + said,
            status, dev,
        )
    if status >= 500:
        if call.action == "uploading the archive" and has_dev and not dev:
            hint = ("Open edX answers a bad upload (no course_data field, or a file name not ending in .tar.gz "
                    "or .zip) with a 500 without a message; other causes are errors while storing the upload "
                    "(disk full, S3 settings). The CMS log has the traceback "
                    "(Tutor: tutor local logs --tail 200 cms)")
        else:
            hint = (f"this is an error inside the {call.service}; its log has the details "
                    f"(Tutor: tutor local logs --tail 200 {call.service.lower()})")
        return ApiError(f"the {call.service} failed with HTTP {status} while {call.action}", hint + said,
                        status, dev)
    return ApiError(f"unexpected HTTP {status} from the {call.service} while {call.action}: {url}",
                    f"check the {call.service} URL{var} and the server logs" + said, status, dev)

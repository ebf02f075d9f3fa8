"""The fake LMS and CMS: two ThreadingHTTPServers sharing one state."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import re
import secrets
import shutil
import socket
import struct
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from fake_openedx import multipart
from fake_openedx.olx import Limits, OlxError, UnsafeArchive, find_course_dir, read_course, safe_extract

__all__ = ["FakeOpenEdx", "Limits"]

COURSE_KEY_RE = re.compile(r"^course-v1:([A-Za-z0-9_.-]+)\+([A-Za-z0-9_.-]+)\+([A-Za-z0-9_.-]+)$")
# settings.COURSE_ID_PATTERN, roughly: three parts separated by + or /
COURSE_ID_PATTERN = r"(?P<course_id>[^/+]+(?:/|\+)[^/+]+(?:/|\+)[^/?]+)"
IMPORT_RE = re.compile(rf"^/api/courses/v0/import/{COURSE_ID_PATTERN}/$")
RUN_RE = re.compile(rf"^/api/v1/course_runs/{COURSE_ID_PATTERN}/$")
ARTIFACT_RE = re.compile(r"^/api/tasks/v0/artifacts/(?P<uuid>[0-9a-f-]+)/$")
TASK_RE = re.compile(r"^/api/tasks/v0/tasks/(?P<uuid>[0-9a-f-]+)/$")

STATES = ("Pending", "In Progress", "Unpacking", "Verifying", "Updating", "Succeeded")
ERR_UNPACK = "An Unknown error occurred during the unpacking step."
ERR_UNSAFE = "Unsafe archive file. Aborting import."
ERR_NO_COURSE_XML = "Could not find the course.xml file in the package."
ERR_IMPORT = "Unknown error while importing course."

DJANGO_404 = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Not Found</h1></body></html>"
DJANGO_500 = b"<!DOCTYPE html><html><body><h1>Server Error (500)</h1></body></html>"


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class User:
    username: str
    is_staff: bool = False
    is_superuser: bool = False
    roles: dict[str, str] = field(default_factory=dict)  # course_id -> "staff" | "instructor"
    active: bool = True


@dataclass
class Course:
    course_id: str
    title: str
    pacing_type: str = "instructor_paced"
    schedule: dict[str, Any] = field(default_factory=dict)
    blocks: list[dict[str, Any]] = field(default_factory=list)
    previous_blocks: list[dict[str, Any]] = field(default_factory=list)
    lag_left: int = 0

    def __post_init__(self) -> None:
        if not self.blocks:
            self.blocks = [{"type": "course", "id": "course", "parent": "", "display_name": self.title,
                            "graded": False, "format": None}]


@dataclass
class Task:
    uuid: str
    task_id: str
    name: str
    username: str
    course_id: str
    filename: str
    archive: Path
    state: str = "Pending"
    created: str = field(default_factory=_now)
    modified: str = field(default_factory=_now)
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    polls: int = 0


@dataclass
class RequestLog:
    service: str
    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    authorization: str  # "JWT", "Bearer", "Basic", "" - the scheme only


@dataclass
class Upload:
    course_id: str
    filename: str
    size: int
    path: Path


class FakeOpenEdx:
    """Start with ``with FakeOpenEdx(tmp_path) as edx:``; then use ``edx.lms_url`` and ``edx.cms_url``.

    Faults and limits (all optional):

    - ``token_lifetime``: the ``expires_in`` the LMS reports; ``token_valid_for``:
      how long tokens really work (shorter = the server revokes early);
    - ``max_upload_bytes``: the reverse proxy's body limit (Tutor's Caddy: 250MB); None = none;
    - ``limits``: archive limits for unpacking (:class:`Limits`);
    - ``upload_fault``: ``"500"`` (answer 500 after reading the body, with
      ``upload_fault_message`` as developer_message) or ``"drop"`` (reset the
      connection after ``drop_after`` bytes);
    - ``stuck_state``: the task stays in this state;
    - ``fail_at``: ``(state, message)``: the task fails when it reaches that state;
    - ``readback_lag``: the Blocks API serves the old outline this many times after an import;
    - ``artifact_style``: ``"nested"`` (current django-user-tasks) or ``"url"`` (older: links);
    - ``revoke_tokens_at_poll``: after that many status GETs every token stops working
      (a token expiring in the middle of polling);
    - ``flaky_status``: the first that many status GETs answer 503 (a proxy hiccup);
    - ``slow_status``: status GETs wait this many seconds before answering.

    Each status GET moves a task one state on, so every state is seen once.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        token_lifetime: int = 3600,
        token_valid_for: float | None = None,
        max_upload_bytes: int | None = 250_000_000,
        limits: Limits | None = None,
        upload_fault: str | None = None,
        upload_fault_message: str = "",
        drop_after: int = 64 * 1024,
        stuck_state: str | None = None,
        fail_at: tuple[str, str] | None = None,
        readback_lag: int = 0,
        artifact_style: str = "nested",
        keep_uploads: bool = True,
        revoke_tokens_at_poll: int | None = None,
        flaky_status: int = 0,
        slow_status: float = 0.0,
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.token_lifetime = token_lifetime
        self.token_valid_for = token_valid_for
        self.max_upload_bytes = max_upload_bytes
        self.limits = limits or Limits()
        self.upload_fault = upload_fault
        self.upload_fault_message = upload_fault_message
        self.drop_after = drop_after
        self.stuck_state = stuck_state
        self.fail_at = fail_at
        self.readback_lag = readback_lag
        self.artifact_style = artifact_style
        self.keep_uploads = keep_uploads
        self.revoke_tokens_at_poll = revoke_tokens_at_poll
        self.status_polls = 0
        self.flaky_status = flaky_status
        self.slow_status = slow_status

        self.lock = threading.RLock()
        self.clients: dict[str, tuple[str, str]] = {}  # client_id -> (secret, username)
        self.users: dict[str, User] = {}
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (username, valid until)
        self.courses: dict[str, Course] = {}
        self.tasks: list[Task] = []
        self.requests: list[RequestLog] = []
        self.uploads: list[Upload] = []
        self.token_requests = 0
        self.issued: list[str] = []  # every token ever issued, for "no secret in output" checks
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self.lms_url = ""
        self.cms_url = ""

    # -- set-up ------------------------------------------------------------------------

    def add_user(self, username: str, *, staff: bool = False, superuser: bool = False,
                 roles: dict[str, str] | None = None) -> User:
        user = User(username, is_staff=staff or superuser, is_superuser=superuser, roles=dict(roles or {}))
        with self.lock:
            self.users[username] = user
        return user

    def add_client(self, client_id: str, secret: str, username: str) -> None:
        with self.lock:
            self.clients[client_id] = (secret, username)

    def add_course(self, course_id: str, title: str = "Existing course",
                   blocks: list[dict[str, Any]] | None = None) -> Course:
        course = Course(course_id, title, blocks=list(blocks or []))
        with self.lock:
            self.courses[course_id] = course
        return course

    def revoke_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    # -- lifecycle ---------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", lms_port: int = 0, cms_port: int = 0) -> FakeOpenEdx:
        for service, port in (("LMS", lms_port), ("CMS", cms_port)):
            handler = type(f"{service}Handler", (_Handler,), {"service": service, "app": self})
            server = ThreadingHTTPServer((host, port), handler)
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
            url = f"http://{host}:{server.server_address[1]}"
            if service == "LMS":
                self.lms_url = url
            else:
                self.cms_url = url
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> FakeOpenEdx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers -----------------------------------------------------------------------

    def calls(self, service: str | None = None, method: str | None = None, path: str = "") -> list[RequestLog]:
        with self.lock:
            return [r for r in self.requests if (service is None or r.service == service)
                    and (method is None or r.method == method) and r.path.startswith(path)]

    def _issue_token(self, username: str) -> str:
        now = time.time()
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps({"sub": username, "iat": int(now), "exp": int(now + self.token_lifetime),
                                   "iss": f"{self.lms_url}/oauth2", "jti": uuid.uuid4().hex}).encode())
        token = f"{header}.{payload}.{_b64(secrets.token_bytes(32))}"
        valid = self.token_valid_for if self.token_valid_for is not None else self.token_lifetime
        with self.lock:
            self.tokens[token] = (username, now + valid)
            self.issued.append(token)
        return token

    def authenticate(self, header: str) -> tuple[User | None, str]:
        """(user, error) for an Authorization header."""
        scheme, _, value = header.partition(" ")
        if not header:
            return None, "Authentication credentials were not provided."
        if scheme == "Bearer":
            return None, "token_nonexistent"
        if scheme != "JWT":
            return None, "Incorrect authentication credentials."
        with self.lock:
            entry = self.tokens.get(value.strip())
        if entry is None:
            return None, "Error decoding token."
        username, until = entry
        if time.time() > until:
            return None, "Signature has expired."
        user = self.users.get(username)
        if user is None or not user.active:
            return None, "User inactive or deleted."
        return user, ""

    @staticmethod
    def has_author_access(user: User, course_id: str) -> bool:
        return user.is_staff or user.roles.get(course_id) in ("staff", "instructor")

    def usage_key(self, course_id: str, block: dict[str, Any]) -> str:
        key = course_id.split(":", 1)[1]
        return f"block-v1:{key}+type@{block['type']}+block@{block['id']}"

    # -- the import task ---------------------------------------------------------------

    def _fail(self, task: Task, message: str) -> None:
        task.state = "Failed"
        task.artifacts.append({"uuid": str(uuid.uuid4()), "name": "Error", "created": _now(), "modified": _now(),
                               "file": "", "text": message, "url": ""})

    def advance(self, task: Task) -> None:
        """Move the task one state on, doing that step's work (called after each status GET)."""
        if task.state in ("Succeeded", "Failed", "Canceled") or task.state == self.stuck_state:
            return
        next_state = STATES[STATES.index(task.state) + 1]
        task.modified = _now()
        if self.fail_at and self.fail_at[0] == next_state:
            task.state = next_state
            self._fail(task, self.fail_at[1])
            return
        task.state = next_state
        work = self.workdir / "tasks" / task.uuid
        try:
            if next_state == "Unpacking":
                if task.course_id not in self.courses:
                    # import_olx dereferences the missing course inside the unpacking try
                    self._fail(task, ERR_UNPACK)
                    return
                try:
                    safe_extract(task.archive, work, self.limits)
                except UnsafeArchive:
                    self._fail(task, ERR_UNSAFE)
                except OlxError:
                    self._fail(task, ERR_UNPACK)
            elif next_state == "Verifying":
                if find_course_dir(work) is None:
                    self._fail(task, ERR_NO_COURSE_XML)
            elif next_state == "Updating":
                course_dir = find_course_dir(work)
                assert course_dir is not None
                try:
                    _, blocks = read_course(course_dir)
                except OlxError as exc:
                    self._fail(task, str(exc))
                    return
                course = self.courses[task.course_id]
                course.previous_blocks = course.blocks
                course.blocks = blocks
                course.lag_left = self.readback_lag
        except Exception:  # like import_olx: anything else is an unknown error
            traceback.print_exc()
            self._fail(task, ERR_IMPORT)
        finally:
            if task.state in ("Succeeded", "Failed"):
                shutil.rmtree(work, ignore_errors=True)
                if not self.keep_uploads:
                    task.archive.unlink(missing_ok=True)

    # -- request handling ---------------------------------------------------------------

    def handle(self, h: _Handler, service: str, method: str, path: str, query: dict[str, list[str]]) -> None:
        if service == "LMS":
            if path.rstrip("/") == "/oauth2/access_token" and method == "POST":
                return self.token_endpoint(h)
            if path == "/api/courses/v1/blocks/" and method == "GET":
                return self.blocks_api(h, query)
        else:
            if (m := IMPORT_RE.match(path)) and method in ("GET", "POST"):
                return self.import_view(h, method, m.group("course_id"), query)
            if path == "/api/v1/course_runs/" and method == "POST":
                return self.course_runs(h, method, None)
            if (m := RUN_RE.match(path)) and method == "GET":
                return self.course_runs(h, method, m.group("course_id"))
            if path in ("/api/tasks/v0/tasks/", "/api/tasks/v0/artifacts/") and method == "GET":
                return self.user_tasks(h, path, query)
            if (m := ARTIFACT_RE.match(path)) and method == "GET":
                return self.artifact_detail(h, m.group("uuid"))
        h.drain()
        return h.send(404, DJANGO_404, "text/html")

    def token_endpoint(self, h: _Handler) -> None:
        with self.lock:
            self.token_requests += 1
        form = {k: v[-1] for k, v in parse_qs(h.read_body().decode("utf-8", "replace")).items()}
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        auth = h.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return h.send_json(401, {"error": "invalid_client"})
        if form.get("grant_type") != "client_credentials":
            return h.send_json(400, {"error": "unsupported_grant_type"})
        with self.lock:
            entry = self.clients.get(client_id)
        if entry is None or not secrets.compare_digest(entry[0], secret):
            return h.send_json(401, {"error": "invalid_client"})
        token = self._issue_token(entry[1])
        if form.get("token_type", "").lower() == "jwt":
            return h.send_json(200, {"access_token": token, "token_type": "JWT", "expires_in": self.token_lifetime,
                                     "scope": "read write email profile"})
        return h.send_json(200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime,
                                 "scope": "read write email profile"})

    def _auth_or_401(self, h: _Handler, drf_style: bool) -> User | None:
        user, error = self.authenticate(h.headers.get("Authorization", ""))
        if user is None:
            h.drain()
            if error == "token_nonexistent":
                h.send_json(401, {"error_code": "token_nonexistent",
                                  "developer_message": "The provided access token does not match any valid tokens."},
                            extra={"WWW-Authenticate": 'Bearer realm="api"'})
            elif drf_style:
                h.send_json(401, {"detail": error}, extra={"WWW-Authenticate": 'JWT realm="api"'})
            else:
                h.send_json(401, {"developer_message": "Incorrect authentication credentials."},
                            extra={"WWW-Authenticate": 'JWT realm="api"'})
        return user

    def course_runs(self, h: _Handler, method: str, course_id: str | None) -> None:
        user = self._auth_or_401(h, drf_style=True)
        if user is None:
            return None
        if not user.is_staff:  # IsAdminUser
            h.drain()
            return h.send_json(403, {"detail": "You do not have permission to perform this action."})
        if method == "GET":
            assert course_id is not None
            course = self.courses.get(course_id)
            if course is None:
                return h.send_json(404, {"detail": "Not found."})
            return h.send_json(200, self._run_json(course))
        try:
            data = json.loads(h.read_body() or b"{}")
        except ValueError:
            return h.send_json(400, {"detail": "JSON parse error"})
        missing = {k: ["This field is required."] for k in ("title", "org", "number", "run") if not data.get(k)}
        if missing:
            return h.send_json(400, missing)
        schedule = data.get("schedule")
        if schedule is not None and not (schedule.get("start") and schedule.get("end")):
            return h.send_json(400, {"schedule": {"start": ["This field is required."],
                                                  "end": ["This field is required."]}})
        if data.get("pacing_type", "instructor_paced") not in ("self_paced", "instructor_paced"):
            return h.send_json(400, {"pacing_type": [f"\"{data['pacing_type']}\" is not a valid choice."]})
        new_id = f"course-v1:{data['org']}+{data['number']}+{data['run']}"
        if not COURSE_KEY_RE.match(new_id):
            return h.send_json(400, {"detail": "Invalid key supplied."})
        with self.lock:
            if new_id in self.courses:
                return h.send_json(400, {"non_field_errors": [f"Course run {new_id} already exists"]})
            course = Course(new_id, data["title"], data.get("pacing_type", "instructor_paced"), schedule or {})
            self.courses[new_id] = course
            user.roles[new_id] = "instructor"  # create_new_course adds the creator to the course team
        return h.send_json(201, self._run_json(course))

    def _run_json(self, course: Course) -> dict[str, Any]:
        return {"id": course.course_id, "title": course.title, "schedule": course.schedule,
                "pacing_type": course.pacing_type, "team": [], "images": {"card_image": ""}}

    def import_view(self, h: _Handler, method: str, course_id: str, query: dict[str, list[str]]) -> None:
        user = self._auth_or_401(h, drf_style=False)
        if user is None:
            return None
        if not COURSE_KEY_RE.match(course_id):  # CourseKey.from_string raises InvalidKeyError: unhandled
            h.drain()
            return h.send(500, DJANGO_500, "text/html")
        if not self.has_author_access(user, course_id):
            h.drain()
            return h.send_json(403, {"developer_message": "The requesting user does not have course author "
                                                          "permissions.", "error_code": "user_permissions"})
        if method == "GET":
            if self.slow_status:
                time.sleep(self.slow_status)
            with self.lock:
                if self.flaky_status > 0:
                    self.flaky_status -= 1
                    return h.send(503, b"<html><body>503 Service Unavailable</body></html>", "text/html")
            try:
                task_id = query["task_id"][-1]
                filename = query["filename"][-1]
            except KeyError as exc:
                return h.send_json(500, {"developer_message": repr(str(exc.args[0])), "error_code": "internal_error"})
            name = f"Import of {course_id} from {filename}"
            with self.lock:
                task = next((t for t in self.tasks if t.name == name and t.task_id == task_id), None)
                if task is None:
                    return h.send_json(500, {"developer_message": "'NoneType' object has no attribute 'state'",
                                             "error_code": "internal_error"})
                state = task.state
                task.polls += 1
                self.advance(task)
                self.status_polls += 1
                if self.status_polls == self.revoke_tokens_at_poll:
                    self.tokens.clear()
            return h.send_json(200, {"state": state})
        return self.receive_upload(h, user, course_id)

    def receive_upload(self, h: _Handler, user: User, course_id: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        if self.max_upload_bytes is not None and length > self.max_upload_bytes:
            h.drain()
            return h.send(413, b"Request Entity Too Large", "text/plain")
        if self.upload_fault == "drop":
            h.read_some(min(self.drop_after, length))
            return h.reset()
        ctype = h.headers.get("Content-Type", "")
        match = re.search(r'boundary="?([^";]+)"?', ctype)
        empty_500 = {"developer_message": "", "error_code": "internal_error"}
        if not ctype.startswith("multipart/form-data") or not match:
            h.drain()
            return h.send_json(500, empty_500)
        dest = Path(tempfile.mkdtemp(prefix="upload-", dir=self.workdir))
        try:
            parts = multipart.parse(h.rfile, length, match.group(1), dest)
        except multipart.MultipartError as exc:
            h.close_connection = True
            return h.send_json(500, {"developer_message": str(exc), "error_code": "internal_error"})
        part = parts.get("course_data")
        if part is None or part.path is None or not part.filename or \
                not part.filename.endswith((".tar.gz", ".zip")):
            shutil.rmtree(dest, ignore_errors=True)
            return h.send_json(500, empty_500)  # the 400 api_error re-raised as a 500 without message
        if self.upload_fault == "500":
            shutil.rmtree(dest, ignore_errors=True)
            return h.send_json(500, {"developer_message": self.upload_fault_message, "error_code": "internal_error"})
        task = Task(uuid=str(uuid.uuid4()), task_id=str(uuid.uuid4()),
                    name=f"Import of {course_id} from {part.filename}", username=user.username,
                    course_id=course_id, filename=part.filename, archive=part.path)
        with self.lock:
            self.uploads.append(Upload(course_id, part.filename, part.size, part.path))
            self.tasks.append(task)
        return h.send_json(200, {"task_id": task.task_id})

    def _task_json(self, task: Task) -> dict[str, Any]:
        if self.artifact_style == "url":
            artifacts: list[Any] = [f"{self.cms_url}/api/tasks/v0/artifacts/{a['uuid']}/" for a in task.artifacts]
        else:
            artifacts = [self._artifact_json(task, a) for a in task.artifacts]
        return {"name": task.name, "state": task.state, "state_text": task.state, "completed_steps": 0,
                "total_steps": 0, "attempts": 1, "created": task.created, "modified": task.modified,
                "artifacts": artifacts}

    def _artifact_json(self, task: Task, artifact: dict[str, Any]) -> dict[str, Any]:
        status: Any = self.tasks.index(task) + 1
        if self.artifact_style == "url":
            status = f"{self.cms_url}/api/tasks/v0/tasks/{task.uuid}/"
        return {"name": artifact["name"], "created": artifact["created"], "modified": artifact["modified"],
                "status": status, "file": artifact["file"], "text": artifact["text"], "url": artifact["url"]}

    def user_tasks(self, h: _Handler, path: str, query: dict[str, list[str]]) -> None:
        user = self._auth_or_401(h, drf_style=True)
        if user is None:
            return None
        with self.lock:
            tasks = [t for t in reversed(self.tasks) if user.is_superuser or t.username == user.username]
            if path.endswith("/tasks/"):
                items = [self._task_json(t) for t in tasks]
            else:
                items = [self._artifact_json(t, a) for t in tasks for a in t.artifacts]
        try:
            page = int(query.get("page", ["1"])[-1])
            size = min(100, int(query.get("page_size", ["10"])[-1]))
        except ValueError:
            return h.send_json(404, {"detail": "Invalid page."})
        pages = max(1, -(-len(items) // size))
        if page < 1 or page > pages:
            return h.send_json(404, {"detail": "Invalid page."})
        base = f"{self.cms_url}{path}?"
        return h.send_json(200, {
            "next": base + urlencode({"page": page + 1, "page_size": size}) if page < pages else None,
            "previous": base + urlencode({"page": page - 1, "page_size": size}) if page > 1 else None,
            "count": len(items), "num_pages": pages, "current_page": page, "start": (page - 1) * size,
            "results": items[(page - 1) * size: page * size],
        })

    def artifact_detail(self, h: _Handler, artifact_uuid: str) -> None:
        user = self._auth_or_401(h, drf_style=True)
        if user is None:
            return None
        with self.lock:
            for task in self.tasks:
                for artifact in task.artifacts:
                    if artifact["uuid"] == artifact_uuid and (user.is_superuser or task.username == user.username):
                        return h.send_json(200, self._artifact_json(task, artifact))
        return h.send_json(404, {"detail": "Not found."})

    def blocks_api(self, h: _Handler, query: dict[str, list[str]]) -> None:
        user = self._auth_or_401(h, drf_style=True)
        if user is None:
            return None
        course_id = query.get("course_id", [""])[-1]
        if not course_id:
            return h.send_json(400, {"course_id": ["This field is required."]})
        with self.lock:
            course = self.courses.get(course_id)
            if course is None:
                return h.send_json(404, {"detail": f"Course not found: {course_id}"})
            if query.get("all_blocks", [""])[-1].lower() == "true" and not self.has_author_access(user, course_id):
                return h.send_json(403, {"detail": "You do not have permission to perform this action."})
            blocks = course.blocks
            if course.lag_left > 0:
                course.lag_left -= 1
                blocks = course.previous_blocks
        fields = set(query.get("requested_fields", [""])[-1].split(","))
        children: dict[str, list[str]] = {}
        for block in blocks:
            if block["parent"]:
                parent = next(b for b in blocks if b["id"] == block["parent"])
                children.setdefault(self.usage_key(course_id, parent), []).append(self.usage_key(course_id, block))
        out: dict[str, Any] = {}
        for block in blocks:
            key = self.usage_key(course_id, block)
            entry: dict[str, Any] = {"id": key, "block_id": block["id"], "type": block["type"],
                                     "lms_web_url": f"{self.lms_url}/courses/{course_id}/jump_to/{key}",
                                     "student_view_url": f"{self.lms_url}/xblock/{key}"}
            if "display_name" in fields:
                entry["display_name"] = block["display_name"]
            if "graded" in fields:
                entry["graded"] = block.get("graded", False)
            if "format" in fields:
                entry["format"] = block.get("format")
            if "has_score" in fields:
                entry["has_score"] = bool(block.get("has_score", False))
            if "weight" in fields and "weight" in block:
                entry["weight"] = block["weight"]
            if "children" in fields and key in children:
                entry["children"] = children[key]
            out[key] = entry
        root = self.usage_key(course_id, blocks[0])
        return h.send_json(200, {"root": root, "blocks": out})


class _Handler(BaseHTTPRequestHandler):
    service = "CMS"
    app: FakeOpenEdx
    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenEdx/1.0"
    _body_read = False
    _reset = False

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def _dispatch(self, method: str) -> None:
        self.close_connection = True
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        self._status = 0
        self._log = (method, path, query)
        self._logged = False
        try:
            self.app.handle(self, self.service, method, path, query)
        except Exception:
            traceback.print_exc()
            if not self._status and not self._reset:
                self.send(500, DJANGO_500, "text/html")
        self._record()

    def _record(self) -> None:
        """Log the request once, before its response goes out, so a test never looks before it is there."""
        if self._logged:
            return
        self._logged = True
        method, path, query = self._log
        auth = self.headers.get("Authorization", "").split(" ", 1)[0]
        with self.app.lock:
            self.app.requests.append(RequestLog(self.service, method, path, query, self._status, auth))

    # body helpers
    def read_body(self, limit: int = 1 << 20) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        self._body_read = True
        if length > limit:
            self.drain()
            return b""
        return self.rfile.read(length) if length else b""

    def read_some(self, n: int) -> None:
        while n > 0:
            data = self.rfile.read(min(n, 1 << 16))
            if not data:
                return
            n -= len(data)

    def drain(self) -> None:
        if self._body_read:
            return
        self._body_read = True
        self.read_some(int(self.headers.get("Content-Length") or 0))

    def reset(self) -> None:
        """Drop the connection with a TCP reset, without an answer."""
        self._reset = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def finish(self) -> None:
        if self._reset:
            return
        with contextlib.suppress(OSError):
            super().finish()

    def send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self._status = status
        self._record()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def send_json(self, status: int, data: Any, extra: dict[str, str] | None = None) -> None:
        self.send(status, json.dumps(data).encode("utf-8"), "application/json", extra)

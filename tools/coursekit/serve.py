"""The live preview: the preview site served from memory on 127.0.0.1, rebuilt when the sources change.

One process keeps an in-memory build memo, so a rebuild after one file changed re-reads and
re-renders only what that file feeds. Pages get a small script (``/__coursekit/live.js``) that
listens on ``/__coursekit/events`` (server-sent events): after a good rebuild the page reloads;
after a failed one it shows the diagnostics over the last good page, which stays served.
"""

from __future__ import annotations

import gc
import json
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from coursekit import cache
from coursekit.diagnostics import CourseError, Diagnostic, Severity

LIVE_PREFIX = "/__coursekit/"
KEEPALIVE_SECONDS = 15.0


@dataclass
class BuildState:
    """What a rebuild produced: the site's files (the last good ones) and any errors since."""

    version: int = 0
    files: dict[str, bytes | Path] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def diagnostic_view(diag: Diagnostic, root: str) -> dict[str, str]:
    where = f"{root.rstrip('/')}/{diag.loc}" if root else str(diag.loc)
    return {"where": where, "code": diag.code, "severity": str(diag.severity), "message": diag.message,
            "fix": diag.hint}


class LiveSite:
    """The preview of one course folder, rebuilt on demand; thread-safe for the HTTP handlers."""

    def __init__(self, source: Path, run: str | None, root: str,
                 report: Callable[[BuildState, list[Diagnostic]], None] | None = None) -> None:
        self.source = source
        self.run = run
        self.root = root  # the source folder as file:line messages show it
        self.report = report
        self.memo = cache.Memo()  # memory only: lives as long as the server
        self.state = BuildState()
        self.changed = threading.Condition()

    def rebuild(self) -> BuildState:
        from coursekit.build import emit_preview, load_checked

        start = time.perf_counter()
        diagnostics: list[Diagnostic]
        gc.disable()  # as in every command: the model makes no cycles worth a collector pass mid-build
        try:
            with cache.opened(None, self.memo):
                try:
                    course, diagnostics = load_checked(self.source)
                    output = emit_preview(course, self.run, self.source)
                    files, errors = output.files, []
                except CourseError as exc:
                    diagnostics = list(exc.diagnostics)
                    files = self.state.files
                    errors = [diagnostic_view(d, self.root) for d in sorted(diagnostics, key=Diagnostic.sort_key)
                              if d.severity >= Severity.ERROR]
            self.memo.forget_unused()
        finally:
            gc.enable()
        state = BuildState(self.state.version + 1, files, errors, time.perf_counter() - start)
        with self.changed:
            self.state = state
            self.changed.notify_all()
        if self.report:
            self.report(state, diagnostics)
        return state

    def wait(self, version: int, timeout: float) -> BuildState:
        """The state once its version differs from ``version``, or the current one after ``timeout``."""
        with self.changed:
            self.changed.wait_for(lambda: self.state.version != version, timeout)
            return self.state


def live_script(version: int) -> bytes:
    return (f'<script src="{LIVE_PREFIX}live.js" data-version="{version}"></script>\n').encode()


def inject(page: bytes, version: int) -> bytes:
    marker = b"</body>"
    at = page.rfind(marker)
    script = live_script(version)
    return page[:at] + script + page[at:] if at >= 0 else page + script


LIVE_JS = Path(__file__).parent / "emit" / "preview" / "assets" / "live.js"


def handler_for(site: LiveSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "coursekit-serve"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal shows rebuilds and diagnostics, not every request

        def send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == f"{LIVE_PREFIX}events":
                return self.events()
            if path == f"{LIVE_PREFIX}live.js":
                return self.send(HTTPStatus.OK, LIVE_JS.read_bytes(), "text/javascript; charset=utf-8")
            if path == f"{LIVE_PREFIX}state":
                return self.send(HTTPStatus.OK, self.state_json(site.state), "application/json")
            name = path.lstrip("/") or "index.html"
            if name.endswith("/"):
                name += "index.html"
            state = site.state
            value = state.files.get(name)
            if value is None:
                return self.missing(name, state)
            body = value.read_bytes() if isinstance(value, Path) else value
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if ctype == "text/html":
                body, ctype = inject(body, state.version), "text/html; charset=utf-8"
            elif ctype.startswith("text/") or ctype in ("application/javascript", "text/javascript"):
                ctype += "; charset=utf-8"
            self.send(HTTPStatus.OK, body, ctype)

        def missing(self, name: str, state: BuildState) -> None:
            from html import escape

            page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
                    f'<body><main><h1>Not found</h1><p>The preview has no page <code>{escape(name)}</code> '
                    f'(a unit renamed or removed?). <a href="/index.html">The course outline</a>.</p></main>'
                    f'</body></html>').encode()
            self.send(HTTPStatus.NOT_FOUND, inject(page, state.version), "text/html; charset=utf-8")

        @staticmethod
        def state_json(state: BuildState) -> bytes:
            return json.dumps({"version": state.version, "errors": state.errors,
                               "seconds": round(state.seconds, 3)}, ensure_ascii=False).encode()

        def events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                state = site.state
                while True:
                    self.wfile.write(b"data: " + self.state_json(state) + b"\n\n")
                    self.wfile.flush()
                    while True:
                        newer = site.wait(state.version, KEEPALIVE_SECONDS)
                        if newer.version != state.version:
                            state = newer
                            break
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
                self.close_connection = True

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True  # event streams end with the process
    allow_reuse_address = True


def serve(site: LiveSite, host: str, port: int) -> Server:
    """An HTTP server for ``site`` (not yet serving: call ``serve_forever``)."""
    return Server((host, port), handler_for(site))


def watch(site: LiveSite, stop: threading.Event, on_change: Callable[[set[str]], None] | None = None) -> None:
    """Rebuild whenever files under the source folder change, until ``stop`` is set."""
    import watchfiles

    for changes in watchfiles.watch(site.source, stop_event=stop, debounce=400, step=30,
                                    raise_interrupt=False, rust_timeout=500):
        paths = {path for _change, path in changes}
        if on_change:
            on_change(paths)
        site.rebuild()

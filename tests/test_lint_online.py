"""`coursekit lint --online` against a local HTTP server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from coursekit.check.online import LinkChecker, LinkResult, OnlineSettings
from coursekit.check.runner import LintRequest, lint
from coursekit.cli import main
from test_lint_rules import PAGE, append, make_course


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a full listen backlog would delay connections by a SYN retry (1 s)


class Server:
    def __init__(self) -> None:
        self.stop = threading.Event()
        self.requests: list[tuple[str, str]] = []
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, body: bool) -> None:
                server_self.requests.append((self.command, self.path))
                path = self.path.split("?", 1)[0]
                if path.startswith("/hang"):
                    server_self.stop.wait(10)
                    return
                if path == "/slow":
                    time.sleep(0.2)
                status, headers = 200, {}
                if path == "/moved":
                    status, headers = 301, {"Location": "/ok"}
                elif path == "/found":
                    status, headers = 302, {"Location": "/ok"}
                elif path == "/missing":
                    status = 404
                elif path == "/error":
                    status = 500
                elif path == "/gone-after-redirect":
                    status, headers = 301, {"Location": "/missing"}
                elif path == "/no-head" and self.command == "HEAD":
                    status = 405
                elif path == "/busy":
                    status = 429
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "2" if body else "0")
                self.end_headers()
                if body:
                    self.wfile.write(b"ok")

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def do_GET(self) -> None:
                self._answer(body=True)

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with Server() as srv:
        yield srv


def check(urls: list[str], **settings: object) -> dict[str, LinkResult]:
    options = {"timeout": 0.5, "concurrency": 8, "per_host": 8, "cache_path": None}
    options.update(settings)
    return LinkChecker(OnlineSettings(**options)).check(urls)  # type: ignore[arg-type]


def test_statuses(server: Server) -> None:
    b = server.base
    urls = [f"{b}/ok", f"{b}/moved", f"{b}/found", f"{b}/missing", f"{b}/error", f"{b}/slow", f"{b}/hang",
            f"{b}/no-head", f"{b}/busy", f"{b}/gone-after-redirect", "http://127.0.0.1:9/closed"]
    results = check(urls)
    assert results[f"{b}/ok"].status == 200 and not results[f"{b}/ok"].broken
    moved = results[f"{b}/moved"]
    assert (moved.status, moved.redirect_status, moved.final_url) == (200, 301, f"{b}/ok")
    assert moved.redirected and not moved.broken
    assert results[f"{b}/found"].redirect_status == 302
    assert results[f"{b}/missing"].status == 404 and results[f"{b}/missing"].broken
    assert results[f"{b}/error"].status == 500 and results[f"{b}/error"].broken
    assert results[f"{b}/slow"].status == 200
    hang = results[f"{b}/hang"]
    assert hang.status == 0 and "no answer within 0.5 s" in hang.error and hang.broken
    assert results[f"{b}/no-head"].status == 200
    assert ("GET", "/no-head") in server.requests  # HEAD refused (405), asked again with GET
    assert not results[f"{b}/busy"].broken  # rate limited is not broken
    gone = results[f"{b}/gone-after-redirect"]
    assert gone.status == 404 and gone.final_url == f"{b}/missing"
    closed = results["http://127.0.0.1:9/closed"]
    assert closed.status == 0 and "cannot connect" in closed.error


def test_time_is_bounded_by_timeout_and_concurrency(server: Server) -> None:
    urls = [f"{server.base}/hang/{n}" for n in range(20)]
    started = time.monotonic()
    results = check(urls, timeout=0.5, concurrency=8, per_host=8)
    elapsed = time.monotonic() - started
    assert len(results) == 20 and all(r.broken for r in results.values())
    assert elapsed < 3.0, f"20 hanging links took {elapsed:.1f} s"


def test_per_host_limit(server: Server) -> None:
    # 4 hanging links on one host, 2 at a time: two rounds of the timeout
    started = time.monotonic()
    check([f"{server.base}/hang/{n}" for n in range(4)], timeout=0.4, concurrency=8, per_host=2)
    elapsed = time.monotonic() - started
    assert 0.75 < elapsed < 2.5


def test_cache_reuses_results_and_expires(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    urls = [f"{server.base}/ok", f"{server.base}/missing"]
    check(urls, cache_path=cache)
    first = len(server.requests)
    assert first == 2
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert set(data["links"]) == set(urls)
    check(urls, cache_path=cache)
    assert len(server.requests) == first  # both came from the cache
    # the broken result is older than failure_hours: checked again; the good one is still fresh
    data["links"][f"{server.base}/missing"]["checked"] -= 7200
    cache.write_text(json.dumps(data), encoding="utf-8")
    check(urls, cache_path=cache)
    assert server.requests[first:] == [("HEAD", "/missing")]


def test_broken_cache_file_is_ignored(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    cache.write_text("{not json", encoding="utf-8")
    assert check([f"{server.base}/ok"], cache_path=cache)[f"{server.base}/ok"].status == 200
    assert json.loads(cache.read_text(encoding="utf-8"))["format"] == 1


def _course_with_links(tmp_path: Path, base: str) -> Path:
    text = (f"\nLue [toimiva ohje]({base}/ok).\n\nLue [siirretty ohje]({base}/moved).\n\n"
            f"Lue [puuttuva ohje]({base}/missing).\n\n"
            f'<p>Lue <a href="{base}/error">rikkinäinen ohje</a>.</p>\n\nLue [hidas ohje]({base}/hang).\n')
    return make_course(tmp_path / "course", {PAGE: append(text)})


def test_lint_online_findings(server: Server, tmp_path: Path) -> None:
    root = _course_with_links(tmp_path, server.base)
    settings = OnlineSettings(timeout=0.5, concurrency=4, per_host=4, cache_path=None)
    result = lint(LintRequest(source=root, olx=False, online=True, online_settings=settings))
    found = [(d.code, f"{d.loc.file}:{d.loc.line}", str(d.severity)) for d in result.diagnostics]
    assert found == [
        ("L405", f"{PAGE}:11", "info"),
        ("L404", f"{PAGE}:13", "warning"),
        ("L404", f"{PAGE}:15", "warning"),
        ("L404", f"{PAGE}:17", "warning"),
    ]
    messages = {d.loc.line: d.message for d in result.diagnostics}
    assert f"to {server.base}/ok" in messages[11] and "(301)" in messages[11]
    assert "HTTP 404" in messages[13] and "HTTP 500" in messages[15] and "no answer within" in messages[17]


def test_lint_online_skip_option(server: Server, tmp_path: Path) -> None:
    root = _course_with_links(tmp_path, server.base)
    (root / "course.yaml").write_text((root / "course.yaml").read_text(encoding="utf-8")
                                      + f"lint: {{options: {{online_skip: ['{server.base}/*']}}}}\n",
                                      encoding="utf-8")
    settings = OnlineSettings(timeout=0.5, cache_path=None)
    result = lint(LintRequest(source=root, olx=False, online=True, online_settings=settings))
    assert result.diagnostics == [] and server.requests == []


def test_cli_online_json(server: Server, tmp_path: Path) -> None:
    root = _course_with_links(tmp_path, server.base)
    cache = tmp_path / "links.json"
    result = CliRunner().invoke(main, ["lint", "--source", str(root), "--no-olx", "--online", "--timeout", "0.5",
                                       "--cache", str(cache), "--format", "json"])
    assert result.exit_code == 0, result.output  # L404 is a warning
    data = json.loads(result.output)
    assert [f["code"] for f in data["findings"]] == ["L405", "L404", "L404", "L404"]
    assert cache.is_file()
    strict = CliRunner().invoke(main, ["lint", "--source", str(root), "--no-olx", "--online", "--timeout", "0.5",
                                       "--cache", str(cache), "--strict"])
    assert strict.exit_code == 1

"""coursekit import: uncommitted sources, unreachable servers, upload progress, exit codes per fault.

Servers are real: the fake Open edX on 127.0.0.1, a closed port, a TCP server that resets every
connection. Retries are counted by the server or by the -v request log, never by elapsed time.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_openedx.testing import COURSE_ID, STAFF_USER, harness

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
NO_PROXY = {name: None for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                                    "all_proxy")}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def commit_all(repo: Path, message: str = "sources") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def records(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json")) if root.exists() else []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- uncommitted sources ---------------------------------------------------------------------------


def test_uncommitted_changes_are_refused_before_anything_happens(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True) as h:
        (h.source / ".gitignore").write_text("*.bak\n")
        git(h.source, "init", "-q")
        head = commit_all(h.source)

        ok = h.run()
        assert ok.exit_code == 0, ok.text
        [first] = records(h.releases)
        assert json.loads(first.read_text())["git_commit"] == {"commit": head, "dirty": False}
        # the new release record is untracked, and ignored files are not sources: neither counts
        (h.source / "notes.bak").write_text("scratch")
        again = h.run()
        assert again.exit_code == 0, again.text
        assert "uncommitted change" not in again.text and "Warning" not in again.text

        welcome = h.source / "01-intro" / "01-welcome.md"
        welcome.write_text(welcome.read_text().replace("Some text.", "Some new text."))
        (h.source / "01-intro" / "02-draft.md").write_text("---\ntitle: Draft\n---\n\n## Draft\n\nText.\n")
        archive = next(h.out.glob("*.tar.gz"))
        built = archive.read_bytes()
        requests_before = len(h.edx.requests)

        res = h.run()
        assert res.exit_code == 1
        assert "refusing to import: the course sources in" in res.stderr
        assert "have 2 uncommitted changes" in res.stderr
        assert f"modified   {welcome}" in res.stderr
        assert f"untracked  {h.source / '01-intro' / '02-draft.md'}" in res.stderr
        assert "git add" in res.stderr and "git commit" in res.stderr and "--allow-dirty" in res.stderr
        assert "Traceback" not in res.text
        # nothing built, nothing sent, nothing recorded
        assert archive.read_bytes() == built
        assert len(h.edx.requests) == requests_before
        assert len(records(h.releases)) == 2

        posts = len(h.edx.calls("CMS", "POST"))
        dry = h.run("--dry-run")
        assert dry.exit_code == 1
        assert "Uncommitted changes in" in dry.stdout and "02-draft.md" in dry.stdout
        assert "STOP: 2 uncommitted changes in the course sources" in dry.stdout
        assert "Permission: this user may import" in dry.stdout  # the other checks still ran
        assert len(h.edx.calls("CMS", "POST")) == posts

        before = set(records(h.releases))
        dirty = h.run("--allow-dirty")
        assert dirty.exit_code == 0, dirty.text
        assert "importing 2 uncommitted changes" in dirty.stdout and "--allow-dirty" in dirty.stdout
        [newest] = set(records(h.releases)) - before
        assert json.loads(newest.read_text())["git_commit"] == {"commit": head, "dirty": True}

        commit_all(h.source, "draft")
        assert h.run().exit_code == 0


def test_deleted_and_staged_files_count_as_changes(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True) as h:
        extra = h.source / "static" / "kuva.txt"
        extra.parent.mkdir()
        extra.write_text("x")
        git(h.source, "init", "-q")
        commit_all(h.source)
        extra.unlink()
        (h.source / "static" / "uusi.txt").write_text("y")
        git(h.source, "add", "static/uusi.txt")
        res = h.run("--dry-run")
        assert res.exit_code == 1
        assert f"deleted    {extra}" in res.stdout
        assert f"added      {h.source / 'static' / 'uusi.txt'}" in res.stdout


def test_sources_outside_git_are_imported_with_a_note(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True) as h:
        res = h.run()
        assert res.exit_code == 0, res.text
        assert "is not in a git work tree, so the release record will name no commit" in res.stdout
        [record] = records(h.releases)
        assert json.loads(record.read_text())["git_commit"] is None


def test_sources_that_git_ignores_are_not_claimed_by_a_commit(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True) as h:
        git(tmp_path, "init", "-q")
        (tmp_path / ".gitignore").write_text("src/\nolx_build/\nserver/\nxdg/\n")
        commit_all(tmp_path)
        res = h.run()
        assert res.exit_code == 0, res.text
        assert "no file in it is tracked by the git repository" in res.stdout
        [record] = records(h.releases)
        assert json.loads(record.read_text())["git_commit"] is None


# -- servers that cannot be reached ------------------------------------------------------------------


def test_host_name_that_does_not_resolve_fails_at_once_as_a_settings_error(tmp_path: Path) -> None:
    host = "lms.coursekit-test.invalid"  # .invalid never resolves (RFC 6761)
    with harness(tmp_path) as h:
        res = h.run("-v", "--allow-insecure-http", env=h.env(COURSEKIT_LMS_URL=f"http://{host}", **NO_PROXY))
        assert res.exit_code == 2
        assert f"could not connect to the LMS at {host} while getting an access token" in res.stderr
        assert f"the host name {host} does not resolve" in res.stderr
        assert "COURSEKIT_LMS_URL" in res.stderr and "spelling" in res.stderr
        assert res.stderr.count("/oauth2/access_token failed") == 1  # one attempt
        assert "retrying in" not in res.stderr
        assert not h.edx.calls()


@contextmanager
def resetting_server() -> Iterator[tuple[str, list[int]]]:
    """A TCP server that reads a little of each request and resets the connection (a transient fault)."""
    accepted: list[int] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(1)
            conn.settimeout(2)
            with suppress(OSError):
                conn.recv(1024)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


def test_connection_reset_is_transient_and_retried(tmp_path: Path) -> None:
    with harness(tmp_path) as h, resetting_server() as (url, accepted):
        res = h.run("-v", env=h.env(COURSEKIT_LMS_URL=url))
        assert res.exit_code == 4
        assert "the connection to the LMS at" in res.stderr and "broke while getting an access token" in res.stderr
        assert len(accepted) == 5  # the first try and 4 retries
        assert res.stderr.count("retrying in") == 4


def test_unreachable_tells_refused_from_dns_from_transient() -> None:
    import requests

    from coursekit.push.client import never_sent, unreachable

    with pytest.raises(requests.RequestException) as refused:
        requests.get(f"http://127.0.0.1:{closed_port()}/", timeout=5)
    assert unreachable(refused.value) == "refused" and never_sent(refused.value)
    with pytest.raises(requests.RequestException) as dns:
        requests.Session().get("http://nothing.coursekit-test.invalid/", timeout=5, proxies={"http": ""})
    assert unreachable(dns.value) == "dns"
    with resetting_server() as (url, _), pytest.raises(requests.RequestException) as reset:
        requests.get(url, timeout=5)
    assert unreachable(reset.value) == "" and not never_sent(reset.value)


# -- upload progress --------------------------------------------------------------------------------

MIB = 1024 * 1024


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_line_progress_for_logs_gives_mib_rate_and_time_left() -> None:
    from coursekit.commands.import_cmd import LineProgress

    clock, lines = FakeClock(), []
    progress = LineProgress(40 * MIB, clock=clock, echo=lines.append)
    for done in range(0, 40 * MIB + 1, MIB // 2):  # 2 MiB/s
        progress.update(done, 40 * MIB)
        clock.now += 0.25
    progress.close()
    assert len(lines) == 10  # a line every 10 %, no more
    assert lines[0].startswith("  uploaded  10%  (4.0 of 40.0 MiB, 2.")
    assert "MiB/s, about 0:1" in lines[0]  # 36 MiB left at about 2 MiB/s
    assert lines[-1].startswith("  uploaded 100%  (40.0 of 40.0 MiB,") and "left" not in lines[-1]
    assert not any("\r" in line for line in lines)

    small = LineProgress(3 * MIB, clock=clock, echo=lines.append)
    small.update(3 * MIB, 3 * MIB)
    assert len(lines) == 10  # small uploads print nothing: the summary line after them says enough


def test_bar_progress_on_a_terminal_shows_mib_rate_and_time_left() -> None:
    from coursekit.commands.import_cmd import BarProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    clock, screen = FakeClock(), Terminal()
    bar = BarProgress(20 * MIB, file=screen, clock=clock)
    clock.now += 2.0
    bar.update(5 * MIB, 20 * MIB)
    bar.bar.render_progress()  # click redraws at most every 0.5 s of its own clock; draw now
    text = screen.getvalue()
    assert "uploading" in text and "25%" in text
    assert "5.0 of 20.0 MiB, 2.5 MiB/s, about 0:06 left" in text
    bar.close()


def test_upload_progress_in_a_ci_log(tmp_path: Path) -> None:
    """Not a terminal (CliRunner, like CI): a few plain lines, no bar and no carriage returns."""
    with harness(tmp_path, existing=True) as h:
        static = h.source / "static"
        static.mkdir()
        (static / "noise.bin").write_bytes(os.urandom(5 * MIB))  # incompressible: a 5 MiB archive
        res = h.run()
        assert res.exit_code == 0, res.text
        lines = [line for line in res.stdout.splitlines() if line.startswith("  uploaded")]
        assert 1 <= len(lines) <= 10
        assert lines[-1].startswith("  uploaded 100%  (5.0 of 5.0 MiB")
        assert "MiB/s" in lines[-1]
        assert "\r" not in res.stdout and "[#" not in res.stdout


# -- exit codes per fault ------------------------------------------------------------------------------


def test_course_errors_exit_1_before_any_request(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True) as h:
        final = h.source / "02-exam" / "01-final.md"
        final.write_text(final.read_text().replace("answer: 42", "answer: 4,2"))
        res = h.run()
        assert res.exit_code == 1
        assert "02-exam/01-final.md:" in res.stderr and "P303" in res.stderr
        assert not h.edx.requests


def test_missing_settings_exit_2(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        res = h.run(env=h.env(COURSEKIT_CMS_URL=None))
        assert res.exit_code == 2 and "no CMS (Studio) URL" in res.stderr
        res = h.run(env=h.env(COURSEKIT_CMS_URL="http://studio.example.org"))
        assert res.exit_code == 2 and "uses plain HTTP" in res.stderr
        assert not h.edx.requests


def test_cms_rejecting_fresh_tokens_is_a_server_fault_exit_4(tmp_path: Path) -> None:
    """The LMS issues a token, the CMS refuses it (inactive user, JWT settings): fix it on the server."""
    with harness(tmp_path, existing=True) as h:
        h.edx.users[STAFF_USER].active = False
        res = h.run()
        assert res.exit_code == 4
        assert "the CMS did not accept the credentials" in res.stderr and "JWT" in res.stderr
        assert h.edx.token_requests == 2  # renewed once, then explained


def test_dry_run_of_a_missing_course_exits_4(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        res = h.run("--dry-run")
        assert res.exit_code == 4
        assert f"STOP: {COURSE_ID} does not exist; add --create" in res.stdout


def test_lms_url_that_is_not_the_lms_exits_2(tmp_path: Path) -> None:
    """Studio's address given as the LMS: the token URL is a "page not found" web page, so a setting is wrong."""
    with harness(tmp_path) as h:
        res = h.run(env=h.env(COURSEKIT_LMS_URL=h.edx.cms_url))
        assert res.exit_code == 2
        assert "not found while getting an access token" in res.stderr and "LMS URL" in res.stderr
        assert h.edx.token_requests == 0

"""coursekit import: one test per fault, each with a message that says what to check.

Every CLI run goes through Harness.run, which asserts that no secret (client
id, client secret, Basic-auth value, any token the fake server issued)
appears in stdout, stderr or the exception.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_openedx import Limits
from fake_openedx.testing import COURSE_ID, TINY_COURSE, assert_no_secrets, harness

IMPORT_PATH = "/api/courses/v0/import/"


def no_record(h) -> bool:  # type: ignore[no-untyped-def]
    return not list(h.releases.rglob("*.json")) if h.releases.exists() else True


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_wrong_credentials(tmp_path: Path) -> None:
    wrong = "ckfake-wrong-secret-70c1d4e2"
    with harness(tmp_path) as h:
        h.extra_secrets.append(wrong)
        res = h.run("-vv", env=h.env(COURSEKIT_CLIENT_SECRET=wrong))
        assert res.exit_code == 2  # a settings error: the secret is wrong, the server is fine
        assert "refused the client credentials (HTTP 401)" in res.stderr
        assert "COURSEKIT_CLIENT_SECRET" in res.stderr
        assert "/admin/oauth2_provider/application/" in res.stderr
        assert not h.edx.calls("CMS")


def test_no_permission(tmp_path: Path) -> None:
    with harness(tmp_path, staff=False, existing=True) as h:
        res = h.run()
        assert res.exit_code == 4
        assert "permission denied while checking import permission" in res.stderr
        assert "Staff or Admin role" in res.stderr
        assert "does not have course author permissions" in res.stderr  # the server's developer_message
        assert h.edx.uploads == []


def test_course_missing(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        res = h.run()
        assert res.exit_code == 4
        assert f"course {COURSE_ID} does not exist" in res.stderr
        assert "--create" in res.stderr
        assert h.edx.uploads == [] and h.edx.courses == {}


def test_create_needs_global_staff(tmp_path: Path) -> None:
    with harness(tmp_path, staff=False) as h:
        res = h.run("--create")
        assert res.exit_code == 4
        assert "HTTP 403" in res.stderr
        assert "not global staff also gets 403 when the course does not exist" in res.stderr


def test_500_during_upload(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, upload_fault="500",
                 upload_fault_message="[Errno 28] No space left on device") as h:
        res = h.run()
        assert res.exit_code == 4
        assert "the CMS failed with HTTP 500 while uploading the archive" in res.stderr
        assert "server said: [Errno 28] No space left on device" in res.stderr
        assert "tutor local logs" in res.stderr
        assert len(h.edx.calls("CMS", "POST", IMPORT_PATH)) == 1  # never repeated
        assert no_record(h)


def test_500_with_empty_developer_message_explains_open_edx_quirk(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, upload_fault="500", upload_fault_message="") as h:
        res = h.run()
        assert res.exit_code == 4
        assert "without a message" in res.stderr
        assert "course_data" in res.stderr


def test_connection_dropped_mid_upload(tmp_path: Path) -> None:
    course = dict(TINY_COURSE)
    with harness(tmp_path, course=course, existing=True, upload_fault="drop", drop_after=256 * 1024) as h:
        static = h.source / "static"
        static.mkdir()
        (static / "noise.bin").write_bytes(os.urandom(3 * 1024 * 1024))  # incompressible, so the archive is big
        res = h.run()
        assert res.exit_code == 4
        assert "broke during the upload, after" in res.stderr
        assert "does not send it again" in res.stderr
        assert "one at a time" in res.stderr
        assert len(h.edx.calls("CMS", "POST", IMPORT_PATH)) == 1  # bytes were sent: no retry
        assert no_record(h)


def test_task_stuck_until_timeout(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, stuck_state="Pending") as h:
        res = h.run("--timeout", "0.2")
        assert res.exit_code == 4
        assert "is still 'Pending' after" in res.stderr
        assert "Celery worker" in res.stderr
        assert "Do not start another import" in res.stderr
        assert no_record(h)
        assert len(h.edx.calls("CMS", "GET", IMPORT_PATH)) > 3  # it kept polling, with backoff


@pytest.mark.parametrize("style", ["nested", "url"])
def test_failed_with_reason_from_the_error_artifact(tmp_path: Path, style: str) -> None:
    reason = "Failed to import block: problem at location: block-v1:TEST+T101+r1+type@problem+block@x"
    with harness(tmp_path, existing=True, fail_at=("Updating", reason), artifact_style=style) as h:
        res = h.run()
        assert res.exit_code == 4
        assert f"failed on the server: {reason}" in res.stderr
        assert "s  Failed" in res.stdout
        assert h.edx.calls("CMS", "GET", "/api/tasks/v0/tasks/")
        if style == "url":
            assert h.edx.calls("CMS", "GET", "/api/tasks/v0/artifacts/")
        assert no_record(h)


def test_unsafe_archive_is_failed_by_the_server_checks(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, limits=Limits(max_extracted_size=100)) as h:
        res = h.run()
        assert res.exit_code == 4
        assert "Unsafe archive file. Aborting import." in res.stderr
        assert "COURSE_IMPORT_MAX" in res.stderr


def test_token_expiring_mid_poll_is_renewed_once(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, revoke_tokens_at_poll=2) as h:
        res = h.run()
        assert res.exit_code == 0, res.text
        assert h.edx.token_requests == 2
        statuses = [c.status for c in h.edx.calls("CMS", "GET", IMPORT_PATH)]
        assert 401 in statuses and statuses[-1] == 200
        assert "s  Succeeded" in res.stdout


def test_token_renewed_before_it_expires(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, token_lifetime=1) as h:
        res = h.run(env=h.env(COURSEKIT_POLL_INTERVAL="0.12"))
        assert res.exit_code == 0, res.text
        assert h.edx.token_requests >= 2


def test_upload_larger_than_proxy_limit(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, max_upload_bytes=200) as h:
        res = h.run()
        assert res.exit_code == 4
        assert "HTTP 413" in res.stderr and "250MB" in res.stderr


def test_connection_refused(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        port = closed_port()
        res = h.run("-v", env=h.env(COURSEKIT_CMS_URL=f"http://127.0.0.1:{port}"))
        assert res.exit_code == 4
        assert f"could not connect to the CMS at 127.0.0.1:{port}" in res.stderr
        assert "the connection was refused" in res.stderr and "nothing is listening" in res.stderr
        assert "COURSEKIT_CMS_URL" in res.stderr
        # one attempt, no retry: the -v log has one failed request and no pause
        assert res.stderr.count(f"127.0.0.1:{port}/api/v1/course_runs/") == 1
        assert "retrying in" not in res.stderr
        assert h.edx.token_requests == 1  # the LMS part went through
        res = h.run("-v", env=h.env(COURSEKIT_LMS_URL=f"http://127.0.0.1:{closed_port()}"))
        assert res.exit_code == 4
        assert "could not connect to the LMS" in res.stderr and "refused" in res.stderr
        assert res.stderr.count("/oauth2/access_token failed") == 1 and "retrying in" not in res.stderr
        assert not h.edx.calls("CMS")


def test_transient_503_on_status_is_retried(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, flaky_status=3) as h:
        res = h.run("-v")
        assert res.exit_code == 0, res.text
        assert "retrying in" in res.stderr


def test_wrong_cms_url_is_not_mistaken_for_a_missing_course(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        res = h.run(env=h.env(COURSEKIT_CMS_URL=h.edx.lms_url))
        assert res.exit_code == 2  # the LMS answers "page not found": the CMS URL setting is wrong
        assert "HTTP 404" in res.stderr and "CMS URL" in res.stderr
        assert "does not exist on" not in res.stderr


def test_expired_pre_issued_token(tmp_path: Path) -> None:
    token = "ckfake-preissued-jwt.eyJleHAiOjB9.c2lnbmF0dXJl"
    with harness(tmp_path, existing=True) as h:
        h.extra_secrets.append(token)
        env = h.env(COURSEKIT_CLIENT_ID=None, COURSEKIT_CLIENT_SECRET=None, COURSEKIT_LMS_URL=None,
                    COURSEKIT_CMS_URL=None, OLX_CMS_URL=h.edx.cms_url, OLX_CMS_TOKEN=token)
        res = h.run("-vv", env=env)
        assert res.exit_code == 2  # the token is a setting
        assert "HTTP 401" in res.stderr
        assert "pre-issued token" in res.stderr and "expired" in res.stderr


def test_pre_issued_token_works_without_lms(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True) as h:
        token = h.edx._issue_token("release_bot")
        env = h.env(COURSEKIT_CLIENT_ID=None, COURSEKIT_CLIENT_SECRET=None, COURSEKIT_LMS_URL=None,
                    COURSEKIT_CMS_TOKEN=token)
        res = h.run(env=env)
        assert res.exit_code == 0, res.text
        assert "Read-back skipped: no LMS URL" in res.stdout
        assert h.edx.token_requests == 0


def test_no_secret_in_python_logs_either(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Everything logged at DEBUG anywhere (ours, urllib3) during good and bad runs, checked for secrets."""
    import logging

    with caplog.at_level(logging.DEBUG), harness(tmp_path, revoke_tokens_at_poll=2, fail_at=("Updating", "boom")) as h:
        h.extra_secrets.append("ckfake-wrong-secret-5e5e5e")
        h.run("-vv", env=h.env(COURSEKIT_CLIENT_SECRET="ckfake-wrong-secret-5e5e5e"))
        assert h.run("-vv", "--create").exit_code == 4
        assert_no_secrets(caplog.text, h.secrets())
        assert "GET" in caplog.text  # the logs were really captured


def test_internal_errors_are_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coursekit.push import importer
    from fake_openedx.testing import CLIENT_SECRET

    def boom(self: object) -> None:
        raise RuntimeError(f"unexpected {CLIENT_SECRET} and Authorization: JWT abc.def.ghijklmnop")

    monkeypatch.setattr(importer.Importer, "run", boom)
    with harness(tmp_path) as h:
        res = h.run(env=h.env(COURSEKIT_DEBUG="1"))
        assert res.exit_code == 3
        assert "internal error: RuntimeError: unexpected ***" in res.stderr
        assert "abc.def.ghijklmnop" not in res.stderr


def test_record_is_not_written_into_the_real_repository(tmp_path: Path) -> None:
    real = Path(__file__).resolve().parents[1] / "course_src" / "releases"
    before = sorted(real.rglob("*")) if real.exists() else []
    with harness(tmp_path, existing=True) as h:
        assert h.run().exit_code == 0
        assert json.loads(next(h.releases.rglob("*.json")).read_text())["course_id"] == COURSE_ID
    after = sorted(real.rglob("*")) if real.exists() else []
    assert before == after

"""Units of coursekit import: settings, redaction, learner impact, release records, the fake's checks."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import sys
import tarfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coursekit.push import impact, releases
from coursekit.push.client import OpenEdxClient, Timing
from coursekit.push.config import check_config_file, load_settings
from coursekit.push.errors import ApiError, ConfigError, PushError
from coursekit.push.redact import RedactingFilter, Secret, redact
from fake_openedx import multipart
from fake_openedx.olx import Limits, UnsafeArchive, check_members, safe_extract
from fake_openedx.testing import CLIENT_ID, CLIENT_SECRET, COURSE_ID, STAFF_USER, harness

CMS = "https://studio.example.org"
LMS = "https://lms.example.org"
BASE_ENV = {"COURSEKIT_CMS_URL": CMS, "COURSEKIT_LMS_URL": LMS,
            "COURSEKIT_CLIENT_ID": "ckfake-id-1", "COURSEKIT_CLIENT_SECRET": "ckfake-secret-1"}


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), **values}


# -- settings ------------------------------------------------------------------------------


def test_settings_from_our_environment_names(tmp_path: Path) -> None:
    s = load_settings(None, [], env(tmp_path, **BASE_ENV))
    assert s.cms_url == CMS and s.lms_url == LMS
    assert s.uses_client_credentials
    assert s.origin["client_secret"] == "COURSEKIT_CLIENT_SECRET"
    assert "ckfake-secret-1" not in repr(s) and "ckfake-secret-1" not in "\n".join(s.describe())


def test_settings_accept_olx_utils_names_and_ours_win(tmp_path: Path) -> None:
    olx = {"OLX_CMS_URL": CMS + "/", "OLX_LMS_URL": LMS, "OLX_LMS_CLIENT_ID": "ckfake-olx-id",
           "OLX_LMS_CLIENT_SECRET": "ckfake-olx-secret"}
    s = load_settings(None, [], env(tmp_path, **olx))
    assert s.cms_url == CMS and s.client_id and s.client_id.reveal() == "ckfake-olx-id"
    s = load_settings(None, [], env(tmp_path, **olx, COURSEKIT_CLIENT_SECRET="ckfake-ours"))
    assert s.client_secret and s.client_secret.reveal() == "ckfake-ours"
    token_only = load_settings(None, [], env(tmp_path, OLX_CMS_URL=CMS, OLX_CMS_TOKEN="ckfake-jwt-token"))
    assert not token_only.uses_client_credentials and token_only.cms_token


def write_config(path: Path, text: str, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    return path


CONFIG = f'cms_url = "{CMS}"\nlms_url = "{LMS}"\nclient_id = "ckfake-file-id"\nclient_secret = "ckfake-file-secret"\n'


def test_config_file_wins_over_environment_and_default_file_loses(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "home" / "import.toml", CONFIG)
    s = load_settings(cfg, [], env(tmp_path, **BASE_ENV))
    assert s.client_secret and s.client_secret.reveal() == "ckfake-file-secret"
    default = write_config(tmp_path / "xdg" / "coursekit" / "import.toml", CONFIG)
    s = load_settings(None, [], env(tmp_path, **BASE_ENV))
    assert s.client_secret and s.client_secret.reveal() == "ckfake-secret-1"
    assert s.config_file == default


def test_config_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "import.toml", CONFIG, 0o644)
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, [], env(tmp_path))
    assert "chmod 600" in err.value.render()
    assert "ckfake-file-secret" not in err.value.render()


def test_config_file_inside_repository_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    cfg = write_config(repo / "secrets" / "import.toml", CONFIG)
    with pytest.raises(ConfigError, match="inside the repository"):
        check_config_file(cfg, [repo])


def test_config_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key"):
        load_settings(write_config(tmp_path / "a.toml", CONFIG + 'passwd = "x"\n'), [], env(tmp_path))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write_config(tmp_path / "b.toml", 'client_secret = "ckfake-unterminated\n'), [], env(tmp_path))
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", [], env(tmp_path))


@pytest.mark.parametrize("url, ok", [
    ("https://studio.example.org", True),
    ("http://localhost:8001", True),
    ("http://127.0.0.1:8000", True),
    ("http://[::1]:8000", True),
    ("http://studio.example.org", False),
    ("ftp://studio.example.org", False),
    ("https://user:pw@studio.example.org", False),
])
def test_urls_need_https_except_loopback(tmp_path: Path, url: str, ok: bool) -> None:
    values = {**BASE_ENV, "COURSEKIT_CMS_URL": url}
    if ok:
        assert load_settings(None, [], env(tmp_path, **values)).cms_url == url
    else:
        with pytest.raises(ConfigError):
            load_settings(None, [], env(tmp_path, **values))


def test_allow_insecure_http(tmp_path: Path) -> None:
    values = {**BASE_ENV, "COURSEKIT_CMS_URL": "http://studio.local.openedx.io:8001"}
    with pytest.raises(ConfigError) as err:
        load_settings(None, [], env(tmp_path, **values))
    assert "--allow-insecure-http" in err.value.render()
    assert load_settings(None, [], env(tmp_path, **values), allow_insecure_http=True)


def test_missing_settings_say_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="COURSEKIT_CMS_URL"):
        load_settings(None, [], env(tmp_path))
    with pytest.raises(ConfigError, match="no credentials"):
        load_settings(None, [], env(tmp_path, COURSEKIT_CMS_URL=CMS))
    with pytest.raises(ConfigError, match="LMS URL"):
        load_settings(None, [], env(tmp_path, COURSEKIT_CMS_URL=CMS, COURSEKIT_CLIENT_ID="ckfake-a",
                                    COURSEKIT_CLIENT_SECRET="ckfake-b"))


def test_cli_refuses_open_config_file_and_repo_config(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True) as h:
        text = (f'cms_url = "{h.edx.cms_url}"\nlms_url = "{h.edx.lms_url}"\n'
                f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n')
        cfg = write_config(tmp_path / "cfg" / "import.toml", text, 0o640)
        bare = h.env(COURSEKIT_CLIENT_ID=None, COURSEKIT_CLIENT_SECRET=None, COURSEKIT_CMS_URL=None,
                     COURSEKIT_LMS_URL=None)
        res = h.run("--dry-run", "--config", str(cfg), env=bare)
        assert res.exit_code == 2 and "chmod 600" in res.stderr
        os.chmod(cfg, 0o600)
        res = h.run("--dry-run", "--config", str(cfg), env=bare)
        assert res.exit_code == 0, res.text
        assert f"from {cfg}" in res.stdout
        (tmp_path / ".git").mkdir()  # now tmp_path is "the repository" around the source and the file
        res = h.run("--dry-run", "--config", str(cfg), env=bare)
        assert res.exit_code == 2 and "inside the repository" in res.stderr


# -- redaction -------------------------------------------------------------------------------


def test_secret_never_shows_itself() -> None:
    secret = Secret("ckfake-hidden-value-123")
    assert str(secret) == "***" and "ckfake" not in repr(secret) and f"{secret}" == "***"
    assert redact("before ckfake-hidden-value-123 after") == "before *** after"
    Secret("ck/fake+secret=1")
    assert redact("form: ck%2Ffake%2Bsecret%3D1") == "form: ***"
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)


@pytest.mark.parametrize("text", [
    "Authorization: JWT eyJhbGciOi.payload.signature",
    "Authorization: Bearer abcdefghijkl0",
    "Authorization: Basic Y2tmYWtlOmNrZmFrZQ==",
    "client_secret=abcdef&grant_type=x",
    '{"access_token": "abcdefgh", "expires_in": 1}',
])
def test_patterns_are_redacted(text: str) -> None:
    out = redact(text)
    assert "***" in out
    assert "abcdef" not in out and "eyJhbGciOi" not in out and "Y2tmYWtl" not in out


def test_ordinary_words_survive_redaction() -> None:
    text = "share the same JWT settings; Basic authentication; a pre-issued JWT (from OLX_CMS_TOKEN)"
    assert redact(text) == text


def test_errors_and_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    Secret("ckfake-in-error-777")
    err = PushError("bad ckfake-in-error-777", "hint ckfake-in-error-777")
    assert "ckfake" not in str(err) + repr(err) + err.render() + repr(err.args)
    logger = logging.getLogger("coursekit.push.test")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="coursekit.push.test"):
        logger.info("token %s", "ckfake-in-error-777")
    assert "ckfake-in-error-777" not in caplog.text


# -- learner impact --------------------------------------------------------------------------


def block(kind: str, bid: str, parent: str, name: str, **extra: object) -> dict[str, object]:
    return {"type": kind, "id": bid, "parent": parent, "display_name": name, **extra}


OLD = [
    block("course", "r1", "", "C"),
    block("chapter", "ch1", "r1", "One"),
    block("sequential", "s1", "ch1", "Quiz", graded=True, format="Exam"),
    block("vertical", "u1", "s1", "Unit A"),
    block("problem", "p1", "u1", "Q1", scored=True, weight=1.0),
    block("problem", "p2", "u1", "Q2", scored=True, weight=1.0),
    block("vertical", "u2", "s1", "Unit B"),
    block("html", "h1", "u2", "Text"),
    block("sequential", "s2", "ch1", "Reading", graded=False, format=""),
]


def test_impact_no_change() -> None:
    report = impact.compare(OLD, OLD, "x")
    assert report.changes == [] and report.unchanged == len(OLD) - 1 and not report.blocking


def test_impact_removed_scored_problem_blocks() -> None:
    new = [b for b in OLD if b["id"] != "p2"]
    report = impact.compare(OLD, new, "x")
    assert [(c.kind, c.block.id) for c in report.changes] == [("removed", "p2")]
    assert report.blocking and "! removed  problem p2" in "\n".join(report.lines())


def test_impact_rename_by_title_and_by_position() -> None:
    new = [dict(b) for b in OLD]
    for b in new:
        if b["id"] == "u1":
            b["id"] = "u1-new"  # same title, new id
        elif b["parent"] == "u1":
            b["parent"] = "u1-new"
        if b["id"] == "p2":
            b["id"], b["display_name"] = "p2-new", "Question two"  # new title, same place
    report = impact.compare(OLD, new, "x")
    renamed = {(c.block.id, c.new.id if c.new else "", c.detail.split(",")[0]) for c in report.of("renamed")}
    assert renamed == {("u1", "u1-new", "same title under the same parent"),
                       ("p2", "p2-new", "same place under the same parent")}
    assert [c.block.id for c in report.blocking] == ["p2"]  # the unit holds no scores itself
    assert "`{#u1}` after its ## heading" in "\n".join(report.lines())
    assert report.of("moved") == []  # p1 stayed under the renamed unit


def test_impact_grading_moved_added() -> None:
    new = [dict(b) for b in OLD]
    for b in new:
        if b["id"] == "s1":
            b["format"] = "Homework"
        if b["id"] == "p1":
            b["weight"] = 2.0
        if b["id"] == "h1":
            b["parent"] = "u1"
    new.append(block("video", "v1", "u2", "Clip"))
    report = impact.compare(OLD, new, "x")
    kinds = {(c.kind, c.block.id) for c in report.changes}
    assert kinds == {("grading", "s1"), ("grading", "p1"), ("moved", "h1"), ("added", "v1")}
    text = "\n".join(report.lines())
    assert "graded (Exam) -> graded (Homework)" in text and "weight 1 -> 2" in text
    assert not report.blocking


def test_impact_graded_subsection_removed_blocks_and_live_outline_defaults() -> None:
    new = [b for b in OLD if b["id"] not in ("s1", "u1", "p1", "p2", "u2", "h1")]
    report = impact.compare(OLD, new, "x")
    assert {c.block.id for c in report.blocking} == {"s1", "p1", "p2"}
    live = [block("course", "course", "", "C"), block("problem", "p9", "course", "Q", has_score=True)]
    assert impact.compare(live, [block("course", "r1", "", "C")], "live").blocking


# -- release records -------------------------------------------------------------------------


def test_release_layout_and_latest(tmp_path: Path) -> None:
    assert releases.server_dir("https://Studio.Example.org") == "studio.example.org"
    assert releases.server_dir("http://127.0.0.1:8001") == "127.0.0.1_8001"
    assert releases.course_dir("course-v1:KEINO+KIJH01+2019_kesa") == "KEINO+KIJH01+2019_kesa"
    t1 = dt.datetime(2026, 1, 27, 10, 15, tzinfo=dt.UTC)
    p1 = releases.write(tmp_path, CMS, "course-v1:A+B+C", {"blocks": [1]}, t1)
    p2 = releases.write(tmp_path, CMS, "course-v1:A+B+C", {"blocks": [2]}, t1)  # same second: no overwrite
    assert p1.name == "20260127T101500Z.json" and p2.name == "20260127T101500Z-1.json"
    assert p1.parent == tmp_path / "studio.example.org" / "A+B+C"
    found = releases.latest(tmp_path, CMS, "course-v1:A+B+C")
    assert found is not None and found[0] == p2 and found[1]["blocks"] == [2]
    assert releases.latest(tmp_path, "https://other.example.org", "course-v1:A+B+C") is None


# -- the fake server's archive checks ----------------------------------------------------------


def make_tar(path: Path, members: list[tarfile.TarInfo], data: bytes = b"") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info in members:
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return path


def info(name: str, kind: bytes = tarfile.REGTYPE, size: int = 0, link: str = "") -> tarfile.TarInfo:
    item = tarfile.TarInfo(name)
    item.type, item.size, item.linkname = kind, size, link
    return item


@pytest.mark.parametrize("member", [
    info("../evil.xml"), info("/etc/passwd"), info("top/link", tarfile.SYMTYPE, link="/etc"),
    info("top/hard", tarfile.LNKTYPE, link="top/course.xml"), info("top/dev", tarfile.CHRTYPE),
    info("top/fifo", tarfile.FIFOTYPE),
])
def test_fake_refuses_unsafe_members(tmp_path: Path, member: tarfile.TarInfo) -> None:
    archive = make_tar(tmp_path / "a.tar.gz", [member])
    with pytest.raises(UnsafeArchive):
        safe_extract(archive, tmp_path / "out", Limits())
    assert not (tmp_path / "evil.xml").exists()


def test_fake_archive_limits() -> None:
    files = [info(f"top/f{i}.xml", size=1000) for i in range(5)]
    with pytest.raises(UnsafeArchive, match="too many files"):
        check_members(files, 5000, Limits(max_files=4))
    with pytest.raises(UnsafeArchive, match="too large"):
        check_members(files, 5000, Limits(max_extracted_size=4999))
    with pytest.raises(UnsafeArchive, match="ratio"):
        check_members(files, 10, Limits(max_ratio=200))
    check_members(files, 5000, Limits())


def test_fake_multipart_streams_file_parts_to_disk(tmp_path: Path) -> None:
    payload = os.urandom(3 * 1024 * 1024 + 7) + b"\r\n--not-the-boundary\r\n"
    boundary = "b0undary123"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"course_data\"; "
            f"filename=\"C:\\\\dir\\\\course.tar.gz\"\r\nContent-Type: application/gzip\r\n\r\n").encode()
    body += payload + f"\r\n--{boundary}--\r\n".encode()
    parts = multipart.parse(io.BytesIO(body), len(body), boundary, tmp_path)
    assert parts["note"].value == b"hello"
    upload = parts["course_data"]
    assert upload.filename == "course.tar.gz" and upload.path is not None
    assert upload.path.read_bytes() == payload


def test_fake_token_and_users_setup(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        assert h.edx.users[STAFF_USER].is_staff
        assert h.edx.clients[CLIENT_ID][1] == STAFF_USER


# -- the upload is repeated only when it never reached the server -------------------------------


def upload_client(tmp_path: Path, cms_url: str, lms_url: str) -> tuple[OpenEdxClient, Path]:
    settings = load_settings(None, [], env(tmp_path, COURSEKIT_CMS_URL=cms_url, COURSEKIT_LMS_URL=lms_url,
                                           COURSEKIT_CLIENT_ID=CLIENT_ID, COURSEKIT_CLIENT_SECRET=CLIENT_SECRET))
    archive = tmp_path / "T-1-r.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b'<course url_name="r" org="T" course="1"/>'
        item = tarfile.TarInfo("top/course.xml")
        item.size = len(data)
        tar.addfile(item, io.BytesIO(data))
    return OpenEdxClient(settings, Timing(retry_delay=0.0), sleep=lambda _s: None), archive


def connect_timeout() -> Exception:
    """What requests raises when the connection could not be opened in time: provably nothing was sent."""
    import requests
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

    reason = ConnectTimeoutError(None, "Connection to 127.0.0.1 timed out. (connect timeout=10)")
    return requests.exceptions.ConnectTimeout(MaxRetryError(None, "/x", reason))  # type: ignore[arg-type]


@pytest.mark.parametrize("read_first", [0, 100])
def test_upload_retried_only_if_nothing_was_sent(tmp_path: Path, read_first: int) -> None:
    with harness(tmp_path, existing=True) as h:
        client, archive = upload_client(tmp_path, h.edx.cms_url, h.edx.lms_url)
        real_post = client.session.post
        attempts: list[int] = []

        def flaky_post(url: str, data: object = None, **kw: object) -> object:
            attempts.append(1)
            if len(attempts) == 1:
                if read_first:
                    data.read(read_first)  # type: ignore[attr-defined]  # bytes have left for the server
                raise connect_timeout()
            return real_post(url, data=data, **kw)

        client.session.post = flaky_post  # type: ignore[method-assign]
        if read_first:
            with pytest.raises(ApiError, match="broke during the upload"):
                client.upload(COURSE_ID, archive, lambda done, total: None)
            assert len(attempts) == 1 and h.edx.uploads == []
        else:
            task_id = client.upload(COURSE_ID, archive, lambda done, total: None)
            assert len(attempts) == 2 and len(h.edx.uploads) == 1
            assert task_id == h.edx.tasks[0].task_id


def test_progress_displays(capsys: pytest.CaptureFixture[str]) -> None:
    from coursekit.commands.import_cmd import BarProgress, LineProgress

    line = LineProgress(10 * 1024 * 1024)
    for done in range(0, 10 * 1024 * 1024 + 1, 1024 * 1024):
        line.update(done, 10 * 1024 * 1024)
    line.close()
    out = capsys.readouterr().out
    assert out.count("uploaded") == 10 and "100%" in out
    bar = BarProgress(1000)
    bar.update(500, 1000)
    bar.update(1000, 1000)
    bar.close()


def test_read_timeout_is_retried_then_explained(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True, slow_status=0.5) as h:
        client, _ = upload_client(tmp_path, h.edx.cms_url, h.edx.lms_url)
        client.timing = Timing(read_timeout=0.1, retries=2, retry_delay=0.0)
        with pytest.raises(ApiError) as err:
            client.import_state(COURSE_ID, "some-task", "x.tar.gz")
        assert "did not answer in time while checking the import status" in err.value.render()
        assert "CMS logs" in err.value.render()
        time.sleep(0.8)  # the fake logs a request when it has answered
        assert len(h.edx.calls("CMS", "GET")) == 3  # first try + 2 retries (a GET is safe to repeat)

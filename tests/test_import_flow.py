"""coursekit import against the fake Open edX: the full flow and the learner-impact check."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_openedx.testing import ARCHIVE, COURSE_ID, harness

FEATURE_COURSE = Path(__file__).resolve().parent / "fixtures" / "feature_course"


def records(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json")) if root.exists() else []


def remove_exam(source: Path) -> None:
    shutil.rmtree(source / "02-exam")
    course = source / "course.yaml"
    text = course.read_text()
    course.write_text(text[: text.index("grading:")])  # no graded subsection is left


def test_full_flow_dry_run_create_import_poll_readback_record(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        # dry run: checks and plan, nothing created or uploaded
        dry = h.run("--dry-run", "--create")
        assert dry.exit_code == 0, dry.text
        assert "does not exist" in dry.stdout
        assert "Plan (dry run" in dry.stdout
        assert f"create course run {COURSE_ID}" in dry.stdout
        assert h.edx.courses == {} and h.edx.uploads == []
        assert not h.edx.calls("CMS", "POST")
        assert records(h.releases) == []

        real = h.run("--create")
        assert real.exit_code == 0, real.text
        course = h.edx.courses[COURSE_ID]
        assert course.title == "Tiny course"
        assert course.pacing_type == "self_paced"
        assert course.schedule["start"] == "2030-01-01T00:00:00Z"
        assert course.schedule["end"] == "2030-12-31T00:00:00Z"
        assert course.schedule["enrollment_start"] == "2029-12-01T00:00:00Z"

        # the upload arrived whole, under the archive's base name
        [upload] = h.edx.uploads
        archive = h.out / ARCHIVE
        assert upload.filename == ARCHIVE
        assert upload.path.read_bytes() == archive.read_bytes()

        # every state change printed once, in order
        states = ["Pending", "In Progress", "Unpacking", "Verifying", "Updating", "Succeeded"]
        positions = [real.stdout.index(f"s  {s}\n") for s in states]
        assert positions == sorted(positions)
        assert "Read-back: the LMS shows the same" in real.stdout

        # the token went to the CMS as "JWT", never as Bearer
        assert {c.authorization for c in h.edx.calls("CMS")} == {"JWT"}

        [record_path] = records(h.releases)
        host = h.edx.cms_url.split("//")[1].replace(":", "_")
        assert record_path.parent == h.releases / host / "TEST+T101+r1"
        record = json.loads(record_path.read_text())
        manifest = json.loads((h.out / "TEST-T101-r1.manifest.json").read_text())
        assert record["format"] == "coursekit-release/1"
        assert record["course_id"] == COURSE_ID
        assert record["cms_url"] == h.edx.cms_url
        assert record["task_id"] == h.edx.tasks[0].task_id
        assert record["archive_sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
        assert record["blocks"] == manifest["blocks"]
        assert record["readback"]["matches"] is True
        assert record["imported_at"].endswith("Z")

        # a second import compares with the record: nothing changes for learners
        again = h.run()
        assert again.exit_code == 0, again.text
        assert "compared with release" in again.stdout
        assert "0 removed, 0 renamed, 0 grading, 0 moved, 0 added" in again.stdout
        assert len(records(h.releases)) == 2


def test_dry_run_on_existing_course_checks_permission_and_uploads_nothing(tmp_path: Path) -> None:
    with harness(tmp_path, existing=True) as h:
        res = h.run("--dry-run")
        assert res.exit_code == 0, res.text
        assert "Permission: this user may import" in res.stdout
        assert "create course run" not in res.stdout
        assert h.edx.uploads == [] and not h.edx.calls("CMS", "POST")
        assert records(h.releases) == []


def test_import_of_feature_fixture_course(tmp_path: Path) -> None:
    """A course with every feature (video, quizzes, raw XBlocks, static files) reads back identically."""
    with harness(tmp_path) as h:
        shutil.rmtree(h.source)
        shutil.copytree(FEATURE_COURSE, h.source)
        res = h.run("--create")
        assert res.exit_code == 0, res.text
        [manifest] = list(h.out.glob("*.manifest.json"))
        manifest_id = json.loads(manifest.read_text())["course_id"]
        course = h.edx.courses[manifest_id]
        built = {(b["type"], b["id"]) for b in json.loads(manifest.read_text())["blocks"] if b["type"] != "course"}
        served = {(b["type"], b["id"]) for b in course.blocks if b["type"] != "course"}
        assert built == served


def test_readback_waits_for_the_lms_block_cache(tmp_path: Path) -> None:
    with harness(tmp_path, readback_lag=2) as h:
        res = h.run("--create")
        assert res.exit_code == 0, res.text
        assert res.stdout.count("does not show the new outline yet") == 2
        assert "Read-back: the LMS shows the same" in res.stdout


def test_readback_difference_is_reported_after_recording(tmp_path: Path) -> None:
    with harness(tmp_path, readback_lag=50) as h:
        res = h.run("--create")
        assert res.exit_code == 6, res.text
        assert "differs from the build" in res.stdout + res.stderr
        assert "not on the server" in res.stdout
        [record] = records(h.releases)  # the import did happen, so it is recorded
        assert json.loads(record.read_text())["readback"]["matches"] is False


def test_removal_of_graded_blocks_is_refused(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        assert h.run("--create").exit_code == 0
        remove_exam(h.source)
        uploads = len(h.edx.uploads)

        calls = len(h.edx.requests)
        res = h.run()
        assert res.exit_code == 5, res.text
        assert "refusing to import" in res.stderr
        assert "--allow-removals" in res.stderr
        assert "! removed  sequential exam_final" in res.stdout
        assert "! removed  problem" in res.stdout
        assert len(h.edx.uploads) == uploads  # nothing was sent
        assert len(h.edx.requests) == calls  # refused from the release record, before any request
        assert "Server:" not in res.stdout
        assert len(records(h.releases)) == 1

        dry = h.run("--dry-run")
        assert dry.exit_code == 5
        assert "STOP: blocks holding learner scores" in dry.stdout
        # the report comes first, right after the build, before the server checks and the plan
        lines = [line for line in dry.stdout.splitlines() if not line.startswith("Note: ")]  # not in git
        assert lines[0].startswith("Built ")
        assert lines[1].startswith("Learner impact (compared with release")
        assert lines.index("Server:") > max(i for i, line in enumerate(lines) if "! removed" in line)
        assert h.edx.token_requests > 0  # the dry run still checked the server

        ok = h.run("--allow-removals")
        assert ok.exit_code == 0, ok.text
        assert len(h.edx.uploads) == uploads + 1
        assert len(records(h.releases)) == 2


def test_renamed_unit_is_reported_with_pin_hint_and_pinning_fixes_it(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        assert h.run("--create").exit_code == 0
        final = h.source / "02-exam" / "01-final.md"
        final.write_text(final.read_text().replace("## Question one", "## The question"))

        res = h.run()
        assert res.exit_code == 5, res.text
        assert "renamed  vertical exam_final_question-one -> exam_final_the-question" in res.stdout
        assert "{#exam_final_question-one}" in res.stdout  # how to keep the old id

        final.write_text(final.read_text().replace("## The question", "## The question {#exam_final_question-one}"))
        ok = h.run()
        assert ok.exit_code == 0, ok.text
        assert "0 removed, 0 renamed" in ok.stdout


def test_ungraded_removal_is_allowed_and_grading_changes_are_reported(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        assert h.run("--create").exit_code == 0
        welcome = h.source / "01-intro" / "01-welcome.md"
        text = welcome.read_text()
        welcome.write_text(text[: text.index("## Practice")])  # weight-0 problem: no scores lost
        final = h.source / "02-exam" / "01-final.md"
        final.write_text(final.read_text().replace("answer: 42", "answer: 42\nweight: 2"))

        res = h.run()
        assert res.exit_code == 0, res.text
        assert "  removed  problem" in res.stdout and "! removed" not in res.stdout
        assert "weight 1 -> 2" in res.stdout


def test_no_release_record_compares_with_the_live_course(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        assert h.run("--create").exit_code == 0
        for path in list(h.releases.rglob("*.json")):
            path.unlink()
        remove_exam(h.source)
        res = h.run()
        assert res.exit_code == 5, res.text
        assert "compared with the course as it is now on the server" in res.stdout


def test_releases_dir_option_and_no_readback(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        elsewhere = tmp_path / "records"
        res = h.run("--create", "--releases-dir", str(elsewhere), "--no-readback")
        assert res.exit_code == 0, res.text
        assert records(elsewhere) and not records(h.releases)
        assert not h.edx.calls("LMS", "GET", "/api/courses/v1/blocks/")


def test_no_build_uses_existing_archive_and_checks_it(tmp_path: Path) -> None:
    with harness(tmp_path) as h:
        assert h.run("--dry-run", "--create").exit_code == 0  # builds
        res = h.run("--create", "--no-build")
        assert res.exit_code == 0, res.text
        assert "Using the existing build" in res.stdout
        (h.out / ARCHIVE).write_bytes(b"tampered")
        bad = h.run("--no-build")
        assert bad.exit_code == 1  # the build in OUT is not what it claims: rebuild, nothing to do with the server
        assert "does not match its manifest" in bad.stderr
        assert len(h.edx.uploads) == 1  # only the good import above
        for path in h.out.glob("*.manifest.json"):
            path.unlink()
        missing = h.run("--no-build")
        assert missing.exit_code == 1
        assert "no build of course-v1:TEST+T101+r1" in missing.stderr


def test_running_import_of_same_course_blocks_a_second_one(tmp_path: Path) -> None:
    with harness(tmp_path, stuck_state="Unpacking") as h:
        first = h.run("--create", "--timeout", "0.05")
        assert first.exit_code == 4
        second = h.run()
        assert second.exit_code == 4, second.text
        assert "another import of course-v1:TEST+T101+r1 is running" in second.stderr
        assert len(h.edx.uploads) == 1

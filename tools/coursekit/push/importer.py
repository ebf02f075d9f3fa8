"""The import flow: build, authenticate, check, report, upload, wait, read back, record.

Nothing is uploaded before the checks pass: the course sources must be
committed (or ``--allow-dirty``), the course must exist (or ``--create``),
the user must have author access, no other import of the course may be
running, and no block holding learner scores may disappear (or
``--allow-removals``). ``--dry-run`` stops after the checks and prints the
plan.

The checks that need no server come first: uncommitted sources are refused
before the build, and a learner-impact refusal against the last release
record is printed (and, without ``--dry-run``, refused) before anything is
sent to a server.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from coursekit import __version__, dates, package
from coursekit.build import build, choose_run, load_checked
from coursekit.dates import iso
from coursekit.load import RELEASES_DIR
from coursekit.model import Course
from coursekit.plural import count
from coursekit.push import impact, releases
from coursekit.push.client import MIB, OpenEdxClient
from coursekit.push.config import ImportSettings
from coursekit.push.errors import ApiError, PushError, ReadbackError, RefusedError, SourcesError
from coursekit.push.gitstate import SourceState, source_state
from coursekit.push.redact import redact

# Hints for the messages import_olx stores in the "Error" artifact (cms/djangoapps/contentstore/errors.py).
FAILURE_HINTS: tuple[tuple[str, str], ...] = (
    ("Unsafe archive file", "the CMS found the archive unsafe: a path leaving the archive, a link or device file, "
     "or a limit exceeded (COURSE_IMPORT_MAX_EXTRACTED_SIZE 2 GB, _FILES 50 000, _COMPRESSION_RATIO 200 by "
     "default). Make the archive smaller (large media belong on a media host) or ask the operator to raise them."),
    ("Could not find the course.xml", "the archive has no course.xml; rebuild with `coursekit build`."),
    ("An Unknown error occurred during the unpacking step", "most often the course does not exist (run with "
     "--create), or the CMS and its Celery worker do not share the upload storage "
     "(Tutor: the cms-worker must see the same data volume). The cms-worker log has the traceback."),
    ("Uploaded Tar file not found", "the Celery worker cannot see the uploaded file: the CMS and the worker must "
     "share COURSE_IMPORT_EXPORT_STORAGE (same volume or the same S3 bucket)."),
    ("Permission denied", "the user linked to the OAuth2 application lost author access to the course; give it "
     "the Staff or Admin role in Studio (Settings > Course Team)."),
    ("We only support uploading a .tar.gz", "the server did not accept the archive type; coursekit uploads "
     ".tar.gz, so check the file name and the CMS version."),
    ("Stale file handle", "two imports of this course ran at the same time; run imports of one course one at a "
     "time and import again."),
)
DEFAULT_FAILURE_HINT = ("the CMS worker log has the details (Tutor: tutor local logs --tail 300 cms-worker); "
                        "Studio shows the same message under Tools > Import.")
STALE_TASK_SECONDS = 3600


class Progress(Protocol):
    def update(self, done: int, total: int) -> None: ...

    def close(self) -> None: ...


@dataclass
class ImportOptions:
    source: Path
    out: Path
    run: str | None = None
    releases_dir: Path | None = None
    create: bool = False
    dry_run: bool = False
    allow_removals: bool = False
    allow_dirty: bool = False
    build: bool = True
    readback: bool = True
    timeout: float = 1800.0
    poll_interval: float = 2.0
    readback_attempts: int = 5
    readback_delay: float = 2.0

    @property
    def releases_root(self) -> Path:
        return self.releases_dir or (self.source / RELEASES_DIR)


@dataclass
class Built:
    course: Course
    run: str
    course_id: str
    archive: Path
    manifest: dict[str, Any]

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return list(self.manifest.get("blocks") or [])


@dataclass
class Outcome:
    course_id: str
    dry_run: bool = False
    created: bool = False
    task_id: str = ""
    state: str = ""
    record: Path | None = None
    impact: impact.ImpactReport | None = None
    readback_differences: list[str] = field(default_factory=list)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Importer:
    def __init__(
        self,
        opts: ImportOptions,
        settings: ImportSettings,
        client: OpenEdxClient,
        echo: Callable[[str], None],
        progress: Callable[[int], Progress],
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.opts = opts
        self.settings = settings
        self.client = client
        self._echo = echo
        self.progress = progress
        self.sleep = sleep
        self.clock = clock
        self.now = now

    def echo(self, text: str = "") -> None:
        self._echo(redact(text))

    # -- the flow ------------------------------------------------------------------------

    def run(self) -> Outcome:
        opts, client = self.opts, self.client
        state = self.check_sources()
        built = self.build()
        outcome = Outcome(built.course_id, dry_run=opts.dry_run)

        # against the last release record the learner-impact report needs no server: it comes first
        report = self.recorded_impact(built)
        if report is not None:
            for line in report.lines():
                self.echo(line)
            if report.blocking and not opts.allow_removals and not opts.dry_run:
                raise self.refused_error(report)

        self.echo("Server:")
        for line in self.settings.describe():
            self.echo(f"  {line}")

        if client.renewable:
            lifetime = client.fetch_token()
            self.echo(f"Authenticated with client credentials (token valid for {lifetime / 60:.0f} min)")
        else:
            self.echo("Using the pre-issued token; it cannot be renewed if it expires")

        run_info = client.get_course_run(built.course_id)
        exists: bool | None
        if run_info is None:
            exists = False
            self.echo(f"Course {built.course_id} does not exist on {self.settings.cms_url}")
            if not opts.create and not opts.dry_run:
                raise self.missing_course_error(built)
        elif run_info == "unknown":
            exists = None
            self.echo(f"Course {built.course_id}: existence not checked (the course_runs API needs a global "
                      "staff user; the import permission check below still applies)")
        else:
            exists = True
            info = run_info if isinstance(run_info, dict) else {}
            title = info.get("title") or "?"
            self.echo(f"Course {built.course_id} exists: \"{title}\" ({info.get('pacing_type', '?')})")

        if exists is not False:
            client.check_import_permission(built.course_id, built.archive.name)
            self.echo("Permission: this user may import into the course")
            self.check_running_imports(built)
        else:
            self.echo("Permission: checked after the course is created (creating a course needs global staff)")

        if report is None:
            report = self.live_impact(built, exists)
            for line in report.lines():
                self.echo(line)
        outcome.impact = report
        refuse = bool(report.blocking) and not opts.allow_removals

        if opts.dry_run:
            self.print_plan(built, exists, refuse, state)
            if state.dirty and not opts.allow_dirty:
                raise self.dirty_error(state)
            if exists is False and not opts.create:
                raise self.missing_course_error(built)
            if refuse:
                raise self.refused_error(report)
            return outcome
        if refuse:
            raise self.refused_error(report)
        if report.blocking:
            self.echo(f"--allow-removals: importing although {count(len(report.blocking), 'block')} holding learner "
                      "scores disappear")

        if exists is False:
            self.create_course(built)
            outcome.created = True
            client.check_import_permission(built.course_id, built.archive.name)

        outcome.task_id = self.upload(built)
        outcome.state = self.wait(built, outcome.task_id)

        readback = self.read_back(built)
        outcome.readback_differences = readback.get("differences", [])
        outcome.record = self.write_record(built, outcome.task_id, readback, report, state)
        self.echo(f"Release recorded in {outcome.record}")
        self.echo("  commit it with the course sources, so the next import can compare against it")
        if outcome.readback_differences:
            raise ReadbackError(
                "the import succeeded, but the course read back from the LMS differs from the build",
                "see the differences above. The LMS caches course structure and may still be catching up: "
                "look at the course outline in Studio and the LMS in a few minutes. If it stays different, "
                "check the cms-worker log for warnings about blocks that could not be imported.",
            )
        self.echo(f"Done: {built.course_id} imported from {built.archive.name}")
        return outcome

    # -- steps -----------------------------------------------------------------------------

    def check_sources(self) -> SourceState:
        """Refuse uncommitted course sources (unless --allow-dirty or a dry run, which reports them)."""
        opts = self.opts
        state = source_state(opts.source)
        where = _display(opts.source)
        if not state.in_git:
            why = f"the git state of {where} cannot be read ({state.reason})" if state.reason else \
                f"{where} is not in a git work tree"
            self.echo(f"Note: {why}, so the release record will name no commit; keep the course sources in git "
                      "to know what went live")
            return state
        if not state.dirty:
            return state
        if opts.allow_dirty:
            changes = count(len(state.changes), "uncommitted change")
            self.echo(f"Warning: importing {changes} in {where} (--allow-dirty); "
                      "the release record will say \"dirty\": true")
            return state
        if opts.dry_run:
            self.echo(f"Uncommitted changes in {where} (the import would refuse them):")
            for line in _change_lines(state):
                self.echo(line)
            return state
        raise self.dirty_error(state)

    def dirty_error(self, state: SourceState) -> SourcesError:
        where = _display(self.opts.source)
        n = len(state.changes)
        listing = "\n".join(_change_lines(state))
        return SourcesError(
            f"refusing to import: the course sources in {where} have {count(n, 'uncommitted change')}:\n{listing}",
            "the release record names the git commit, so that commit must hold what goes live. Commit the "
            f"changes (git add {where} && git commit), or set them aside (git stash -u), and run again; to "
            "import them anyway, add --allow-dirty (make import IMPORT_ARGS=--allow-dirty): the record then "
            "says \"dirty\": true.",
        )

    def build(self) -> Built:
        opts = self.opts
        if opts.build:
            result = build(opts.source, opts.out, opts.run)
            manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
            built = Built(result.course, result.run, result.course_id, result.archive, manifest)
            self.echo(f"Built {built.course_id}: {built.archive} "
                      f"({_size(built.archive.stat().st_size)}, sha256 {result.sha256[:16]}…)")
            return built
        course, _ = load_checked(opts.source)
        run = choose_run(course, opts.run)
        course_id = course.course_key(run)
        for path in sorted(opts.out.glob("*.manifest.json")):
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if manifest.get("course_id") == course_id:
                archive = opts.out / str(manifest.get("archive"))
                if not archive.is_file():
                    raise SourcesError(f"{archive} is missing", "run `coursekit build` (or drop --no-build)")
                sha = package.file_sha256(archive)
                if sha != manifest.get("archive_sha256"):
                    raise SourcesError(f"{archive} does not match its manifest {path.name} (sha256 differs)",
                                       "run `coursekit build` again (or drop --no-build)")
                self.echo(f"Using the existing build of {course_id}: {archive} "
                          f"({_size(archive.stat().st_size)}, sha256 {sha[:16]}…)")
                return Built(course, run, course_id, archive, manifest)
        raise SourcesError(f"no build of {course_id} in {opts.out}", "run `coursekit build` (or drop --no-build)")

    def missing_course_error(self, built: Built) -> PushError:
        return PushError(
            f"course {built.course_id} does not exist on {self.settings.cms_url}",
            "an import needs an existing course. Create it with --create (make import IMPORT_ARGS=--create), "
            "which needs a global staff user, or create it in Studio with exactly this organization, number and "
            "run. If it should exist, check org, number and run in course.yaml and --run.",
        )

    def refused_error(self, report: impact.ImpactReport) -> RefusedError:
        n = len(report.blocking)
        return RefusedError(
            f"refusing to import: {count(n, 'block')} holding learner scores would disappear (marked ! above)",
            "learners' answers and scores for those blocks would no longer count. If a block was only renamed, "
            "pin its old id in the source as suggested above and build again. If the removal is intended, run "
            "again with --allow-removals (make import IMPORT_ARGS=--allow-removals).",
        )

    def check_running_imports(self, built: Built) -> None:
        try:
            running = self.client.running_imports(built.course_id)
        except ApiError as exc:
            self.echo(f"Note: could not list running imports ({exc.message.splitlines()[0]})")
            return
        fresh = []
        for task in running:
            age = _age_seconds(task.get("modified") or task.get("created"), self.now())
            if age is not None and age > STALE_TASK_SECONDS:
                self.echo(f"Note: an old import of this course is still '{task.get('state')}' on the server "
                          f"({task.get('name')}, last change {age / 3600:.1f} h ago); probably stale")
            else:
                fresh.append(task)
        if fresh:
            task = fresh[0]
            raise PushError(
                f"another import of {built.course_id} is running on the server: \"{task.get('name')}\" "
                f"is '{task.get('state')}'",
                "imports of one course must run one at a time (two at once can delete each other's files). "
                "Wait for it to finish (Studio > Tools > Import) and run again. If it stays in Pending, no Celery "
                "worker is consuming the CMS queue (Tutor: tutor local status, tutor local logs cms-worker).",
            )

    def recorded_impact(self, built: Built) -> impact.ImpactReport | None:
        """The report against the last release record of this course on this server; None if there is none."""
        found = releases.latest(self.opts.releases_root, self.settings.cms_url, built.course_id)
        if found is None:
            return None
        path, record = found
        label = f"release {_display(path)} (imported {record.get('imported_at', '?')})"
        return impact.compare(record["blocks"], built.blocks, label)

    def live_impact(self, built: Built, exists: bool | None) -> impact.ImpactReport:
        """Without a release record: the report against the course as the LMS shows it now."""
        if exists is False:
            return impact.first_import("the course does not exist yet")
        if not self.settings.lms_url:
            self.echo("Warning: no release record and no LMS URL, so the course as it is now on the server "
                      "cannot be compared; set COURSEKIT_LMS_URL to get a learner-impact report")
            return impact.first_import("no release record and no LMS URL")
        try:
            live = self.client.outline(built.course_id)
        except ApiError as exc:
            self.echo(f"Warning: no release record, and the course could not be read from the LMS "
                      f"({exc.message.splitlines()[0]}); the learner-impact report is not available")
            return impact.first_import("no release record, and the LMS outline is unavailable")
        if not [b for b in live if b.get("type") != "course"]:
            return impact.first_import("no release record, and the course on the server is empty")
        return impact.compare(live, built.blocks, "the course as it is now on the server (no release record "
                                                  f"in {_display(self.opts.releases_root)})")

    def print_plan(self, built: Built, exists: bool | None, refuse: bool, state: SourceState) -> None:
        opts = self.opts
        self.echo("Plan (dry run: nothing is created or uploaded):")
        steps: list[str] = []
        if state.dirty and not opts.allow_dirty:
            changes = count(len(state.changes), "uncommitted change")
            steps.append(f"STOP: {changes} in the course sources (listed above); "
                         "commit them, or add --allow-dirty to import them anyway")
        if exists is False:
            if opts.create:
                payload = self.course_run_payload(built)
                schedule = payload.get("schedule") or {}
                when = f", {schedule['start']} to {schedule['end']}" if schedule else ""
                steps.append(f"create course run {built.course_id} (\"{payload['title']}\", "
                             f"{payload['pacing_type']}{when})")
            else:
                steps.append(f"STOP: {built.course_id} does not exist; add --create to create it")
        if refuse:
            steps.append("STOP: blocks holding learner scores would disappear; add --allow-removals to go ahead")
        steps.append(f"upload {built.archive.name} ({_size(built.archive.stat().st_size)}) to "
                     f"{self.client.import_url(built.course_id)}")
        steps.append(f"wait for the import task (at most {_duration(opts.timeout)})")
        if opts.readback and self.settings.lms_url:
            steps.append("read the course outline back from the LMS and compare it with the build")
        dest = releases.release_dir(opts.releases_root, self.settings.cms_url, built.course_id)
        steps.append(f"record the release in {_display(dest)}/<time>.json")
        for n, step in enumerate(steps, 1):
            self.echo(f"  {n}. {step}")

    def course_run_payload(self, built: Built) -> dict[str, Any]:
        course = built.course
        payload: dict[str, Any] = {
            "title": course.title,
            "org": course.org,
            "number": course.number,
            "run": built.run,
            "pacing_type": "self_paced" if course.pacing == "self" else "instructor_paced",
        }
        run = course.runs[built.run]
        start = run.start.resolve(None) if run.start else None
        end = run.end.resolve(start) if run.end else None
        if start and end:  # the API wants both or no schedule at all
            schedule = {"start": iso(start), "end": iso(end)}
            for name in ("enrollment_start", "enrollment_end"):
                spec = getattr(run, name)
                moment = spec.resolve(start) if spec else None
                if moment:
                    schedule[name] = iso(moment)
            payload["schedule"] = schedule
        return payload

    def create_course(self, built: Built) -> None:
        payload = self.course_run_payload(built)
        self.client.create_course_run(payload)
        self.echo(f"Created course run {built.course_id} (\"{payload['title']}\", {payload['pacing_type']})")

    def upload(self, built: Built) -> str:
        size = built.archive.stat().st_size
        self.client.ensure_token_for(600 + size / (1 * MIB))  # room for a slow (1 MiB/s) upload
        self.echo(f"Uploading {built.archive.name} ({_size(size)}) to {self.settings.cms_url}")
        bar = self.progress(size)
        started = self.clock()
        try:
            task_id = self.client.upload(built.course_id, built.archive, bar.update)
        finally:
            bar.close()
        took = max(self.clock() - started, 1e-6)
        self.echo(f"Upload finished in {took:.1f} s ({size / MIB / took:.1f} MiB/s); import task {task_id}")
        return task_id

    def wait(self, built: Built, task_id: str) -> str:
        opts = self.opts
        filename = built.archive.name
        started = self.clock()
        interval = opts.poll_interval
        max_interval = max(interval, min(15.0, interval * 8))
        last = ""
        self.echo("Import status:")
        while True:
            state = self.client.import_state(built.course_id, task_id, filename)
            elapsed = self.clock() - started
            if state != last:
                self.echo(f"  {elapsed:7.1f} s  {state}")
                last = state
            if state == "Succeeded":
                return state
            if state in ("Failed", "Canceled"):
                raise self.failed_error(built, task_id, state)
            if elapsed >= opts.timeout:
                raise self.stuck_error(built, state, elapsed)
            self.sleep(min(interval, max(0.0, opts.timeout - elapsed)))
            interval = min(max_interval, interval * 1.5)

    def failed_error(self, built: Built, task_id: str, state: str) -> PushError:
        if state == "Canceled":
            return PushError(f"the import of {built.archive.name} into {built.course_id} was canceled on the server",
                             "someone or something canceled the task; run the import again when ready")
        try:
            text = self.client.task_error(built.course_id, built.archive.name, task_id)
            note = ""
        except ApiError as exc:
            text, note = None, f" (could not read it: {exc.message.splitlines()[0]})"
        reason = text or f"the server did not say why{note}"
        hint = next((h for key, h in FAILURE_HINTS if text and key.lower() in text.lower()), DEFAULT_FAILURE_HINT)
        return PushError(f"the import into {built.course_id} failed on the server: {reason}",
                         hint + "\nNothing was recorded in releases/.")

    def stuck_error(self, built: Built, state: str, elapsed: float) -> PushError:
        if state in ("Pending", "Retrying"):
            why = ("the task was never picked up: is a Celery worker consuming the CMS queue? "
                   "(Tutor: tutor local status, tutor local logs cms-worker)")
        else:
            why = ("the Celery worker is still working or is stuck; look at the cms-worker log "
                   "(Tutor: tutor local logs --tail 300 cms-worker)")
        return PushError(
            f"the import into {built.course_id} is still '{state}' after {elapsed:.0f} s (--timeout)",
            f"{why}.\nThe import may still finish: check Studio > Tools > Import. Do not start another import "
            "of this course until this one has ended. Nothing was recorded in releases/.",
        )

    def read_back(self, built: Built) -> dict[str, Any]:
        opts = self.opts
        if not opts.readback:
            return {"checked": False, "reason": "--no-readback"}
        if not self.settings.lms_url:
            self.echo("Read-back skipped: no LMS URL (set COURSEKIT_LMS_URL)")
            return {"checked": False, "reason": "no LMS URL"}
        differences: list[str] = []
        delay = opts.readback_delay
        attempts = max(1, opts.readback_attempts)
        for attempt in range(1, attempts + 1):
            try:
                live = self.client.outline(built.course_id)
            except ApiError as exc:
                if attempt == attempts:
                    self.echo(f"Read-back failed: {exc.message.splitlines()[0]}")
                    return {"checked": False, "reason": exc.message.splitlines()[0]}
                live = None
            if live is not None:
                differences = compare_outline(built.blocks, live)
                if not differences:
                    n = len([b for b in built.blocks if b.get("type") != "course"])
                    self.echo(f"Read-back: the LMS shows the same {count(n, 'block')} as the build")
                    return {"checked": True, "matches": True, "attempts": attempt}
            if attempt < attempts:
                self.echo(f"Read-back: the LMS does not show the new outline yet (its block cache updates after "
                          f"publishing); trying again in {delay:.1f} s")
                self.sleep(delay)
                delay = min(30.0, delay * 2)
        self.echo("Read-back: the course on the LMS differs from the build:")
        for line in differences:
            self.echo(f"  {line}")
        return {"checked": True, "matches": False, "attempts": attempts, "differences": differences}

    def write_record(self, built: Built, task_id: str, readback: dict[str, Any],
                     report: impact.ImpactReport, state: SourceState) -> Path:
        moment = self.now()
        record = {
            "course_id": built.course_id,
            "cms_url": self.settings.cms_url,
            "lms_url": self.settings.lms_url,
            "imported_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "task_id": task_id,
            "archive": built.archive.name,
            "archive_sha256": built.manifest.get("archive_sha256"),
            "git_commit": state.record(),
            "coursekit_version": __version__,
            "readback": readback,
            "impact": report.counts() if report.compared else None,
            "block_ids": built.manifest.get("block_ids", {}),
            "blocks": built.blocks,
        }
        return releases.write(self.opts.releases_root, self.settings.cms_url, built.course_id, record, moment)


def compare_outline(build_blocks: list[dict[str, Any]], server_blocks: list[dict[str, Any]]) -> list[str]:
    """Differences between the build and the LMS outline: block ids by type, and parents."""
    built = {(b.type, b.id): b for b in impact.normalize(build_blocks)}
    live = {(b.type, b.id): b for b in impact.normalize(server_blocks)}
    out: list[str] = []
    for kind in sorted({k for k, _ in built} | {k for k, _ in live}):
        missing = sorted(i for k, i in built if k == kind and (k, i) not in live)
        extra = sorted(i for k, i in live if k == kind and (k, i) not in built)
        if missing:
            out.append(f"{kind}: not on the server: {', '.join(missing)}")
        if extra:
            out.append(f"{kind}: on the server but not in the build: {', '.join(extra)}")
    for key, block in built.items():
        other = live.get(key)
        if other is not None and other.parent != block.parent:
            out.append(f"{key[0]} {key[1]}: parent is {other.parent} on the server, {block.parent} in the build")
    return out


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _size(n: float) -> str:
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    return f"{n / 1024:.1f} KiB"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _age_seconds(stamp: object, now: dt.datetime) -> float | None:
    moment = dates.from_olx(stamp) if isinstance(stamp, str) and stamp else None
    return (now - moment).total_seconds() if moment else None


MAX_CHANGES_SHOWN = 20


def _change_lines(state: SourceState) -> list[str]:
    lines = [f"  {c.what:<10} {_display(c.path)}" for c in state.changes[:MAX_CHANGES_SHOWN]]
    if len(state.changes) > MAX_CHANGES_SHOWN:
        lines.append(f"  ... and {len(state.changes) - MAX_CHANGES_SHOWN} more (git status shows them all)")
    return lines

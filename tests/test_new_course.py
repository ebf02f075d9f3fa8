"""`coursekit new`: a course repository in the course's language that builds and lints clean, with pinned
ids, schema lines, pre-commit hooks and a CI workflow; and the pre-commit hooks of this repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT
from coursekit.check.spelling import Voikko
from coursekit.cli import main
from coursekit.commands.new import LOCAL_HOOKS
from coursekit.load import load_course

HAS_VOIKKO = Voikko.open("fi")[0] is not None
needs_voikko = pytest.mark.skipif(not HAS_VOIKKO, reason="Voikko (libvoikko1 + voikko-fi) is not installed")
BIN = Path(sys.executable).parent


def new(target: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["new", str(target), "--org", "UXORG", "--number", "UX101", "--run", "2030",
                                       *args])
    assert result.exit_code == 0, result.output
    return result.output


def lint(source: Path, *extra: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["lint", "--source", str(source), "--format", "json", "--no-cache", *extra])
    return result.exit_code, json.loads(result.stdout)


@needs_voikko
@pytest.mark.parametrize(("language", "title", "first_unit"), [
    ("fi", "Kestävä kahvi – testikurssi", "01-aloitus/01-tervetuloa.md"),
    ("en", "Sustainable coffee", "01-getting-started/01-welcome.md"),
])
def test_template_builds_and_lints_clean_with_voikko(tmp_path: Path, language: str, title: str,
                                                     first_unit: str) -> None:
    target = tmp_path / "course"
    new(target, "--title", title, "--language", language)
    src = target / "course_src"
    code, report = lint(src, "--strict")
    assert code == 0 and report["findings"] == [], report["findings"]
    built = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "out" / "UXORG-UX101-2030.tar.gz").is_file()
    # the control: the spelling rule does look at the template's text
    unit = src / first_unit
    unit.write_text(unit.read_text(encoding="utf-8").replace("\n\n```{problem}", "\n\nKirjotusvirhe.\n\n```{problem}"),
                    encoding="utf-8")
    if language == "fi":
        assert [f["code"] for f in lint(src)[1]["findings"]] == ["W701"]


def test_finnish_template_is_in_finnish_and_english_in_english(tmp_path: Path) -> None:
    new(tmp_path / "fi", "--title", "Kurssi", "--language", "fi")
    new(tmp_path / "en", "--title", "Course", "--language", "en")
    fi, _ = load_course(tmp_path / "fi" / "course_src")
    en, _ = load_course(tmp_path / "en" / "course_src")
    assert fi is not None and en is not None
    assert [s.title for s in fi.sections] == ["Aloitus"] and fi.language == "fi"
    assert [u.title for *_, u in fi.units()] == ["Mitä opit", "Ensimmäinen tehtävä", "Koe"]
    assert fi.grading is not None and [t.type for t in fi.grading.types] == ["Koe"]
    assert [u.title for *_, u in en.units()] == ["What you will learn", "A first question", "Exam"]


def test_other_languages_get_the_english_text_with_a_note(tmp_path: Path) -> None:
    output = new(tmp_path / "sv", "--title", "Kurs", "--language", "sv")
    assert "no template in 'sv'" in output
    course, report = load_course(tmp_path / "sv" / "course_src")
    assert course is not None and course.language == "sv" and not report.has_errors()


def test_every_id_is_pinned(tmp_path: Path) -> None:
    for language in ("fi", "en"):
        target = tmp_path / language
        new(target, "--title", "T", "--language", language)
        result = CliRunner().invoke(main, ["pin", "--source", str(target / "course_src"), "--all", "--check"])
        assert result.exit_code == 0 and "Nothing to pin" in result.output, result.output


@pytest.mark.parametrize("title", [
    'He said "hi": a course',
    "Osa 1: johdanto # ei kommentti",
    "'single' and \\backslash\\ and {braces} and [brackets]",
    "yes",
    "2031-07-15",
    "@@org@@ is not a placeholder",
])
def test_titles_are_kept_exactly(tmp_path: Path, title: str) -> None:
    target = tmp_path / "c"
    new(target, "--title", title)
    course, report = load_course(target / "course_src")
    assert course is not None and not report.has_errors(), [d.format() for d in report.items]
    assert course.title == title
    assert (target / "README.md").read_text(encoding="utf-8").startswith(f"# {title}\n")


def test_numbers_as_org_number_and_run_stay_text(tmp_path: Path) -> None:
    target = tmp_path / "c"
    result = CliRunner().invoke(main, ["new", str(target), "--org", "123", "--number", "1e3", "--run", "2030",
                                       "--title", "T"])
    assert result.exit_code == 0, result.output
    course, report = load_course(target / "course_src")
    assert course is not None and not report.has_errors(), [d.format() for d in report.items]
    assert course.course_key("2030") == "course-v1:123+1e3+2030"


@pytest.mark.parametrize(("args", "says"), [
    (["--title", "two\nlines"], "one line"),
    (["--title", " "], "empty"),
    (["--title", "T", "--language", "finnish"], "ISO 639-1"),
    (["--title", "T", "--hooks-rev", "v1"], "--hooks-rev goes with --hooks-repo"),
])
def test_bad_options_are_refused_and_nothing_is_written(tmp_path: Path, args: list[str], says: str) -> None:
    result = CliRunner().invoke(main, ["new", str(tmp_path / "c"), "--org", "O", "--number", "N", *args])
    assert result.exit_code == 2 and says in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []


def test_repository_files(tmp_path: Path) -> None:
    target = tmp_path / "c"
    new(target, "--title", "T", "--language", "fi")
    names = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert {".gitignore", ".pre-commit-config.yaml", ".github/workflows/course.yml", "README.md",
            "schemas/course.schema.json", "schemas/section.schema.json"} <= set(names)
    assert "/olx_build/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    # the schema lines point at the copied schemas, relative to each file
    for rel, schema in (("course_src/course.yaml", "course"), ("course_src/01-aloitus/section.yaml", "section")):
        first = (target / rel).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        pointed = (target / rel).parent / first.split("$schema=", 1)[1]
        assert pointed.resolve() == (target / "schemas" / f"{schema}.schema.json").resolve()
        assert json.loads(pointed.read_text(encoding="utf-8"))["$schema"]
    config = yaml.safe_load((target / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in config["repos"][0]["hooks"]] == ["coursekit-lint", "coursekit-build-check"]


def test_hooks_repo_writes_the_remote_form(tmp_path: Path) -> None:
    target = tmp_path / "c"
    new(target, "--title", "T", "--hooks-repo", "https://git.example.org/tools/coursekit", "--hooks-rev", "v9")
    config = yaml.safe_load((target / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config == {"repos": [{"repo": "https://git.example.org/tools/coursekit", "rev": "v9",
                                 "hooks": [{"id": "coursekit-lint"}, {"id": "coursekit-build-check"}]}]}


# -- the CI workflow --------------------------------------------------------------------------------------------


def workflow(tmp_path: Path) -> dict:
    target = tmp_path / "c"
    new(target, "--title", "T")
    return yaml.safe_load((target / ".github/workflows/course.yml").read_text(encoding="utf-8"))


def test_workflow_lints_uploads_sarif_builds_and_imports_on_a_tag(tmp_path: Path) -> None:
    flow = workflow(tmp_path)
    steps = flow["jobs"]["check"]["steps"]
    runs = [s.get("run", "") for s in steps]
    uses = [s.get("uses", "") for s in steps]
    assert any("coursekit lint" in r and "--format github" in r for r in runs)
    assert any("--format sarif" in r and "--output coursekit.sarif" in r for r in runs)
    assert "github/codeql-action/upload-sarif@v3" in uses
    assert flow["jobs"]["check"]["permissions"]["security-events"] == "write"
    assert any(r.startswith("coursekit build ") for r in runs)
    assert "actions/upload-artifact@v4" in uses
    imp = flow["jobs"]["import"]
    assert imp["if"] == "startsWith(github.ref, 'refs/tags/v')" and imp["needs"] == "check"
    step = next(s for s in imp["steps"] if "coursekit import" in s.get("run", ""))
    assert step["run"].startswith("coursekit import ") and "make" not in step["run"]
    # the secrets are the variables `coursekit import` reads
    from coursekit.push.config import ENV_NAMES

    wanted = {ENV_NAMES[k][0] for k in ("cms_url", "lms_url", "client_id", "client_secret")}
    assert set(step["env"]) == wanted
    assert all(value == f"${{{{ secrets.{name} }}}}" for name, value in step["env"].items())
    assert True in flow and "tags" in flow[True]["push"]  # YAML 1.1 reads `on:` as True


# -- the pre-commit hooks of this repository ----------------------------------------------------------------------


def hooks() -> list[dict]:
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_hook_definitions() -> None:
    defined = hooks()
    assert [h["id"] for h in defined] == ["coursekit-lint", "coursekit-build-check"]
    local = yaml.safe_load("repos:\n" + LOCAL_HOOKS)["repos"][0]["hooks"]
    for hook, mirror in zip(defined, local, strict=True):
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert {k: hook[k] for k in ("id", "entry", "args", "files")} == \
            {k: mirror[k] for k in ("id", "entry", "args", "files")}  # the template runs the same commands


def run_hook(hook: dict, cwd: Path) -> subprocess.CompletedProcess:
    """Run a hook's entry and args as pre-commit does (pass_filenames false: no file names appended)."""
    command = hook["entry"].split() + hook["args"]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("hook", hooks(), ids=lambda h: h["id"])
def test_hook_passes_on_a_new_course_and_fails_on_a_broken_one(tmp_path: Path, hook: dict) -> None:
    import re

    repo = tmp_path / "course"
    new(repo, "--title", "Kurssi", "--language", "fi")
    files = re.compile(hook["files"])
    assert files.search("course_src/01-aloitus/01-tervetuloa.md") and files.search("course_src/static/course.png")
    assert not files.search("course_src/releases/x/y/20300101T000000Z.json") and not files.search("README.md")
    ok = run_hook(hook, repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert not (repo / "olx_build").exists()  # a check writes nothing into the repository
    unit = repo / "course_src/01-aloitus/02-koe.md"
    unit.write_text(unit.read_text(encoding="utf-8").replace("answer: 4", "answer: neljä"), encoding="utf-8")
    bad = run_hook(hook, repo)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "course_src/01-aloitus/02-koe.md:" in bad.stdout + bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_validates_the_hook_file() -> None:
    pytest.importorskip("pre_commit")
    from pre_commit.clientlib import load_manifest

    loaded = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert [h["id"] for h in loaded] == ["coursekit-lint", "coursekit-build-check"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo_runs_the_hooks_on_a_course(tmp_path: Path) -> None:
    """pre-commit itself installs this repository into a hook environment and runs both hooks.

    Installing needs coursekit's dependencies from a package index: this machine's pip configuration (a local
    mirror, or PyPI over the network). Where pre-commit cannot install them, the test skips and says so; the
    hook commands themselves are tested without pre-commit above.
    """
    pytest.importorskip("pre_commit")
    if not (ROOT / ".git").exists():
        pytest.skip("this copy of coursekit is not a git repository; pre-commit try-repo needs one")
    repo = tmp_path / "course"
    new(repo, "--title", "Kurssi", "--language", "fi")
    git = ["git", "-c", "user.email=test@example.org", "-c", "user.name=test"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "pre-commit"), "try-repo", str(ROOT), "--all-files"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=600)

    # One run (each installs coursekit into a fresh hook environment, about 15 s): a course with an error, which
    # both hooks must report. That they pass on a good course is tested with the hook commands above.
    unit = repo / "course_src/01-aloitus/02-koe.md"
    unit.write_text(unit.read_text(encoding="utf-8").replace("answer: 4", "answer: neljä"), encoding="utf-8")
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    bad = try_repo()
    if bad.returncode != 1 and "Installing environment" in bad.stdout and "Failed" not in bad.stdout:
        pytest.skip(f"pre-commit could not install coursekit into a hook environment: {bad.stdout[-300:]}")
    assert "coursekit lint....." in bad.stdout and "coursekit build --check....." in bad.stdout
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert bad.stdout.count("Failed") == 2
    assert bad.stdout.count("course_src/01-aloitus/02-koe.md:14:1: P303 error") == 2

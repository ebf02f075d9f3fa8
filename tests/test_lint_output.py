"""Lint output formats, the command line (exit status, --strict, --explain) and the `lint:` settings."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from coursekit.check import all_rules
from coursekit.check.docs import markdown
from coursekit.cli import main
from coursekit.load.codes import LOAD_CODES
from test_lint_rules import JOHDANTO, KOE, PAGE, QUIZ, append, make_course

ROOT = Path(__file__).resolve().parent.parent

# One error (P301), one warning (P305), and a second file with a warning (A503).
BROKEN = {
    JOHDANTO: ("    correct: true\n", ""),
    QUIZ: ("        feedback: Ei, peruna on juures.\n", ""),
    PAGE: ("[tervetulosivulla]", "[tästä]"),
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", *args])
    return result.exit_code, result.output


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course", BROKEN)


@pytest.fixture
def warnings_only(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course", {QUIZ: BROKEN[QUIZ]})


def test_text_output_and_exit_status(broken: Path) -> None:
    code, out = run("--source", str(broken), "--no-olx")
    assert code == 1
    lines = out.splitlines()
    assert f"{broken}/{JOHDANTO}:20:1: P301 error: single-choice problem has no correct choice; " \
           "it needs exactly one" in lines
    assert any(line.startswith(f"{broken}/{QUIZ}:18:9: P305 warning: choice B") for line in lines)
    assert "    fix: mark exactly one choice with `correct: true`" in lines
    assert lines[-1].startswith("1 error, 2 warnings, 0 info (")
    assert "\x1b[" not in out  # not a terminal: no colour


def test_colour_on_request(broken: Path) -> None:
    _code, out = run("--source", str(broken), "--no-olx", "--color")
    assert "\x1b[31" in out  # red error


def test_warnings_pass_unless_strict(warnings_only: Path) -> None:
    assert run("--source", str(warnings_only), "--no-olx")[0] == 0
    code, out = run("--source", str(warnings_only), "--no-olx", "--strict")
    assert code == 1 and "--strict: warnings fail" in out


@pytest.mark.parametrize("voikko", ["as installed", "missing"])
def test_clean_course_exit_zero(voikko: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if voikko == "missing":  # a fresh machine: the spelling rule is skipped with a note, nothing fails
        from coursekit.check import spelling

        monkeypatch.setattr(spelling, "_library_names", lambda: ["libvoikko-does-not-exist.so"])
    code, out = run("--source", str(ROOT / "tests/fixtures/lint/base"))
    findings = [line for line in out.splitlines() if line and not line.startswith("note: ")]
    assert code == 0 and findings[0].startswith("No problems found"), out
    if voikko == "missing":
        assert out.startswith("note: W701: spelling not checked: Voikko is not installed")


def test_json_output(broken: Path) -> None:
    code, out = run("--source", str(broken), "--no-olx", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"] == {"error": 1, "warning": 2, "info": 0, "failed": True}
    first = data["findings"][0]
    assert first == {
        "code": "P301", "name": "choice-correct-count", "severity": "error",
        "message": "single-choice problem has no correct choice; it needs exactly one",
        "hint": "mark exactly one choice with `correct: true`",
        "file": JOHDANTO, "path": f"{broken}/{JOHDANTO}", "line": 20, "col": 1, "related": [],
    }
    assert [(f["code"], f["file"], f["line"]) for f in data["findings"]] == [
        ("P301", JOHDANTO, 20), ("P305", QUIZ, 18), ("A503", PAGE, 3)]


def test_output_file(broken: Path, tmp_path: Path) -> None:
    target = tmp_path / "reports" / "lint.json"
    code, out = run("--source", str(broken), "--no-olx", "--format", "json", "--output", str(target))
    assert code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["error"] == 1
    assert "1 error" in out  # the summary still goes to the terminal


def test_github_annotations(broken: Path) -> None:
    _code, out = run("--source", str(broken), "--no-olx", "--format", "github")
    lines = out.splitlines()
    assert lines[0] == (f"::error file={broken}/{JOHDANTO},line=20,col=1,title=P301 choice-correct-count::"
                        "single-choice problem has no correct choice; it needs exactly one%0A"
                        "fix: mark exactly one choice with `correct: true`")
    assert lines[1].startswith(f"::warning file={broken}/{QUIZ},line=18,col=9,title=P305 choice-feedback::")
    _code, strict = run("--source", str(broken), "--no-olx", "--format", "github", "--strict")
    assert strict.splitlines()[1].startswith("::error ")


# The parts of the SARIF 2.1.0 schema (https://json.schemastore.org/sarif-2.1.0.json) that we rely on.
SARIF_SCHEMA = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "version": {"type": "string"},
                        "rules": {"type": "array", "items": {
                            "type": "object",
                            "required": ["id"],
                            "properties": {
                                "id": {"type": "string"},
                                "name": {"type": "string"},
                                "shortDescription": {"$ref": "#/$defs/message"},
                                "fullDescription": {"$ref": "#/$defs/message"},
                                "help": {"$ref": "#/$defs/message"},
                                "defaultConfiguration": {"type": "object", "properties": {
                                    "level": {"enum": ["none", "note", "warning", "error"]}}},
                            },
                        }},
                    },
                }}},
                "results": {"type": "array", "items": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "ruleIndex": {"type": "integer", "minimum": -1},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"$ref": "#/$defs/message"},
                        "locations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
                        "relatedLocations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
                    },
                }},
                "invocations": {"type": "array", "items": {
                    "type": "object", "required": ["executionSuccessful"]}},
            },
        }},
    },
    "$defs": {
        "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
        "location": {"type": "object", "properties": {"physicalLocation": {
            "type": "object",
            "properties": {
                "artifactLocation": {"type": "object", "properties": {"uri": {"type": "string"}}},
                "region": {"type": "object", "properties": {
                    "startLine": {"type": "integer", "minimum": 1},
                    "startColumn": {"type": "integer", "minimum": 1},
                }},
            },
        }}},
    },
}


def test_sarif_output(broken: Path) -> None:
    code, out = run("--source", str(broken), "--no-olx", "--format", "sarif")
    assert code == 1
    data = json.loads(out)
    jsonschema.validate(data, SARIF_SCHEMA)
    run_ = data["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert set(all_rules()) | set(LOAD_CODES) <= set(ids)
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "Fix:" in rule["help"]["text"] or rule["id"].startswith("E")
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("P301", "error"), ("P305", "warning"),
                                                           ("A503", "warning")]
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith(JOHDANTO)
    assert location["region"] == {"startLine": 20, "startColumn": 1}


def test_sarif_relative_uri_and_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_course(tmp_path / "kurssi", {KOE: ("graded: Koe", "graded: Koe\nstart: +10w")})
    monkeypatch.chdir(tmp_path)
    _code, out = run("--source", "kurssi", "--no-olx", "--format", "sarif")
    result = json.loads(out)["runs"][0]["results"][0]
    assert result["ruleId"] == "G206"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == f"kurssi/{KOE}"


def test_explain() -> None:
    code, out = run("--explain", "P301")
    assert code == 0
    assert out.startswith("P301 choice-correct-count (default severity error, model stage)")
    for part in ("What:", "Why:", "Example:", "Fix:"):
        assert part in out
    code, out = run("--explain", "e003")
    assert code == 0 and "E003 missing-file (load error" in out
    code, out = run("--explain", "s103")
    assert "title_max_length (default 80)" in out
    code, out = run("--explain", "P31")
    assert code == 2 and "did you mean" in out


def test_every_rule_is_documented() -> None:
    for code, rule in all_rules().items():
        for part in ("What:", "Why:", "Example", "Fix:"):
            assert part in rule.doc, f"{code} docstring lacks {part!r}"
        assert rule.doc.strip().splitlines()[0].endswith("."), code


def test_list_rules() -> None:
    code, out = run("--list-rules")
    assert code == 0
    assert sum(1 for line in out.splitlines() if line[:1] in "ESGPLAMWX") == len(all_rules()) + len(LOAD_CODES)


def test_docs_are_current() -> None:
    assert (ROOT / "docs" / "lint.md").read_text(encoding="utf-8") == markdown(), \
        "docs/lint.md is out of date: python -m coursekit.check.docs > docs/lint.md"


# -- course.yaml `lint:` ------------------------------------------------------------------------


def test_severity_and_ignore_settings(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {
        **BROKEN,
        "course.yaml": append("lint:\n  severity: {P301: warning, P305: off}\n  ignore:\n"
                              "    - {code: A503, path: 'pages/*'}\n"),
    })
    code, out = run("--source", str(root), "--no-olx", "--format", "json")
    data = json.loads(out)
    assert [(f["code"], f["severity"]) for f in data["findings"]] == [("P301", "warning")]
    assert code == 0


def test_ignores_apply_to_the_build_too(tmp_path: Path) -> None:
    from coursekit.build import load_checked

    root = make_course(tmp_path / "course", {JOHDANTO: BROKEN[JOHDANTO],
                                             "course.yaml": append("lint: {ignore: [P3*]}\n")})
    _course, diagnostics = load_checked(root)  # P301 would stop the build
    assert not [d for d in diagnostics if d.code.startswith("P3")]


def test_bad_lint_settings_are_reported(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {"course.yaml": append(
        "lint:\n  severity: {P30: warning, E003: off}\n  ignore: [Q999]\n"
        "  options: {title_max_lenght: 50, lms_hosts: lms.example.org}\n  words: puuttuu.txt\n")})
    code, out = run("--source", str(root), "--no-olx", "--format", "json")
    assert code == 1
    found = [(f["code"], f["line"], f["message"], f["hint"]) for f in json.loads(out)["findings"]]
    assert [(c, line) for c, line, *_ in found] == [("E005", 34), ("E005", 34), ("E005", 35), ("E005", 36),
                                                  ("E005", 36), ("E003", 37)]
    messages = " | ".join(f"{m} / {h}" for *_, m, h in found)
    assert "unknown rule code 'P30'" in messages and "did you mean P30" in messages
    assert "E003 is a load error" in messages
    assert "unknown option `title_max_lenght`" in messages and "did you mean `title_max_length`?" in messages
    assert "`lms_hosts` should be a list" in messages
    assert "word list 'puuttuu.txt' does not exist" in messages


def test_word_list_is_used_and_counts_as_used(tmp_path: Path) -> None:
    from test_lint_rules import HAS_VOIKKO

    if not HAS_VOIKKO:
        pytest.skip("Voikko is not installed")
    root = make_course(tmp_path / "course", {
        JOHDANTO: ("opit kirjoittamaan", "opit Kurssiwikin avulla kirjoittamaan"),
        "course.yaml": append("lint: {words: sanat.txt}\n"),
        "sanat.txt": "# hyväksytyt sanat\nKurssiwiki*\n",
    })
    code, out = run("--source", str(root), "--no-olx")
    assert code == 0 and out.startswith("No problems found"), out


def test_unknown_run(tmp_path: Path) -> None:
    code, out = run("--source", str(ROOT / "tests/fixtures/lint/base"), "--run", "2099_kevat")
    assert code == 1 and "E016 error: run '2099_kevat' is not defined" in out


def test_missing_source_folder(tmp_path: Path) -> None:
    code, out = run("--source", str(tmp_path / "ei-ole"))
    assert code == 1 and "E003" in out and "does not exist" in out


def test_json_even_on_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from coursekit.check import runner

    def broken(_request: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(runner, "lint", broken)
    result = CliRunner().invoke(main, ["lint", "--source", str(ROOT / "tests/fixtures/lint/base"), "--format", "json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["summary"]["failed"] is True and "simulated bug" in data["internal_error"]

"""The lint corpus: the minimal valid course plus one mutation per case gives exactly the expected findings.

Every rule and every load code that lint reports has at least one case here
(the online rules L404/L405 are in test_lint_online.py). A case lists the
edits to tests/fixtures/lint/base/ and the findings it must produce, as
(code, "file:line"), nothing more and nothing less.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from coursekit.check import all_rules
from coursekit.check.runner import LintRequest, lint
from coursekit.check.spelling import Voikko
from coursekit.load.codes import LOAD_CODES

BASE = Path(__file__).parent / "fixtures" / "lint" / "base"

Edit = str | bytes | None | tuple[str, str] | Callable[[str], str]

JOHDANTO = "01-aloitus/01-johdanto.md"
KOE = "02-koe/01-koe.md"
QUIZ = "02-koe/koe.yaml"
PAGE = "pages/ohjeet.md"
VTT = "static/media/esittely.fi.vtt"


def append(text: str) -> Callable[[str], str]:
    return lambda old: old.rstrip("\n") + "\n" + text


def make_course(root: Path, edits: dict[str, Edit]) -> Path:
    """Copy the base course to ``root`` and apply ``edits``: path -> new text/bytes, None (delete),
    (old, new) (replace exactly once) or a function of the old text."""
    shutil.copytree(BASE, root)
    for rel, edit in edits.items():
        path = root / rel
        if edit is None:
            path.unlink()
        elif isinstance(edit, bytes):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(edit)
        elif isinstance(edit, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(edit, encoding="utf-8")
        elif isinstance(edit, tuple):
            old_text = path.read_text(encoding="utf-8")
            assert old_text.count(edit[0]) == 1, f"{rel}: {edit[0]!r} must occur exactly once"
            path.write_text(old_text.replace(edit[0], edit[1]), encoding="utf-8")
        else:
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def findings(root: Path, olx: bool = False) -> list[tuple[str, str]]:
    result = lint(LintRequest(source=root, olx=olx))
    return sorted((d.code, f"{d.loc.file}:{d.loc.line}") for d in result.diagnostics)


def single_choice(n: int, keyed: list[int], shuffle: bool = False) -> str:
    """Quiz-file YAML of ``n`` single-choice problems of four choices; problem i keys ``keyed[i % len(keyed)]``."""
    names = ["Ensimmäinen", "Toinen", "Kolmas", "Neljäs"]
    out = []
    for i in range(n):
        out.append("  - type: single-choice\n    question: Mikä vaihtoehto on oikea?\n"
                   + ("    shuffle: true\n" if shuffle else "") + "    choices:\n")
        for j, name in enumerate(names):
            right = j == keyed[i % len(keyed)]
            out.append(f"      - text: {name}\n" + ("        correct: true\n" if right else "")
                       + f"        feedback: {'Oikein' if right else 'Väärin'}.\n")
    return "".join(out)


def first_two_of_four(n: int) -> str:
    """Quiz-file YAML of ``n`` multiple-choice problems whose right choices are exactly the first two."""
    block = ("  - type: multiple-choice\n    question: Mitkä vaihtoehdot ovat oikein?\n    choices:\n"
             + "".join(f"      - text: {name}\n" + ("        correct: true\n" if j < 2 else "")
                       + f"        feedback: {'Oikein' if j < 2 else 'Väärin'}.\n"
                       for j, name in enumerate(["Ensimmäinen", "Toinen", "Kolmas", "Neljäs"])))
    return block * n


LONG_ALT = "Kaavio kurssin kahdesta osasta: " + "ensimmäinen osa käsittelee ohjeiden rakennetta, toinen kieltä, " * 3
NO_SPELLING = append("lint: {severity: {W701: off}}\n")


# (id, edits, expected findings, needs the OLX stage)
CASES: list[tuple[str, dict[str, Edit], list[tuple[str, str]], bool]] = [
    # -- load codes ----------------------------------------------------------------------------
    ("E001-yaml-syntax", {JOHDANTO: ("question: Montako osaa kurssissa on?", "question: Montako: osaa on?")},
     [("E001", f"{JOHDANTO}:21")], False),
    ("E002-not-utf8", {PAGE: "## Kurssin ohjeet\n\nLue ohjeet huolellisesti.\n\nV\xe4\xe4r\xe4 merkist\xf6.\n"
                       .encode("latin-1")},
     [("E002", f"{PAGE}:5")], False),
    ("E003-missing-file", {PAGE: append("\nLue [kurssin liite](../static/liite.pdf).\n")},
     [("E003", f"{PAGE}:9")], False),
    ("E003-wrong-case", {JOHDANTO: ("(../static/ohje.pdf)", "(../static/Ohje.pdf)")},
     [("E003", f"{JOHDANTO}:11"), ("S105", "static/ohje.pdf:1")], False),
    ("E004-outside", {PAGE: append("\nLue [muu ohje](../../muualla.pdf).\n")},
     [("E004", f"{PAGE}:9")], False),
    ("E005-unknown-key", {"course.yaml": ("pacing: self", "pacng: self")},
     [("E005", "course.yaml:7")], False),
    ("E006-duplicate-id", {JOHDANTO: ("type: single-choice\n", "type: single-choice\nid: tervetuloa\n")},
     [("E006", f"{JOHDANTO}:21")], False),
    ("E007-unknown-component", {JOHDANTO: append("\n## Lisää\n\nLisää tekstiä.\n\n```{probelm}\ntype: text\n```\n")},
     [("E007", f"{JOHDANTO}:45")], False),
    ("E008-invalid-xml", {JOHDANTO: append("\n## Lisää\n\nLisää tekstiä.\n\n```{olx}\n<poll>\n```\n")},
     [("E008", f"{JOHDANTO}:47")], False),
    ("E009-structure", {JOHDANTO: ("### Kurssin rakenne", "# Kurssin rakenne")},
     [("E009", f"{JOHDANTO}:9")], False),
    ("E010-invalid-id", {JOHDANTO: ("## Video\n", "## Video {#Video}\n")},
     [("E010", f"{JOHDANTO}:30")], False),
    ("E011-broken-link", {PAGE: ("(#tervetuloa)", "(#tervetulo)")},
     [("E011", f"{PAGE}:3")], False),
    ("E012-transcript", {
        JOHDANTO: ("  fi: ../static/media/esittely.fi.vtt\n",
                   "  fi: ../static/media/esittely.fi.vtt\n  sv: ../static/media/esittely.sv.vtt\n"),
        "static/media/esittely.sv.vtt": "WEBVTT\n\n00:00:00.000 -> 00:00:02.500\nVälkommen.\n"},
     [("E012", "static/media/esittely.sv.vtt:3")], False),
    ("E013-date", {KOE: ("due: +8w", "due: +8 viikkoa")},
     [("E013", f"{KOE}:4")], False),
    ("E014-duplicate-key", {JOHDANTO: ("type: single-choice\n", "type: single-choice\ntype: dropdown\n")},
     [("E014", f"{JOHDANTO}:21")], False),
    ("E015-static-name", {"static/kuvat/kuva ä.png": b"\x89PNG\r\n"},
     [("E015", "static/kuvat/kuva ä.png:1")], False),
    ("E016-unknown-run", {"course.yaml": ("pacing: self\n", "pacing: self\ndefault_run: syksy\n")},
     [("E016", "course.yaml:8")], False),
    ("E017-too-deep", {JOHDANTO: ("Vastaa alla olevaan kysymykseen.\n",
                                  "".join("  " * i + "- taso\n" for i in range(25)))},
     [("E017", f"{JOHDANTO}:36"), ("E011", f"{PAGE}:3")], False),  # the page links to the unread unit
    ("E018-unclosed-html", {JOHDANTO: ("Vastaa alla olevaan kysymykseen.\n",
                                       '<div class="huom">\nVastaa alla olevaan kysymykseen.\n')},
     [("E018", f"{JOHDANTO}:17")], False),
    ("E019-footnote", {JOHDANTO: ("Vastaa alla olevaan kysymykseen.", "Vastaa alla olevaan kysymykseen.[^1]")},
     [("E019", f"{JOHDANTO}:17")], False),
    ("E020-unsafe-link", {JOHDANTO: ("Vastaa alla", "[Vastaa](javascript:alert(1)) alla")},
     [("E020", f"{JOHDANTO}:17")], False),
    ("E021-control-character", {JOHDANTO: ("Vastaa alla", "Vastaa\x0balla")},
     [("E021", f"{JOHDANTO}:17"), ("E011", f"{PAGE}:3")], False),
    # -- structure -----------------------------------------------------------------------------
    ("S101-empty-unit", {JOHDANTO: ("## Video\n", "## Tyhjä\n\n## Video\n")},
     [("S101", f"{JOHDANTO}:30")], False),
    ("S101-empty-section", {"03-tyhja/section.yaml": "title: Tyhjä osa\n"},
     [("S101", "03-tyhja/section.yaml:1")], False),
    ("S102-title-missing", {JOHDANTO: ("## Video\n", "## {#video}\n")},
     [("S102", f"{JOHDANTO}:30")], False),
    ("S103-title-length", {KOE: ("title: Loppukoe", "title: " + " ja ".join(["Loppukoe"] * 10))},
     [("S103", f"{KOE}:2")], False),
    ("S104-skipped-level-unit", {JOHDANTO: ("### Kurssin rakenne", "#### Kurssin rakenne")},
     [("S104", f"{JOHDANTO}:9")], False),
    ("S104-page-h1", {PAGE: ("## Kurssin ohjeet", "# Kurssin ohjeet")},
     [("S104", f"{PAGE}:1"), ("S104", f"{PAGE}:5")], False),
    # S106 only once the course has a release record (a new course is not nagged): every unpinned scored problem
    # and graded subsection; the first quiz problem is pinned here, so it is not reported.
    ("S106-unpinned-scored-id", {
        "releases/studio.example.org/TESTI+T101+2024_syksy/20241001T120000Z.json":
            '{"format": "coursekit-release/1", "blocks": []}\n',
        QUIZ: ("  - type: numerical\n", "  - type: numerical\n    id: koe-laskutehtava\n")},
     [("S106", f"{JOHDANTO}:20"), ("S106", f"{KOE}:1"), ("S106", f"{QUIZ}:8"), ("S106", f"{QUIZ}:13")], False),
    ("S105-unused-file", {"01-aloitus/muistiinpanot.md": "Omia muistiinpanoja.\n"},
     [("S105", "01-aloitus/muistiinpanot.md:1")], False),
    # -- grading and dates ---------------------------------------------------------------------
    ("G201-unknown-type", {"course.yaml": ("min_count: 1", "min_count: 0"), KOE: ("graded: Koe", "graded: koe")},
     [("G201", f"{KOE}:3"), ("G202", "course.yaml:19")], False),
    ("G202-min-count", {"course.yaml": ("min_count: 1", "min_count: 2")},
     [("G202", "course.yaml:19")], False),
    ("G203-weights", {"course.yaml": ("weight: 1.0", "weight: 0.8")},
     [("G203", "course.yaml:16")], False),
    ("G204-cutoff", {"course.yaml": ("cutoff: 0.5", "cutoff: 60")},
     [("G204", "course.yaml:17")], False),
    ("G205-graded-without-score", {"course.yaml": append("problem_defaults: {weight: 0}\n")},
     [("G205", f"{KOE}:3")], False),
    ("G206-due-before-start", {KOE: ("due: +8w\n", "due: +8w\nstart: +10w\n")},
     [("G206", f"{KOE}:4")], False),
    ("G206-enrollment-after-end", {"course.yaml": ("enrollment_end: 2024-12-01", "enrollment_end: 2025-01-10")},
     [("G206", "course.yaml:12")], False),
    ("G206-section-after-end", {"02-koe/section.yaml": ("start: +1w", "start: +20w")},
     [("G206", "02-koe/section.yaml:2"), ("G206", f"{KOE}:4")], False),
    ("G207-first-position", {QUIZ: append(single_choice(6, [0]))},
     [("G207", f"{KOE}:3")], False),
    ("G207-first-k", {QUIZ: append(first_two_of_four(6))},
     [("G207", f"{KOE}:3")], False),
    ("G207-option", {"course.yaml": append("lint: {options: {position_bias_min_items: 5}}\n"),
                     QUIZ: append(single_choice(5, [1]))},
     [("G207", f"{KOE}:3")], False),
    ("G208-showanswer-always", {KOE: ("max_attempts: 1\n", "max_attempts: 1\nshowanswer: always\n")},
     [("G208", f"{KOE}:6")], False),
    ("G208-showanswer-attempted", {KOE: ("max_attempts: 1\n", "max_attempts: 3\nshowanswer: attempted\n")},
     [("G208", f"{KOE}:6"), ("G208", f"{QUIZ}:17")], False),
    ("G208-course-default-showanswer", {
        "course.yaml": append("problem_defaults: {showanswer: attempted}\n"), KOE: ("max_attempts: 1\n", "")},
     [("G208", "course.yaml:33"), ("G208", f"{QUIZ}:17")], False),
    ("G208-wrong-choice-feedback", {KOE: ("max_attempts: 1", "max_attempts: 2"), QUIZ: append(
        "  - type: single-choice\n    question: Mikä kaupunki on Suomen pääkaupunki?\n    choices:\n"
        "      - text: Helsinki\n        correct: true\n        feedback: Oikein.\n"
        "      - text: Tampere\n        feedback: Ei. Pääkaupunki on Helsinki.\n")},
     [("G208", f"{QUIZ}:17"), ("G208", f"{QUIZ}:27")], False),
    ("G208-text-hint", {QUIZ: ("    alternatives: [testikurssi]\n",
                               "    alternatives: [testikurssi]\n    hints: [Nimen alkuosa on testi.]\n")},
     [("G208", f"{QUIZ}:11")], False),
    ("G208-text-wrong-answer", {KOE: ("max_attempts: 1", "max_attempts: 2"), QUIZ: (
        "    alternatives: [testikurssi]\n",
        "    alternatives: [testikurssi]\n    wrong_answers:\n      - answer: Kurssi\n"
        "        feedback: Melkein. Oikea nimi on Testikurssi.\n")},
     [("G208", f"{QUIZ}:13"), ("G208", f"{QUIZ}:20")], False),
    # -- problems ------------------------------------------------------------------------------
    ("P301-no-correct", {JOHDANTO: ("    correct: true\n", "")},
     [("P301", f"{JOHDANTO}:20")], False),
    ("P301-checkboxes-none", {QUIZ: ("        correct: true\n", "")},
     [("P301", f"{QUIZ}:12")], False),
    ("P302-duplicate-choice", {QUIZ: ("- text: Peruna", "- text: omena")},
     [("P302", f"{QUIZ}:18")], False),
    ("P303-answer", {QUIZ: ("answer: 6\n", "answer: '6,5'\n")},
     [("P303", f"{QUIZ}:4")], False),
    ("P303-tolerance", {QUIZ: ("tolerance: 5%", "tolerance: viisi")},
     [("P303", f"{QUIZ}:5")], False),
    ("P304-regexp", {QUIZ: ("answer: Testikurssi\n", "answer: Testi(kurssi\n    regexp: true\n")},
     [("P304", f"{QUIZ}:9")], False),
    ("P305-choice-feedback", {QUIZ: ("        feedback: Ei, peruna on juures.\n", "")},
     [("P305", f"{QUIZ}:18")], False),
    # -- links ---------------------------------------------------------------------------------
    ("L401-anchor-wrong-file", {JOHDANTO: ("(../02-koe/01-koe.md)", "(../02-koe/01-koe.md#tervetuloa)")},
     [("L401", f"{JOHDANTO}:39")], False),
    ("L401-html-anchor", {PAGE: append('\nSiirry <a href="#yhteys">yhteystietoihin</a>.\n')},
     [("L401", f"{PAGE}:9")], False),
    ("L402-lms-link", {PAGE: append("\nKatso [edellinen kurssi](https://lms.example.org/courses/"
                                    "course-v1:TESTI+T101+2023_kevat/jump_to_id/tervetuloa).\n")},
     [("L402", f"{PAGE}:9")], False),
    ("L402-studio", {"course.yaml": append("lint: {options: {studio_hosts: [muokkaus.example.org]}}\n"),
                     PAGE: append("\nAvaa [muokkausnäkymä](https://muokkaus.example.org/course/x).\n")},
     [("L402", f"{PAGE}:9")], False),
    ("L403-malformed-url", {PAGE: append("\nKatso [esimerkkisivusto](htps://example.org/ohje).\n")},
     [("L403", f"{PAGE}:9")], False),
    ("L403-no-host", {PAGE: append("\nKatso [esimerkkisivusto](https:///ohje).\n")},
     [("L403", f"{PAGE}:9")], False),
    ("L406-html-static", {PAGE: append('\n<img src="../static/kuvat/kaavio.png" alt="Kaavio">\n')},
     [("L406", f"{PAGE}:9")], False),
    # -- accessibility -------------------------------------------------------------------------
    ("A501-markdown-image", {JOHDANTO: ("![Kaavio kurssin kahdesta osasta]", "![]")},
     [("A501", f"{JOHDANTO}:13")], False),
    ("A501-html-image", {PAGE: append('\n<img src="/static/kuvat_kaavio.png">\n')},
     [("A501", f"{PAGE}:9")], False),
    ("A502-video-transcript", {JOHDANTO: ("  fi: ../static/media", "  en: ../static/media")},
     [("A502", f"{JOHDANTO}:33")], False),
    ("A503-link-text", {JOHDANTO: ("[kurssin ohje]", "[tästä]")},
     [("A503", f"{JOHDANTO}:11")], False),
    ("A503-bare-url", {PAGE: append("\nLisätietoa: <https://example.org/ohje>\n")},
     [("A503", f"{PAGE}:9")], False),
    ("A504-table-header", {PAGE: append("\n<table>\n<tr><td>Osa</td><td>Kesto</td></tr>\n</table>\n")},
     [("A504", f"{PAGE}:9")], False),
    ("A505-long-alt", {JOHDANTO: ("![Kaavio kurssin kahdesta osasta]", f"![{LONG_ALT}]")},
     [("A505", f"{JOHDANTO}:13")], False),
    ("A505-html-long-alt", {PAGE: append(f'\n<img src="/static/kuvat_kaavio.png" alt="{LONG_ALT}">\n')},
     [("A505", f"{PAGE}:9")], False),
    ("A505-option", {"course.yaml": append("lint: {options: {alt_max_length: 20}}\n")},
     [("A505", f"{JOHDANTO}:13")], False),
    # -- media ---------------------------------------------------------------------------------
    ("M601-overlap", {VTT: ("00:00:02.500 --> 00:00:05.000", "00:00:02.000 --> 00:00:05.000")},
     [("M601", f"{VTT}:6")], False),
    # -- writing -------------------------------------------------------------------------------
    ("W702-unmarked-english", {"course.yaml": NO_SPELLING, PAGE: append(
        "\nKomission opas Making Public Procurement work in and for Europe kuvaa keinoja.\n")},
     [("W702", f"{PAGE}:9")], False),
    ("W702-one-function-word", {"course.yaml": NO_SPELLING, PAGE: append(
        "\nKäsite public procurement of innovative solutions on tuttu.\n")},
     [("W702", f"{PAGE}:9")], False),
    # -- built OLX -----------------------------------------------------------------------------
    ("X801-olx-error", {"course.yaml": ("  image: static/kuvat/kurssikuva.png\n", ""),
                        "static/kuvat/kurssikuva.png": None},
     [("X801", "course.yaml:1")], True),
    ("X802-olx-warning", {JOHDANTO: append('\n```{olx}\n<video youtube_id_1_0="" />\n```\n')},
     [("X802", f"{JOHDANTO}:42")], True),
    ("X803-olx-info", {
        "course.yaml": append("advanced_modules: [lti]\nlint: {options: {olx_ignore: [LTIError]}}\n"),
        JOHDANTO: append('\n```{olx}\n<lti display_name="Työkalu" lti_id="tyokalu" launch_url="https://example.org"/>'
                         "\n```\n")},
     [("X803", f"{JOHDANTO}:42")], True),
]

SPELLING_CASE = ("W701-spelling", {JOHDANTO: ("opit kirjoittamaan", "opit kirjoittamann")},
                 [("W701", f"{JOHDANTO}:7")], False)
HAS_VOIKKO = Voikko.open("fi")[0] is not None
needs_voikko = pytest.mark.skipif(not HAS_VOIKKO, reason="Voikko (libvoikko1 + voikko-fi) is not installed")


@pytest.mark.parametrize(("edits", "expected", "olx"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_case(tmp_path: Path, edits: dict[str, Edit], expected: list[tuple[str, str]], olx: bool) -> None:
    root = make_course(tmp_path / "course", edits)
    assert findings(root, olx=olx) == sorted(expected)


@needs_voikko
def test_spelling_case(tmp_path: Path) -> None:
    _id, edits, expected, _olx = SPELLING_CASE
    root = make_course(tmp_path / "course", edits)
    assert findings(root) == expected


def test_base_course_is_clean() -> None:
    result = lint(LintRequest(source=BASE))
    assert [d.format() for d in result.diagnostics] == []
    assert "output" in result.stages


def test_every_rule_and_load_code_has_a_case() -> None:
    covered = {code for c in CASES for code, _where in c[2]} | {"W701", "L404", "L405"}
    covered |= {"M901", "M902", "M903"}  # the Moodle stage: tests/test_moodle_lint.py
    missing = (set(all_rules()) | set(LOAD_CODES)) - covered
    assert not missing, f"no corpus case for {sorted(missing)}"


def test_unknown_key_has_did_you_mean(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {KOE: ("graded: Koe", "grded: Koe")})
    result = lint(LintRequest(source=root, olx=False))
    e005 = [d for d in result.diagnostics if d.code == "E005"]
    assert [(d.loc.file, d.loc.line) for d in e005] == [(KOE, 3)]
    assert "did you mean `graded`?" in e005[0].hint


def test_graded_type_hint_suggests_the_defined_type(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {KOE: ("graded: Koe", "graded: koe")})
    result = lint(LintRequest(source=root, olx=False))
    assert any(d.code == "G201" and "'Koe'" in d.hint for d in result.diagnostics)


def test_transcript_in_language_variant_counts(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {JOHDANTO: ("  fi: ../static/media", "  fi-FI: ../static/media")})
    assert findings(root) == []


def test_raw_html_decorative_image_and_header_table_are_fine(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {PAGE: append(
        '\n<img src="/static/kuvat_kaavio.png" alt="">\n\n<table>\n<tr><th>Osa</th><th>Kesto</th></tr>\n'
        '<tr><td>Johdanto</td><td>tunti</td></tr>\n</table>\n\n'
        '<p id="yhteys">Siirry <a href="#yhteys">alkuun</a>.</p>\n')})
    assert findings(root) == []


def test_numerical_range_and_absolute_tolerance_are_fine(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course",
                       {QUIZ: ("answer: 6\n    tolerance: 5%", "answer: '[5, 7]'\n    tolerance: 0.5")})
    assert findings(root) == []


def test_links_to_other_courses_are_fine(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {PAGE: append(
        "\nKatso myös [jatkokurssi](https://lms.example.org/courses/course-v1:TESTI+T201+2024/about).\n")})
    assert findings(root) == []


@needs_voikko
def test_spelling_skips_code_urls_html_and_link_targets(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {PAGE: append(
        "\nKomento `kirjoittamann` ja osoite https://example.org/kirjoittamann ovat kunnossa.\n\n"
        '<span class="kirjoittamann">Teksti</span> ja [linkki ohjeeseen](https://example.org/kirjoittamann).\n\n'
        "```text\nkirjoittamann\n```\n\nLain 24 §:ssä ja **EMAS**iin sekä HILMAssa ja EU:n ohjeessa.\n")})
    assert findings(root) == []


@needs_voikko
def test_spelling_skips_text_marked_as_another_language(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {PAGE: append(
        "\nStrategia puhuu [Green Public Procurement]{lang=en} -ajattelusta ja "
        '<span lang="sv">upphandlande enhet</span> on ruotsia. Myös [kirjoittamann]{lang=fi}.\n')})
    found = lint(LintRequest(source=root, olx=False)).diagnostics
    assert [(d.code, d.message.split(" (")[0]) for d in found] == [("W701", "unknown word 'kirjoittamann'")]


@needs_voikko
def test_spelling_reports_typos_in_titles_and_problems(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {
        KOE: ("title: Loppukoe", "title: Loppukoee"),
        QUIZ: ("question: Mitkä ovat hedelmiä?", "question: Mitkä ovat hedelmiää?"),
    })
    result = lint(LintRequest(source=root, olx=False))
    assert [(d.code, d.loc.file, d.loc.line, d.loc.col) for d in result.diagnostics] == [
        ("W701", KOE, 2, 8), ("W701", QUIZ, 13, 26)]
    assert "unknown word 'Loppukoee'" in result.diagnostics[0].message


def test_spelling_without_voikko_is_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coursekit.check import spelling

    monkeypatch.setattr(spelling, "_library_names", lambda: ["libvoikko-does-not-exist.so"])
    root = make_course(tmp_path / "course", SPELLING_CASE[1])
    result = lint(LintRequest(source=root, olx=False))
    assert result.diagnostics == []
    assert result.notices == ["W701: spelling not checked: Voikko is not installed "
                              "(Debian/Ubuntu: apt-get install libvoikko1 voikko-fi)"]


def test_dates_are_checked_per_run(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {
        "course.yaml": ("  2024_syksy:\n", "  2025_kevat:\n    start: 2025-01-13\n  2024_syksy:\n"),
        KOE: ("due: +8w", "due: 2024-10-28"),
    })
    result = lint(LintRequest(source=root, olx=False))
    assert [(d.code, d.loc.file, d.loc.line) for d in result.diagnostics] == [("G206", KOE, 4)] * 2
    messages = sorted(d.message for d in result.diagnostics)
    assert messages[0].startswith("due (2024-10-28) is before the run's start (2025-01-13) in run 2025_kevat")
    assert "the section's start (2025-01-20)" in messages[1]


def test_anchor_in_the_right_file_is_fine(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {
        KOE: ("## Kysymykset", "## Kysymykset {#kysymykset}"),
        JOHDANTO: ("(../02-koe/01-koe.md)", "(../02-koe/01-koe.md#kysymykset)"),
    })
    assert findings(root) == []


# -- G207, G208, A505, W702: what must pass ----------------------------------------------------------


@pytest.mark.parametrize("edits", [
    pytest.param({QUIZ: append(single_choice(8, [0, 2, 1, 3, 2, 0, 3, 1]))}, id="spread-positions"),
    pytest.param({QUIZ: append(single_choice(5, [0]))}, id="too-few-items"),
    pytest.param({QUIZ: append(single_choice(8, [0], shuffle=True))}, id="shuffled"),
    pytest.param({QUIZ: append(first_two_of_four(4))}, id="too-few-multiple-choice"),  # 5 with the base one
    pytest.param({KOE: ("graded: Koe\n", ""), QUIZ: append(single_choice(8, [0]) + first_two_of_four(8)),
                  "course.yaml": ("min_count: 1", "min_count: 0")}, id="not-graded"),
    pytest.param({"course.yaml": append("problem_defaults: {weight: 0}\n"), KOE: ("Vastaa kaikkiin", "Lue kaikki"),
                  QUIZ: append(single_choice(8, [0]))}, id="not-scored"),
])
def test_answer_positions_that_pass(tmp_path: Path, edits: dict[str, Edit]) -> None:
    root = make_course(tmp_path / "course", edits)
    assert [f for f in findings(root) if f[0] == "G207"] == []


def test_answer_position_message_gives_the_figures(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {QUIZ: append(single_choice(9, [0, 0, 0, 0, 0, 0, 0, 1, 2]))})
    (found,) = lint(LintRequest(source=root, olx=False)).diagnostics
    assert found.message == ("7 of 9 unshuffled single-choice/dropdown items (78 %) have the right answer first "
                             "(option A); random placement would give about 2.2 (25 %), and 7 or more by chance has "
                             "a probability about 0.54 %")
    assert len(found.related) == 7 and "shuffle: true" in found.hint


def test_six_of_eight_first_is_not_reported() -> None:
    """6 of 8 four-option items first happens by chance in 1.7 % of exams (any of 4 positions): below the bar."""
    from coursekit.check.rules.g207_answer_position import tail

    assert abs(tail([0.25] * 8, 6) - 0.004227) < 1e-6
    assert tail([0.25] * 8, 0) == 1.0 and tail([0.5, 0.5], 2) == 0.25


@pytest.mark.parametrize("edits", [
    pytest.param({KOE: ("max_attempts: 1", "max_attempts: 2\nshow_correctness: past_due")}, id="correctness-past-due"),
    pytest.param({KOE: ("max_attempts: 1", "max_attempts: 2\nshow_correctness: never\nshowanswer: attempted")},
                 id="correctness-never"),
    pytest.param({KOE: ("max_attempts: 1", "max_attempts: 1\nshowanswer: attempted")}, id="one-attempt-attempted"),
    pytest.param({KOE: ("max_attempts: 1", "showanswer: after_all_attempts"),
                  QUIZ: lambda old: old.replace("        feedback: Oikein, omena on hedelmä.\n", "")
                  .replace("        feedback: Ei, peruna on juures.\n", "")}, id="unlimited-no-feedback"),
    pytest.param({QUIZ: ("    alternatives: [testikurssi]\n",
                         "    alternatives: [testikurssi]\n    hints: [Katso kurssin etusivua.]\n")}, id="fair-hint"),
])
def test_feedback_that_passes(tmp_path: Path, edits: dict[str, Edit]) -> None:
    """Correctness withheld, one attempt, showanswer after the attempts, feedback that does not name the key."""
    root = make_course(tmp_path / "course", edits)
    assert [f for f in findings(root) if f[0] == "G208"] == []


def test_wrong_choice_feedback_that_explains_passes(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {KOE: ("max_attempts: 1", "max_attempts: 2"), QUIZ: append(
        "  - type: single-choice\n    question: Mikä kaupunki on Suomen pääkaupunki?\n    choices:\n"
        "      - text: Helsinki\n        correct: true\n        feedback: Oikein, pääkaupunki on Helsinki.\n"
        "      - text: Tampere\n        feedback: Ei. Tampere on Pirkanmaalla.\n")})
    assert findings(root) == [("G208", f"{QUIZ}:17")]  # only the multiple-choice problem of the base course


def test_multiple_choice_feedback_with_attempts_left_is_reported_once(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {KOE: ("max_attempts: 1\n", "")})  # no limit
    (found,) = lint(LintRequest(source=root, olx=False)).diagnostics
    assert found.code == "G208" and "2 of 2 choices have feedback" in found.message
    assert found.message.endswith("with unlimited attempts left")


@pytest.mark.parametrize("text", [
    pytest.param(f"![{LONG_ALT[:150]}](../static/kuvat/kaavio.png)", id="150-characters"),
    pytest.param(f"![{LONG_ALT}](../static/kuvat/kaavio.png)\n\n<details>\n<summary>Kuvan sanallinen kuvaus</summary>"
                 "\n\nKaaviossa on kaksi osaa.\n\n</details>", id="details-after"),
    pytest.param(f'<img src="/static/kuvat_kaavio.png" alt="{LONG_ALT}" aria-describedby="kuvaus">\n\n'
                 '<p id="kuvaus">Kaaviossa on kaksi osaa.</p>', id="aria-describedby"),
    pytest.param(f'<figure>\n<img src="/static/kuvat_kaavio.png" alt="{LONG_ALT}">\n'
                 "<figcaption>Kaaviossa on kaksi osaa.</figcaption>\n</figure>", id="figure-caption"),
])
def test_long_alt_with_a_long_description_passes(tmp_path: Path, text: str) -> None:
    root = make_course(tmp_path / "course", {"course.yaml": NO_SPELLING, PAGE: append("\n" + text + "\n")})
    assert findings(root) == []


def test_long_description_is_emitted(tmp_path: Path) -> None:
    from coursekit.build import build

    body = (f"![{LONG_ALT}](../static/kuvat/kaavio.png)\n\n<details>\n<summary>Kuvan sanallinen kuvaus</summary>"
            "\n\nKaaviossa on **kaksi** osaa.\n\n</details>\n")
    root = make_course(tmp_path / "course", {JOHDANTO: ("![Kaavio kurssin kahdesta osasta](../static/kuvat/kaavio.png)",
                                                        body.rstrip("\n"))})
    result = build(root, tmp_path / "out")
    html = next(p for p in result.output.files if p.startswith("html/") and p.endswith(".html")
                and b"<details>" in result.output.files[p])
    text = result.output.files[html].decode()
    assert "<summary>Kuvan sanallinen kuvaus</summary>\n<p>Kaaviossa on <strong>kaksi</strong> osaa.</p>\n</details>" \
        in text


@pytest.mark.parametrize("line", [
    pytest.param("Komission opas [Making Public Procurement work in and for Europe]{lang=en} kuvaa keinoja.",
                 id="span"),
    pytest.param('Komission opas <span lang="en">Making Public Procurement work in and for Europe</span> kuvaa.',
                 id="html-span"),
    pytest.param("Komission opas `Making Public Procurement work in and for Europe` kuvaa keinoja.", id="code"),
    pytest.param("Lue [Making Public Procurement work in and for Europe](https://example.org/opas).", id="link-text"),
    pytest.param("Green Public Procurement on vihreä julkinen hankinta, ja sen kriteerit ovat core ja "
                 "comprehensive.", id="no-function-words"),
    pytest.param("Hankinnat on tehty in house -yhtiöltä ja se on to sanottu.", id="two-word-runs"),
])
def test_marked_or_short_english_passes(tmp_path: Path, line: str) -> None:
    root = make_course(tmp_path / "course", {"course.yaml": NO_SPELLING, PAGE: append("\n" + line + "\n")})
    assert findings(root) == []


def test_unmarked_english_only_in_a_finnish_course(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course", {
        "course.yaml": lambda old: old.replace("language: fi", "language: sv") + "lint: {severity: {W701: off}}\n",
        PAGE: append("\nKomission opas Making Public Procurement work in and for Europe kuvaa keinoja.\n")})
    assert [f for f in findings(root) if f[0] == "W702"] == []  # (A502: the transcript is now in another language)

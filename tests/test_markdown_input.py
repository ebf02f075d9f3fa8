"""Markdown the parser would swallow or drop: each case is a located error; what is supported reaches the archive.

Bad cases run through `build` and `lint --format json`: exit 1, the exact
file:line and code, a `fix:`, no traceback, valid JSON, nothing written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import Bad, build_fails_at, built_html, edit
from coursekit.cli import main

INTRO = "01-basics/01-intro.md"
PROBLEMS = "01-basics/02-problems.md"
SECOND_UNIT = "## Toinen yksikkö\n"


def deep_list(levels: int) -> str:
    return "".join("  " * i + f"- taso{i}\n" for i in range(levels)) + "\n"


BAD = [
    Bad("list-25-deep", INTRO, SECOND_UNIT, deep_list(25) + SECOND_UNIT, f"{INTRO}:49:", "E017",
        "lists 20 or more levels inside each other"),
    Bad("blockquote-45-deep", INTRO, SECOND_UNIT, ">" * 45 + " sisin teksti\n\n" + SECOND_UNIT, f"{INTRO}:30:",
        "E017", "lists 20 or more levels inside each other"),
    Bad("blockquote-45-deep-in-a-page", "pages/glossary.md", "Katso myös", "> " * 45 + "sisin\n\nKatso myös",
        "pages/glossary.md:8:", "E017", "quotes 40 or more"),
    Bad("unclosed-code-fence", INTRO, '```python\nprint("ordinary code block, shown to learners")\n```\n',
        '```python\nprint("ordinary code block, shown to learners")\n', f"{INTRO}:26:", "E018",
        "fence is never closed"),
    Bad("unclosed-component-fence", PROBLEMS, "weight: 2\n```\n", "weight: 2\n", f"{PROBLEMS}:13:", "E018",
        "block is not closed before the next component starts 28 lines below"),
    Bad("unclosed-last-component-fence", PROBLEMS, "file: quiz.yaml\n```", "file: quiz.yaml\n", f"{PROBLEMS}:107:",
        "E018", "fence is never closed"),
    Bad("unclosed-comment", INTRO, "Lisää tekstiä.", "<!-- luonnos\n\nLisää tekstiä.", f"{INTRO}:34:", "E018",
        "HTML comment `<!--` is never closed"),
    Bad("unclosed-div", INTRO, '<div class="note">Raakaa HTML:ää &amp; entiteettejä &nbsp; kuten tämä.</div>',
        '<div class="note">\nRaakaa **HTML:ää** kuten tämä.', f"{INTRO}:32:", "E018",
        "element <div> opened here is never closed"),
    Bad("unclosed-pre", INTRO, "Lisää tekstiä.", "<pre>\nLisää tekstiä.\n\n## Ei yksikkö", f"{INTRO}:34:", "E018",
        "element <pre> opened here is never closed"),
    Bad("footnote-without-definition", INTRO, "Lisää tekstiä.", "Lisää tekstiä.[^2]", f"{INTRO}:34:", "E019",
        "footnote [^2] has no definition in this text block"),
    Bad("footnote-definition-after-component", PROBLEMS, "Alla on jokainen tehtävätyyppi.",
        "Alla on jokainen tehtävätyyppi.[^t]", f"{PROBLEMS}:11:", "E019", "footnote [^t] has no definition"),
    Bad("footnote-never-referenced", INTRO, "Lisää tekstiä.", "Lisää tekstiä.\n\n[^irti]: Ei viittausta.",
        f"{INTRO}:36:", "E019", "footnote [^irti] is defined but nothing"),
    Bad("javascript-link", INTRO, "[opas](../static/docs/guide.pdf)", "[opas](javascript:alert(1))",
        f"{INTRO}:12:", "E020", "a javascript: link is not allowed"),
    Bad("vbscript-link", INTRO, "[opas](../static/docs/guide.pdf)", "[opas](VBScript:msgbox)",
        f"{INTRO}:12:", "E020", "a vbscript: link is not allowed"),
    Bad("data-image", INTRO, "(../static/images/diagram.svg)", "(data:image/png;base64,iVBORw0KGgo=)",
        f"{INTRO}:10:", "E020", "a data: link is not allowed"),
    Bad("absolute-home-path", INTRO, "(../static/images/diagram.svg)", "(/home/kirjoittaja/kuvat/diagram.svg)",
        f"{INTRO}:10:", "E020", "is a path on this computer"),
    Bad("file-url", INTRO, "[opas](../static/docs/guide.pdf)", "[opas](file:///C:/Users/k/guide.pdf)",
        f"{INTRO}:12:", "E020", "is a path on this computer"),
    Bad("windows-path", INTRO, "(../static/images/diagram.svg)", "(C:\\kuvat\\diagram.svg)", f"{INTRO}:10:",
        "E020", "is a path on this computer"),
    Bad("nul-byte", INTRO, "Lisää tekstiä.", b"Lis\x00\xc3\xa4\xc3\xa4 teksti\xc3\xa4.", f"{INTRO}:34:4", "E021",
        "control character U+0000"),
    Bad("vertical-tab", INTRO, "Tämä on", "Tämä\x0bon", f"{INTRO}:8:5", "E021", "control character U+000B"),
]


@pytest.mark.parametrize("case", BAD, ids=[c.name for c in BAD])
def test_bad_markdown_is_a_located_error(src: Path, tmp_path: Path, case: Bad) -> None:
    build_fails_at(src, tmp_path / "olx_build", lambda: edit(src, case.file, case.old, case.new), case.where,
                   case.code, case.says)


def _build(src: Path, tmp_path: Path) -> str:
    return built_html(src, tmp_path / "olx_build")


def test_a_list_twelve_levels_deep_is_kept_whole(src: Path, tmp_path: Path) -> None:
    edit(src, INTRO, SECOND_UNIT, deep_list(12) + SECOND_UNIT)
    html = _build(src, tmp_path)
    assert all(f"taso{i}" in html for i in range(12))
    assert "Lisää tekstiä." in html and 'display_name="Toinen yksikkö"' in html  # the next unit survives


def test_definition_lists(src: Path, tmp_path: Path) -> None:
    edit(src, INTRO, SECOND_UNIT, "Kynnysarvo\n: Raja, jonka ylittävät hankinnat kilpailutetaan.\n\n"
         "Pienhankinta\n: Kynnysarvon alittava hankinta.\n\n" + SECOND_UNIT)
    html = _build(src, tmp_path)
    assert "<dl>\n<dt>Kynnysarvo</dt>\n<dd>Raja, jonka ylittävät hankinnat kilpailutetaan.</dd>" in html
    assert "<dt>Pienhankinta</dt>\n<dd>Kynnysarvon alittava hankinta.</dd>" in html


def test_math_keeps_mathjax_delimiters(src: Path, tmp_path: Path) -> None:
    edit(src, INTRO, SECOND_UNIT, "Elinkaarikustannus \\(E = H + \\sum_{t=1}^{n} K_t\\), kun \\(n < 10\\).\n\n"
         "\\[\nE = 10\\,000 + 2\\,500\n\\]\n\nJa rivissä \\[x^2\\] näin.\n\n" + SECOND_UNIT)
    edit(src, PROBLEMS, "question: Paljonko on 10 000 + 2 500?", "question: Paljonko on \\(10\\,000 + 2\\,500\\)?")
    html = _build(src, tmp_path)
    assert "\\(E = H + \\sum_{t=1}^{n} K_t\\)" in html and "\\(n &lt; 10\\)" in html
    assert "<p>\\[\nE = 10\\,000 + 2\\,500\n\\]</p>" in html
    assert "Ja rivissä \\[x^2\\] näin." in html
    assert "Paljonko on \\(10\\,000 + 2\\,500\\)?" in html


def test_footnote_defined_after_a_component(src: Path, tmp_path: Path) -> None:
    edit(src, PROBLEMS, "Alla on jokainen tehtävätyyppi.", "Alla on jokainen tehtävätyyppi.[^t]")
    edit(src, PROBLEMS, "weight: 2\n```\n", "weight: 2\n```\n\n[^t]: Tehtävät ovat harjoituksia.\n")
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if " error: " in line]
    assert errors[0].startswith(f"{src}/{PROBLEMS}:11:1: E019 error: footnote [^t] has no definition")
    assert errors[1].startswith(f"{src}/{PROBLEMS}:42:1: E019 error: footnote [^t] is defined but nothing")
    assert "before the next component" in result.output

"""Markdown edge cases: what the parser would swallow is a located error, what it supports reaches the archive.

Complements test_markdown_input.py with the cases found when checking it:
closed fences inside quotes and lists, formulas with text after them, the
`[mathjax]` delimiters, unclosed formulas, Markdown typed inside an HTML
block, exact lines inside multi-line paragraphs, and texts from YAML.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import Bad, build_fails_at, built_html, edit
from coursekit.cli import main

INTRO = "01-basics/01-intro.md"
PROBLEMS = "01-basics/02-problems.md"
GLOSSARY = "pages/glossary.md"
SECOND_UNIT = "## Toinen yksikkö\n"


BAD = [
    # formulas
    Bad("unclosed-inline-math", INTRO, SECOND_UNIT, "Kaava \\(E = H + K ilman loppua.\n\n" + SECOND_UNIT,
        f"{INTRO}:30:7", "E018", "formula started with \\( is never closed with \\)", "end the formula with \\)"),
    Bad("display-math-split-by-a-blank-line", INTRO, SECOND_UNIT, "\\[\nE = H\n\n+ K\n\\]\n\n" + SECOND_UNIT,
        f"{INTRO}:30:1", "E018", "formula started with \\[ is never closed", "cannot hold a blank line"),
    Bad("unclosed-mathjax-tag", INTRO, SECOND_UNIT, "Kaava [mathjax inline]x^2 ilman loppua.\n\n" + SECOND_UNIT,
        f"{INTRO}:30:7", "E018", "[mathjax inline] is never closed with [/mathjax inline]", "[/mathjax inline]"),
    # raw HTML
    Bad("markdown-inside-an-html-block", INTRO, SECOND_UNIT,
        '<div class="huom">\n**Huom!** Tämä näkyisi tähtineen.\n</div>\n\n' + SECOND_UNIT, f"{INTRO}:30:1", "E018",
        "raw HTML block holds Markdown (on the next line)", "leave a blank line after the HTML tag"),
    Bad("markdown-after-an-image-tag", INTRO, SECOND_UNIT,
        '<img src="../static/images/diagram.svg" alt="Kaavio">\n*Kuva 1.* Kaavio.\n\n' + SECOND_UNIT,
        f"{INTRO}:30:1", "E018", "raw HTML block holds Markdown", "leave a blank line"),
    Bad("comment-opened-inside-an-html-block", INTRO, SECOND_UNIT,
        '<div class="huom">\nTeksti.\n</div> <!-- luonnos\n\nPiiloon jäävä kappale.\n\n' + SECOND_UNIT,
        f"{INTRO}:32:8", "E018", "HTML comment `<!--` is never closed", "-->"),
    Bad("span-on-the-second-line-of-a-paragraph", INTRO, SECOND_UNIT,
        "Ensimmäinen rivi\ntoinen rivi <span class=\"x\">auki\nkolmas rivi.\n\n" + SECOND_UNIT, f"{INTRO}:31:13",
        "E018", "element <span> opened here is never closed", "add </span>"),
    # footnotes and fences in other texts and places
    Bad("footnote-on-the-second-line", INTRO, SECOND_UNIT, "Ensimmäinen rivi\ntoinen rivi.[^puuttuu]\n\n"
        + SECOND_UNIT, f"{INTRO}:31:", "E019", "footnote [^puuttuu] has no definition", "[^puuttuu]: ..."),
    Bad("unclosed-fence-in-a-page", GLOSSARY, "Katso myös", "~~~\nkoodia\n\nKatso myös", f"{GLOSSARY}:8:1", "E018",
        "this ~~~ fence is never closed", "add a line with ~~~"),
    Bad("too-deep-in-a-problem-question", PROBLEMS, "question: Paljonko on 10 000 + 2 500?",
        "question: |\n  Paljonko on 10 000 + 2 500?\n\n" + "".join("  " + "  " * i + "- t\n" for i in range(22)),
        f"{PROBLEMS}:98:1", "E017", "nested too deeply", "flatten the list"),
    # link targets
    Bad("javascript-autolink", INTRO, "[opas](../static/docs/guide.pdf)", "<javascript:alert(1)>", f"{INTRO}:12:",
        "E020", "a javascript: link is not allowed", "link to a web address"),
    Bad("javascript-in-a-problem", PROBLEMS, "question: Paljonko on 10 000 + 2 500?",
        "question: Paljonko on [10 000](javascript:void(0)) + 2 500?", f"{PROBLEMS}:76:23", "E020",
        "a javascript: link is not allowed", "link to a web address"),
    Bad("file-url-image", INTRO, "(../static/images/diagram.svg)", "(file:///home/k/diagram.svg)", f"{INTRO}:10:1",
        "E020", "is a path on this computer", "../static/kuva.png"),
    Bad("mac-home-path", INTRO, "(../static/images/diagram.svg)", "(/Users/k/Desktop/diagram.svg)",
        f"{INTRO}:10:1", "E020", "is a path on this computer", "use a path relative to this file"),
    Bad("backslash-path", INTRO, "(../static/images/diagram.svg)", "(..\\static\\images\\diagram.svg)",
        f"{INTRO}:10:1", "E020", "is a path on this computer", "use a path relative to this file"),
    # control characters, also in transcripts and YAML
    Bad("delete-character", INTRO, "Tämä on", "Tämä\x7fon", f"{INTRO}:8:5", "E021", "control character U+007F",
        "delete it"),
    Bad("c1-control-in-a-transcript", "static/media/intro.fi.vtt", "Tervetuloa kurssille", "Tervetuloa\u0085kurssille",
        "static/media/intro.fi.vtt:4:11", "E021", "control character U+0085", "word processor"),
    Bad("form-feed-in-yaml", "01-basics/section.yaml", "title: ", "title: \x0c", "01-basics/section.yaml:1:8",
        "E021", "control character U+000C", "delete it"),
]


@pytest.mark.parametrize("case", BAD, ids=[c.name for c in BAD])
def test_bad_markdown_fails_at_its_line(src: Path, tmp_path: Path, case: Bad) -> None:
    build_fails_at(src, tmp_path / "olx_build", lambda: edit(src, case.file, case.old, case.new),
                   case.where, case.code, case.says, case.fix)


def _build(src: Path, tmp_path: Path) -> str:
    return built_html(src, tmp_path / "olx_build")


def test_closed_fences_inside_quotes_and_lists_are_not_errors(src: Path, tmp_path: Path) -> None:
    edit(src, INTRO, SECOND_UNIT, "> ```\n> lainattu_koodi()\n> ```\n\n1. kohta\n\n    - alakohta\n\n"
         "      ```\n      sisennetty_koodi()\n      ```\n\n" + SECOND_UNIT)
    html = _build(src, tmp_path)
    assert "<code>lainattu_koodi()\n</code>" in html and "<code>sisennetty_koodi()\n</code>" in html


def test_a_list_nineteen_levels_deep_and_many_brackets_are_kept(src: Path, tmp_path: Path) -> None:
    deep = "".join("  " * i + f"- taso{i}\n" for i in range(19))
    edit(src, INTRO, SECOND_UNIT, deep + "\n" + "[" * 60 + "hakasulkeita\n\n" + SECOND_UNIT)
    html = _build(src, tmp_path)
    assert all(f"taso{i}</li>" in html or f"taso{i}\n" in html for i in range(19))
    assert "[" * 60 + "hakasulkeita" in html and 'display_name="Toinen yksikkö"' in html


def test_math_is_kept_exactly(src: Path, tmp_path: Path) -> None:
    edit(src, INTRO, SECOND_UNIT,
         "\\[E = H + K\\] ja teksti kaavan jälkeen säilyy.\n\n"
         "Numeroitu \\[a^2 + b^2 = c^2\\] (1) ja sitaatti:\n\n"
         "> \\[\n> x < y\n> \\]\n\n"
         "MathJaxin omat: [mathjax inline]a_1 * b_2 * c[/mathjax inline] ja\n\n"
         "[mathjax]\n\\sum_{i=1}^{n} x_i & y\n[/mathjax]\n\n"
         "<div class=\"kaava\">\\(a_1 * b_2\\)</div>\n\n"
         "- kohta \\(k_1\\)\n\n  \\[\n  k = 1\n  \\]\n\n" + SECOND_UNIT)
    edit(src, PROBLEMS, "question: Paljonko on 10 000 + 2 500?",
         "question: \"Paljonko on [mathjax inline]10\\\\,000 + 2\\\\,500[/mathjax inline]?\"")
    html = _build(src, tmp_path)
    assert "<p>\\[E = H + K\\] ja teksti kaavan jälkeen säilyy.</p>" in html
    assert "Numeroitu \\[a^2 + b^2 = c^2\\] (1) ja sitaatti:" in html
    assert "<blockquote>\n<p>\\[\nx &lt; y\n\\]</p>\n</blockquote>" in html  # no quote markers in the TeX
    assert "[mathjax inline]a_1 * b_2 * c[/mathjax inline]" in html
    assert "<p>[mathjax]\n\\sum_{i=1}^{n} x_i &amp; y\n[/mathjax]</p>" in html
    assert '<div class="kaava">\\(a_1 * b_2\\)</div>' in html
    assert "kohta \\(k_1\\)" in html and "\\[\nk = 1\n\\]" in html
    assert "Paljonko on [mathjax inline]10\\,000 + 2\\,500[/mathjax inline]?" in html


def test_definition_lists_in_problems_and_pages(src: Path, tmp_path: Path) -> None:
    edit(src, PROBLEMS, "question: Paljonko on 10 000 + 2 500?",
         "question: |\n  Kynnysarvo\n  : Raja, jonka ylittävät hankinnat kilpailutetaan.\n\n"
         "  Paljonko on 10 000 + 2 500?")
    edit(src, GLOSSARY, "Katso myös", "Pienhankinta\n: Kynnysarvon alittava hankinta.\n\nKatso myös")
    html = _build(src, tmp_path)
    assert "<dt>Kynnysarvo</dt>" in html and "<dd>Raja, jonka ylittävät hankinnat kilpailutetaan.</dd>" in html
    assert "<dt>Pienhankinta</dt>\n<dd>Kynnysarvon alittava hankinta.</dd>" in html


def test_markdown_between_html_tags_with_blank_lines_is_fine(src: Path, tmp_path: Path) -> None:
    edit(src, INTRO, SECOND_UNIT, '<div class="huom">\n\n**Huom!** Tämä on Markdownia.\n\n</div>\n\n'
         "<details>\n<summary>Vastaus</summary>\n<pre>\n*ei korostusta* koodissa\n</pre>\n</details>\n\n"
         + SECOND_UNIT)
    html = _build(src, tmp_path)
    assert "<strong>Huom!</strong> Tämä on Markdownia." in html and "*ei korostusta* koodissa" in html


def test_open_edx_absolute_paths_still_work(src: Path, tmp_path: Path) -> None:
    edit(src, INTRO, "[opas](../static/docs/guide.pdf)",
         "[opas](/static/docs/guide.pdf) [tervetuloa](/jump_to_id/welcome)")
    html = _build(src, tmp_path)
    assert 'href="/static/docs_guide.pdf"' in html and 'href="/jump_to_id/welcome"' in html


def test_lms_paths_are_not_machine_paths(src: Path) -> None:
    edit(src, INTRO, "[opas](../static/docs/guide.pdf)", "[kojelauta](/dashboard) [kurssit](/courses)")
    result = CliRunner().invoke(main, ["lint", "--source", str(src), "--no-olx", "--format", "json"])
    assert "E020" not in result.output and "Traceback" not in result.output

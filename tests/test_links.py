"""Links authors write, resolved once by the loader and rewritten by every target.

Each form is checked in the OLX (what Open edX rewrites), the preview site and the
Common Cartridge (for Moodle): a custom page, a unit by id and by heading, a unit in
another file, a static file, and the error (with the forms in its hint) when a link
leads nowhere.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coursekit.cli import main
from fake_openedx.testing import TINY_COURSE, make_course

COURSE_KEY = "course-v1:TEST+T101+r1"

LINKS = """
## Links

[sanasto](../pages/sanasto.md) and [the term](../pages/sanasto.md#reilu-kauppa).
[practice here](#practice) and [the same by heading](#Practice).
[the exam question](../02-exam/01-final.md#question-one) and [by id](#exam_final_question-one).
[the exam](../02-exam/01-final.md) and [the exam section](../02-exam/).
[the instructions](../static/ohje.pdf).
"""

PAGE = """## Sanasto

Reilu kauppa
: a certification.

Back to [the welcome unit](../01-intro/01-welcome.md#hello).
"""


def course(tmp_path: Path, extra: str = LINKS) -> Path:
    files = dict(TINY_COURSE)
    files["01-intro/01-welcome.md"] = files["01-intro/01-welcome.md"] + extra
    files["course.yaml"] = files["course.yaml"] + (
        "pages:\n  - slug: sanasto\n    title: Sanasto\n    file: pages/sanasto.md\n")
    files["pages/sanasto.md"] = PAGE
    src = make_course(tmp_path / "src", files)
    (src / "static").mkdir()
    (src / "static" / "ohje.pdf").write_bytes(b"%PDF-1.4\n%fake\n")
    return src


def hrefs(markup: str, texts: list[str]) -> dict[str, str]:
    doc = lxml_html.fromstring(markup)
    found = {a.text_content(): a.get("href") for a in doc.iter("a")}
    return {t: found[t] for t in texts}


ALL = ["sanasto", "the term", "practice here", "the same by heading", "the exam question", "by id", "the exam",
       "the exam section", "the instructions"]


def olx_files(src: Path, out: Path) -> dict[str, str]:
    res = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out), "--no-cache"])
    assert res.exit_code == 0, res.output
    with tarfile.open(next(out.glob("*.tar.gz"))) as tar:
        return {m.name.split("/", 1)[1]: tar.extractfile(m).read().decode() for m in tar if m.isfile()}


def test_olx_links_to_pages_units_and_files(tmp_path: Path) -> None:
    files = olx_files(course(tmp_path), tmp_path / "out")
    [unit_html] = [text for name, text in files.items() if name.startswith("html/") and "sanasto" in text]
    links = hrefs(unit_html, ALL)
    # a custom page: Open edX rewrites "/course/..." to /courses/<key>/..., the static tab's LMS URL
    assert links["sanasto"] == "/course/sanasto/"
    assert links["the term"] == "/course/sanasto/#reilu-kauppa"
    # units: by id and, in the file's own units, by heading (any case); in another file, by heading or id
    assert links["practice here"] == links["the same by heading"] == "/jump_to_id/intro_welcome_practice"
    assert links["the exam question"] == links["by id"] == "/jump_to_id/exam_final_question-one"
    assert links["the exam"] == "/jump_to_id/exam_final"
    assert links["the exam section"] == "/jump_to_id/exam"
    assert links["the instructions"] == "/static/ohje.pdf"
    assert "static/ohje.pdf" in files
    # and back from the page to a unit
    assert hrefs(files["tabs/sanasto.html"], ["the welcome unit"]) == {
        "the welcome unit": "/jump_to_id/intro_welcome_hello"}
    assert '"url_slug": "sanasto"' in files["policies/r1/policy.json"]


def test_preview_links_to_pages_units_and_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    res = CliRunner().invoke(main, ["preview", "--source", str(course(tmp_path)), "--out", str(out), "--no-cache"])
    assert res.exit_code == 0, res.output
    [unit_page] = [p for p in out.rglob("*.html") if "the same by heading" in p.read_text()
                   and "unit" in p.name]
    links = hrefs(unit_page.read_text(), ALL)
    assert links["sanasto"] == "page-sanasto.html"
    assert links["the term"] == "page-sanasto.html#reilu-kauppa"
    assert (unit_page.parent / "page-sanasto.html").is_file()
    assert links["practice here"] == links["the same by heading"]
    assert links["practice here"].endswith("intro_welcome_practice.html")
    assert links["the exam question"] == links["by id"]
    assert links["the instructions"] == "static/ohje.pdf"
    for target in links.values():
        assert (unit_page.parent / target.partition("#")[0]).is_file(), target


def test_cartridge_links_to_pages_units_and_files(tmp_path: Path) -> None:
    out = tmp_path / "cc"
    res = CliRunner().invoke(main, ["build", "--target", "imscc", "--source", str(course(tmp_path)),
                                    "--out", str(out), "--no-cache"])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(next(out.glob("*.imscc"))) as cc:
        names = set(cc.namelist())
        [unit] = [n for n in names if n.startswith("pages/") and b"the same by heading" in cc.read(n)]
        links = hrefs(cc.read(unit).decode(), ALL)
    assert links["sanasto"] == "page_sanasto.html"  # units and pages are both under pages/
    assert links["the term"] == "page_sanasto.html#reilu-kauppa"
    assert links["practice here"] == links["the same by heading"]
    assert links["the instructions"] == "../static/ohje.pdf"
    base = unit.rsplit("/", 1)[0]
    for target in links.values():
        path = target.partition("#")[0]
        resolved = str(Path(base, path)).replace("pages/../", "")
        assert resolved in names, target


@pytest.mark.parametrize(("link", "says"), [
    ("[glossary](../pages/glossary.md)", "a Markdown file that is not a subsection or a page in course.yaml"),
    ("[notes](../notes.txt)", "not a subsection, a section, a custom page or a file under static/"),
    ("[gone](../pages/gone.md)", "E003 error: linked file 'pages/gone.md' does not exist"),
])
def test_a_link_to_nowhere_names_the_forms_that_work(tmp_path: Path, link: str, says: str) -> None:
    src = course(tmp_path, f"\n## Broken\n\n{link}\n")
    (src / "pages" / "glossary.md").write_text("# Not listed in course.yaml\n")
    (src / "notes.txt").write_text("notes\n")
    res = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1
    assert "01-intro/01-welcome.md:" in res.stderr and says in res.stderr
    for form in ("../02-osa/01-aihe.md", "#id", "../pages/sanasto.md", "pages: in course.yaml",
                 "../static/ohje.pdf"):
        assert form in res.stderr, form
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.tar.gz"))


def test_a_mistyped_anchor_gets_a_did_you_mean(tmp_path: Path) -> None:
    src = course(tmp_path, "\n## Broken\n\n[exam](#exam_final_question-on)\n")
    res = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1
    assert "link to #exam_final_question-on: no section, subsection, unit or component has this id" in res.stderr
    assert "did you mean #exam_final_question-one?" in res.stderr
    assert "#mita-opit for `## Mitä opit`" in res.stderr


def test_heading_links_only_reach_the_units_of_that_file(tmp_path: Path) -> None:
    """`#question-one` is a heading in another file: it is not guessed from there."""
    src = course(tmp_path, "\n## Broken\n\n[exam](#question-one)\n")
    res = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1
    assert "link to #question-one" in res.stderr


def test_links_to_a_page_count_as_using_it(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["lint", "--source", str(course(tmp_path)), "--no-color"])
    assert "S105" not in res.output, res.output
    assert "L401" not in res.output and "E011" not in res.output, res.output

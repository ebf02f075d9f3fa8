"""The preview target, read as files: complete, self-contained, deterministic, written atomically.

What a browser does with the pages is in tests/test_preview_browser.py.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from conftest import FEATURE, KEINO, edit
from coursekit.build import emit_preview, load_checked, write_preview
from coursekit.cli import main
from coursekit.emit.preview import subsection_page, unit_page
from coursekit.model import Discussion, Problem, RawXBlock, Video

COURSES = [pytest.param(KEINO, id="keino"), pytest.param(FEATURE, id="feature")]


@pytest.fixture(scope="module", params=COURSES)
def site(request, tmp_path_factory: pytest.TempPathFactory):
    source = request.param
    course, _ = load_checked(source)
    output = emit_preview(course, None, source)
    dest = tmp_path_factory.mktemp("preview") / "site"
    write_preview(output, dest)
    return course, output, dest


def pages(dest: Path) -> dict[str, lxml_html.HtmlElement]:
    return {p.name: lxml_html.fromstring(p.read_bytes()) for p in sorted(dest.glob("*.html"))}


def test_every_unit_and_subsection_has_its_page(site) -> None:
    course, _output, dest = site
    for _section, sub, unit in course.units():
        assert (dest / unit_page(unit.id)).is_file()
        assert (dest / subsection_page(sub.id)).is_file()
    assert (dest / "index.html").is_file()
    for page in course.pages:
        assert (dest / f"page-{page.slug}.html").is_file()


def test_every_component_is_shown_as_its_kind(site) -> None:
    course, _output, dest = site
    by_name = pages(dest)
    for _section, _sub, unit in course.units():
        doc = by_name[unit_page(unit.id)]
        for comp in unit.components:
            found = doc.get_element_by_id(comp.id, None)
            assert found is not None, f"{comp.id} missing from {unit_page(unit.id)}"
            classes = found.get("class", "").split()
            if isinstance(comp, Problem):
                assert "component-problem" in classes
                form = found.find(".//form")
                assert form.get("data-kind") == comp.kind
                key = json.loads(form.find(".//script[@class='answer-key']").text)
                assert key["kind"] == comp.kind
            elif isinstance(comp, Video):
                assert found.find(".//video") is not None and found.find(".//track") is not None
            elif isinstance(comp, Discussion):
                assert "component-placeholder" in classes
            elif isinstance(comp, RawXBlock):
                assert "component-placeholder" in classes and comp.tag in found.text_content()


def test_links_and_resources_stay_inside_the_folder(site) -> None:
    """Every relative link and resource resolves to a file of the site (and to its anchor);
    nothing but hyperlinks and video sources points off the machine."""
    _course, _output, dest = site
    by_name = pages(dest)
    ids = {name: set(doc.xpath("//@id")) for name, doc in by_name.items()}
    problems = []
    for name, doc in by_name.items():
        for element, attr, url, _pos in doc.iterlinks():
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto"):
                if not (element.tag == "a" or (element.tag == "source" and element.getparent().tag == "video")):
                    problems.append(f"{name}: <{element.tag} {attr}> loads {url} from the network")
                continue
            assert not parts.scheme and not url.startswith("/"), f"{name}: {url} is not relative"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path))) \
                if parts.path else name
            if not (dest / target).is_file():
                problems.append(f"{name}: {url} -> no file {target}")
            elif parts.fragment and target.endswith(".html") and parts.fragment not in ids[target]:
                problems.append(f"{name}: {url} -> no id {parts.fragment!r} in {target}")
    assert problems == []


def test_pages_have_language_landmarks_and_one_h1(site) -> None:
    course, _output, dest = site
    for name, doc in pages(dest).items():
        assert doc.get("lang") == course.language, name
        assert doc.xpath("//a[@class='skip-link']/@href") == ["#main"], name
        assert len(doc.xpath("//main[@id='main']")) == 1, name
        assert doc.xpath("//nav[@aria-label]"), name
        assert len(doc.xpath("//h1")) == 1, name
        current = doc.xpath("//nav[@class='outline']//a[@aria-current='page']/@href")
        assert current in ([name], []), name


def test_language_spans_reach_the_page(tmp_path: Path) -> None:
    course, _ = load_checked(FEATURE)
    output = emit_preview(course, None, FEATURE)
    doc = lxml_html.fromstring(output.files[unit_page("welcome")])
    assert [(s.get("lang"), s.text) for s in doc.xpath("//span[@lang]")] == [("en", "Public procurement basics")]


def test_video_tracks_are_webvtt(site) -> None:
    course, output, _dest = site
    videos = [c for *_, c in course.components() if isinstance(c, Video)]
    tracks = [p for p in output.files if p.startswith("media/") and p.endswith(".vtt")]
    assert len(tracks) == sum(len(v.transcripts) for v in videos)
    for path in tracks:
        text = output.files[path].decode("utf-8")
        assert text.startswith("WEBVTT\n\n") and "-->" in text


def test_same_sources_same_bytes(tmp_path: Path) -> None:
    runner = CliRunner()
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = runner.invoke(main, ["preview", "--source", str(FEATURE), "--out", str(out), "--no-cache"])
        assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    assert "pages in" in result.output and "index.html" in result.output


def test_an_error_changes_nothing_in_the_folder(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "preview"
    runner = CliRunner()
    assert runner.invoke(main, ["preview", "-s", str(src), "-o", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(src, "01-basics/01-intro.md", "title: Johdanto", "title: [Johdanto")
    result = runner.invoke(main, ["preview", "-s", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert "01-basics/01-intro.md:2" in result.output and "nothing was written" in result.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course_src", "preview"]  # no work folder left

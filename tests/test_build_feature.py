"""The feature fixture uses every authoring feature; its OLX is checked on parsed XML."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FEATURE, archive_members, olxcleaner_findings, parse_xml
from coursekit.build import build
from coursekit.cli import main

RUN = "2019_spring"
TOP = f"FEAT-F101-{RUN}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("out")
    return build(FEATURE, out, keep_tree=True)


@pytest.fixture(scope="module")
def tree(built) -> Path:
    return built.tree


def test_olxcleaner_finds_no_errors(tree: Path) -> None:
    assert olxcleaner_findings(tree, RUN) == []


def test_olx_utils_reads_course_id(built) -> None:
    from olxutils.upload import UploadHelper

    helper = UploadHelper("https://studio.example.invalid", str(built.archive), token="x")
    assert helper.course_id_from_archive() == "course-v1:FEAT+F101+2019_spring"
    assert built.course_id == "course-v1:FEAT+F101+2019_spring"


def test_two_builds_are_byte_identical(built, tmp_path: Path) -> None:
    # Copy the sources so that a different path and fresh mtimes cannot leak into the archive.
    copy = tmp_path / "src"
    shutil.copytree(FEATURE, copy)
    second = build(copy, tmp_path / "out2")
    assert second.archive.read_bytes() == built.archive.read_bytes()
    assert second.manifest.read_bytes() == built.manifest.read_bytes()


def test_archive_is_safe_and_normalised(built) -> None:
    members = archive_members(built.archive)
    names = [m.name for m in members]
    assert names == sorted(names)
    for m in members:
        assert m.name == TOP or m.name.startswith(TOP + "/")
        assert not m.name.startswith("/") and ".." not in m.name.split("/")
        assert m.isfile() or m.isdir()
        assert not (m.issym() or m.islnk() or m.isdev())
        assert (m.mtime, m.uid, m.gid, m.uname, m.gname) == (0, 0, 0, "", "")
    header = built.archive.read_bytes()[:10]
    assert header[:2] == b"\x1f\x8b" and header[4:8] == b"\0\0\0\0"  # gzip mtime 0
    assert f"{TOP}/course.xml" in names


def test_manifest_lists_files_and_blocks(built) -> None:
    manifest = json.loads(built.manifest.read_text(encoding="utf-8"))
    assert manifest["course_id"] == built.course_id
    assert manifest["archive_sha256"] == built.sha256
    with tarfile.open(built.archive) as tar:
        files = {m.name[len(TOP) + 1:] for m in tar.getmembers() if m.isfile()}
    assert set(manifest["files"]) == files
    assert manifest["block_ids"]["problem"] == sorted(
        ["single-one", "multi", "drop", "numeric", "textinput", "textregexp", "quiz-q1", "quiz-q2", "exam-q1",
         "exam-q2"])
    problem = next(b for b in manifest["blocks"] if b["id"] == "exam-q1")
    assert problem["graded"] is True and problem["parent"] == "exam_unit"
    assert problem["source"].startswith("02-media/exam.yaml:")


def test_course_skeleton_and_policies(tree: Path) -> None:
    course = parse_xml(tree / "course.xml")
    assert (course.tag, course.get("url_name"), course.get("org"), course.get("course")) == (
        "course", RUN, "FEAT", "F101")
    root = parse_xml(tree / "course" / f"{RUN}.xml")
    assert [c.get("url_name") for c in root] == ["basics", "media"]
    chapter = parse_xml(tree / "chapter" / "basics.xml")
    assert chapter.get("start") == "2019-03-03T22:00:00Z"  # +0d from a Helsinki-time start
    assert [s.get("url_name") for s in chapter] == ["intro", "basics_problems"]
    policy = json.loads((tree / "policies" / RUN / "policy.json").read_text())[f"course/{RUN}"]
    assert policy["start"] == "2019-03-03T22:00:00Z"
    assert policy["end"] == "2019-06-30T15:00:00Z"
    assert policy["self_paced"] is False
    assert policy["language"] == "fi"
    assert set(policy["advanced_modules"]) == {"done", "drag-and-drop-v2", "poll", "survey"}
    assert policy["course_image"] == "images_course.png"
    assert (tree / "static" / "images_course.png").is_file()
    assert policy["cert_html_view_enabled"] is True
    assert policy["certificates"]["certificates"][0]["name"] == "Feature certificate"
    tabs = [(t["type"], t.get("url_slug")) for t in policy["tabs"]]
    assert ("static_tab", "glossary") in tabs and ("static_tab", "sources") in tabs
    grading = json.loads((tree / "policies" / RUN / "grading_policy.json").read_text())
    assert grading["GRADE_CUTOFFS"] == {"Pass": 0.6}
    assert {(g["type"], g["weight"], g["min_count"]) for g in grading["GRADER"]} == {
        ("Homework", 0.4, 1), ("Exam", 0.6, 1)}


def test_graded_sequential(tree: Path) -> None:
    seq = parse_xml(tree / "sequential" / "basics_problems.xml")
    assert seq.get("graded") == "true" and seq.get("format") == "Homework"
    assert seq.get("due") == "2019-03-17T22:00:00Z"  # +2w
    exam = parse_xml(tree / "sequential" / "exam.xml")
    assert exam.get("due") == "2019-05-26T21:00:00Z"  # +12w from 2019-03-04 00:00 Helsinki time
    assert [v.get("url_name") for v in exam] == ["exam_unit"]


def _problem(tree: Path, name: str):
    return parse_xml(tree / "problem" / f"{name}.xml")


def test_single_choice(tree: Path) -> None:
    p = _problem(tree, "single-one")
    assert p.get("max_attempts") == "3" and p.get("weight") == "2" and p.get("showanswer") == "attempted"
    assert p.find("div[@class='problem-context']/table") is not None
    resp = p.find("multiplechoiceresponse")
    assert "".join(resp.find("label").itertext()) == "Mikä on oikein?"
    group = resp.find("choicegroup")
    assert group.get("type") == "MultipleChoice" and group.get("shuffle") == "true"
    choices = group.findall("choice")
    assert [c.get("correct") for c in choices] == ["true", "false"]
    assert choices[0].findtext("choicehint") == "Oikein, koska näin on."
    assert [h.text for h in p.findall("demandhint/hint")] == ["Ensimmäinen vihje.", "Toinen vihje."]
    assert len(resp.findall("solution/div[@class='detailed-solution']/p")) == 2


def test_multiple_choice(tree: Path) -> None:
    group = _problem(tree, "multi").find("choiceresponse/checkboxgroup")
    a = group.findall("choice")[0]
    assert a.get("correct") == "true"
    assert {h.get("selected"): h.text for h in a.findall("choicehint")} == {
        "true": "A on oikein.", "false": "A olisi pitänyt valita."}
    assert group.find("compoundhint").get("value") == "A C"


def test_dropdown(tree: Path) -> None:
    options = _problem(tree, "drop").findall("optionresponse/optioninput/option")
    assert [(o.text, o.get("correct")) for o in options] == [("Yksi", "False"), ("Kaksi", "True")]
    assert options[1].findtext("optionhint") == "Kaksi on oikein."


def test_numerical(tree: Path) -> None:
    p = _problem(tree, "numeric")
    resp = p.find("numericalresponse")
    assert resp.get("answer") == "12500"
    assert resp.find("responseparam").attrib == {"type": "tolerance", "default": "1%"}
    assert resp.find("formulaequationinput") is not None
    assert resp.findtext("correcthint") == "Oikein, 12 500."
    assert p.get("max_attempts") == "5"


def test_text_input(tree: Path) -> None:
    resp = _problem(tree, "textinput").find("stringresponse")
    assert resp.get("answer") == "HILMA" and resp.get("type") == "ci"
    assert [a.get("answer") for a in resp.findall("additional_answer")] == ["hankintailmoitukset.fi"]
    assert resp.find("stringequalhint").get("answer") == "Hansel"
    regexp = _problem(tree, "textregexp").find("stringresponse")
    assert regexp.get("type") == "regexp" and regexp.get("answer") == "201[0-9]"


def test_quiz_file_and_unscored_problem(tree: Path, built) -> None:
    vertical = parse_xml(tree / "vertical" / "basics_problems_tietovisa.xml")
    assert [c.get("url_name") for c in vertical] == ["quiz-q1", "quiz-q2"]
    assert _problem(tree, "quiz-q2").get("weight") == "0"


def test_video_with_transcripts(tree: Path) -> None:
    vertical = parse_xml(tree / "vertical" / "media_video_video.xml")
    assert [(c.tag, c.get("url_name")) for c in vertical] == [("video", "intro-video")]
    video = parse_xml(tree / "video" / "intro-video.xml")
    assert video.get("youtube_id_1_0") == "aBcDeFgHiJk" and video.get("youtube") == "1.00:aBcDeFgHiJk"
    assert json.loads(video.get("html5_sources")) == ["https://example.org/videos/intro.mp4"]
    assert video.get("download_video") == "true" and video.get("download_track") == "true"
    assert video.get("transcript_language") == "fi"
    transcripts = {t.get("language"): t.get("src") for t in video.findall("transcript")}
    assert transcripts == {"en": "intro-video-en.srt", "fi": "intro-video-fi.srt"}
    fi = (tree / "static" / "intro-video-fi.srt").read_text(encoding="utf-8")
    # WebVTT became SubRip: numbered cues, comma decimals, voice tags removed
    assert fi.startswith("1\n00:00:00,000 --> 00:00:02,500\nTervetuloa kurssille.\n")
    assert "2\n00:00:02,500 --> 00:00:05,000\nAloitetaan.\n" in fi


def test_discussion_and_raw_xblocks(tree: Path) -> None:
    vertical = parse_xml(tree / "vertical" / "media_video_keskustelu.xml")
    discussion = vertical.find("discussion")
    assert discussion.attrib["discussion_id"] == "experiences"
    assert discussion.get("discussion_category") == "Media" and discussion.get("discussion_target") == "Kokemukset"
    raw = parse_xml(tree / "vertical" / "media_video_muut-lohkot.xml")
    assert [c.tag for c in raw] == ["drag-and-drop-v2", "poll", "survey", "word_cloud"]
    assert raw[0].get("url_name") == "dnd-sort"
    assert all(c.get("url_name") for c in raw)
    assert json.loads(raw[0].get("data"))["feedback"]["start"] == "Aloita"


def test_html_static_and_jump_links(tree: Path) -> None:
    from lxml import html

    ref = parse_xml(tree / "html" / "welcome_html1.xml")
    assert ref.get("filename") == "welcome_html1" and ref.get("display_name") == "Tervetuloa"
    doc = html.fromstring((tree / "html" / "welcome_html1.html").read_text(encoding="utf-8"))
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert "/static/docs_guide.pdf" in hrefs
    assert "/jump_to_id/problems-unit" in hrefs  # a unit in another subsection
    assert "/jump_to_id/media" in hrefs  # a section folder
    assert "/jump_to_id/welcome" in hrefs  # an anchor to a unit
    assert "https://www.hankinnat.fi/" in hrefs
    img = next(doc.iter("img"))
    assert img.get("src") == "/static/images_diagram.svg" and img.get("alt") == "Kaavio kurssin rakenteesta"
    assert doc.find(".//table/thead/tr/th") is not None
    assert doc.find(".//section[@class='footnotes']") is not None
    assert doc.find(".//pre/code") is not None


def test_about_info_and_tabs(tree: Path) -> None:
    from lxml import html

    assert (tree / "about" / "short_description.html").read_text().strip() == "A short description for the catalogue."
    assert (tree / "about" / "effort.html").read_text().strip() == "3:30"
    overview = html.fromstring((tree / "about" / "overview.html").read_text(encoding="utf-8"))
    assert overview.find(".//a").get("href") == "/jump_to_id/intro"
    items = json.loads((tree / "info" / "updates.items.json").read_text(encoding="utf-8"))
    assert [i["date"] for i in items] == ["March 11, 2019", "March 04, 2019"]
    assert "/jump_to_id/intro" in items[1]["content"]
    handouts = html.fromstring((tree / "info" / "handouts.html").read_text(encoding="utf-8"))
    assert next(a.get("href") for a in handouts.iter("a")) == "/static/docs_guide.pdf"
    glossary = html.fromstring((tree / "tabs" / "glossary.html").read_text(encoding="utf-8"))
    assert glossary.find(".//a").get("href") == "/jump_to_id/problems-unit"


def test_second_run_from_the_same_sources(tmp_path: Path) -> None:
    result = build(FEATURE, tmp_path, run="2019_autumn", keep_tree=True)
    assert result.archive.name == "FEAT-F101-2019_autumn.tar.gz"
    policy = json.loads((result.tree / "policies" / "2019_autumn" / "policy.json").read_text())
    assert policy["course/2019_autumn"]["start"] == "2019-09-02T06:00:00Z"
    seq = parse_xml(result.tree / "sequential" / "basics_problems.xml")
    assert seq.get("due") == "2019-09-16T06:00:00Z"  # +2w from this run's start
    assert olxcleaner_findings(result.tree, "2019_autumn") == []


def test_cli_build_all_runs(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--source", str(FEATURE), "--out", str(tmp_path), "--all-runs"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.tar.gz")) == [
        "FEAT-F101-2019_autumn.tar.gz", "FEAT-F101-2019_spring.tar.gz"]
    assert "Built course-v1:FEAT+F101+2019_spring" in result.output


def test_gzip_stream_is_deterministic(built) -> None:
    with gzip.GzipFile(fileobj=io.BytesIO(built.archive.read_bytes())) as gz:
        gz.read()
        assert gz.mtime == 0

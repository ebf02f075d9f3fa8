"""The Moodle target: an IMS Common Cartridge 1.1 that validates and avoids every trap Moodle 4.5 has."""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import FEATURE, KEINO, ROOT
from coursekit.cli import main
from coursekit.load import load_course
from coursekit.model import Problem

CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
NS = {"cp": CP, "q": QTI}
SCHEMAS = Path(os.environ.get("COURSEKIT_CC_SCHEMAS", ROOT.parent / "shared" / "reference" / "imscc11-schemas"))


def _build(root: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["build", "--target", "imscc", "--source", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return next(out.glob("*.imscc"))


@pytest.fixture(scope="module", params=[KEINO, FEATURE], ids=["keino", "feature"])
def cartridge(request, tmp_path_factory) -> tuple[Path, zipfile.ZipFile]:
    root = request.param
    path = _build(root, tmp_path_factory.mktemp("imscc"))
    with zipfile.ZipFile(path) as archive:
        yield root, archive


def _manifest(archive: zipfile.ZipFile) -> etree._Element:
    return etree.fromstring(archive.read("imsmanifest.xml"))


def test_moodle_recognises_it_as_cc_1_1(cartridge) -> None:
    _root, archive = cartridge
    head = archive.read("imsmanifest.xml")[:1024]
    assert b'xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"' in head
    manifest = _manifest(archive)
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.1.0"
    assert manifest.find("cp:metadata/{http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest}lom", NS) is not None
    assert manifest.find(".//cp:authorizations", NS) is None


def test_every_listed_file_is_in_the_package(cartridge) -> None:
    _root, archive = cartridge
    names = set(archive.namelist())
    listed = {f.get("href") for f in _manifest(archive).iterfind(".//cp:file", NS)}
    assert listed and listed <= names
    for res in _manifest(archive).iterfind(".//cp:resource", NS):
        if res.get("href"):
            assert res.get("href") in names


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"the IMS CC 1.1 schemas are not at {SCHEMAS} "
                    "(set COURSEKIT_CC_SCHEMAS)")
def test_every_xml_file_validates_against_the_cc_1_1_schemas(cartridge) -> None:
    _root, archive = cartridge
    schema = {kind: etree.XMLSchema(etree.parse(str(SCHEMAS / name))) for kind, name in {
        "manifest": "ccv1p1_imscp_v1p2_v1p0.xsd", "qti": "ccv1p1_qtiasiv1p2p1_v1p0.xsd",
        "dt": "ccv1p1_imsdt_v1p1.xsd", "wl": "ccv1p1_imswl_v1p1.xsd"}.items()}
    types = {"imsqti_xmlv1p2/imscc_xmlv1p1/assessment": "qti", "imsdt_xmlv1p1": "dt", "imswl_xmlv1p1": "wl"}
    manifest = _manifest(archive)
    assert schema["manifest"].validate(manifest), schema["manifest"].error_log
    checked = 0
    for res in manifest.iterfind(".//cp:resource", NS):
        kind = types.get(res.get("type"))
        if kind:
            doc = etree.fromstring(archive.read(res.find("cp:file", NS).get("href")))
            assert schema[kind].validate(doc), (res.get("identifier"), schema[kind].error_log)
            checked += 1
    assert checked >= 2


def test_qti_avoids_moodles_traps(cartridge) -> None:
    _root, archive = cartridge
    seen = set()
    for name in archive.namelist():
        if not name.startswith("assessments/"):
            continue
        doc = etree.fromstring(archive.read(name))
        for item in doc.iterfind(".//q:item", NS):
            profile = item.findtext(".//q:qtimetadatafield[q:fieldlabel='cc_profile']/q:fieldentry", namespaces=NS)
            seen.add(profile)
            assert profile != "cc.pattern_match.v0p1"
            if profile == "cc.true_false.v0p1":
                assert {lab.get("ident") for lab in item.iterfind(".//q:response_label", NS)} == {"true", "false"}
            if profile == "cc.multiple_response.v0p1":
                for var in item.iterfind(".//q:varequal", NS):
                    assert var.get("case") == "Yes"
    assert {"cc.multiple_choice.v0p1", "cc.multiple_response.v0p1"} <= seen


def test_sections_come_after_section_0_and_show_their_titles(cartridge) -> None:
    root, archive = cartridge
    course, _ = load_course(root)
    top = _manifest(archive).find("cp:organizations/cp:organization/cp:item", NS)
    items = top.findall("cp:item", NS)
    assert items[0].get("identifier") == "intro"  # becomes section 0
    assert [i.findtext("cp:title", namespaces=NS) for i in items[1:]] == [s.title for s in course.sections]
    for item, section in zip(items[1:], course.sections, strict=True):
        label = item.find("cp:item", NS)
        assert label.get("identifierref") is None and label.findtext("cp:title", namespaces=NS) == section.title


def test_links_between_pages_and_to_files_work_in_the_package(cartridge) -> None:
    _root, archive = cartridge
    names = set(archive.namelist())
    checked = 0
    for name in sorted(names):
        if not name.endswith(".html"):
            continue
        for href in re.findall(r'(?:href|src)="([^"]+)"', archive.read(name).decode("utf-8")):
            if re.match(r"^[a-z]+:|^//|^#", href):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), href.split("#")[0]))
            assert target in names, (name, href)
            checked += 1
    assert checked >= 1


def test_the_quiz_grades_what_open_edx_grades(cartridge) -> None:
    root, archive = cartridge
    course, _ = load_course(root)
    problems = {c.id: c for *_, c in course.components() if isinstance(c, Problem)}
    compared = 0
    for name in archive.namelist():
        if not name.startswith("assessments/"):
            continue
        for item in etree.fromstring(archive.read(name)).iterfind(".//q:item", NS):
            problem = problems[item.get("ident")]
            full = [c for c in item.iterfind(".//q:respcondition", NS)
                    if c.findtext("q:setvar", namespaces=NS) == "100"]
            assert len(full) == 1
            if problem.kind == "text":
                answers = {v.text for v in full[0].iterfind(".//q:varequal", NS)}
                assert answers == {str(problem.answer), *problem.alternatives}
            else:
                wanted = {f"{problem.id}_c{n}" for n, ch in enumerate(problem.choices, start=1) if ch.correct}
                got = {v.text for v in full[0].iterfind(".//q:varequal", NS) if v.getparent().tag != f"{{{QTI}}}not"}
                assert got == wanted
            compared += 1
    assert compared >= 5


def test_the_build_says_which_questions_are_not_in_the_cartridge(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--target", "imscc", "--source", str(KEINO), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "is in the question bank (.moodle.xml)" in result.output
    assert (tmp_path / "KEINO-KIJH01-2019_kesa.moodle.xml").is_file()
    assert "has no Moodle equivalent" in result.output


def test_same_sources_same_bytes_and_all_builds_both(tmp_path: Path) -> None:
    first = _build(FEATURE, tmp_path / "a").read_bytes()
    second = _build(FEATURE, tmp_path / "b").read_bytes()
    assert first == second
    result = CliRunner().invoke(main, ["build", "--target", "all", "--source", str(FEATURE), "--out",
                                       str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "c").glob("*.tar.gz"))) == 1 and len(list((tmp_path / "c").glob("*.imscc"))) == 1
    assert next((tmp_path / "c").glob("*.imscc")).read_bytes() == first


def test_a_quiz_names_the_exercises_the_teacher_adds_from_the_bank(cartridge) -> None:
    root, archive = cartridge
    course, _ = load_course(root)
    checked = 0
    for section in course.sections:
        for sub in section.subsections:
            problems = [c for u in sub.units for c in u.components if isinstance(c, Problem)]
            banked = [p.title for p in problems if p.kind in ("numerical", "dropdown")]
            name = f"assessments/{sub.id}.xml"
            if not banked or name not in archive.namelist():
                continue
            rubric = etree.fromstring(archive.read(name)).findtext("q:assessment/q:rubric/q:material/q:mattext",
                                                                   namespaces=NS)
            assert rubric and all(title in rubric for title in banked)
            checked += 1
    assert checked >= 1


def test_a_forum_opens_with_the_units_question(cartridge) -> None:
    _root, archive = cartridge
    topics = [etree.fromstring(archive.read(n)) for n in archive.namelist() if n.startswith("discussions/")]
    assert topics
    dt = "{http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1}"
    for topic in topics:
        text = topic.findtext(f"{dt}text")
        assert len(text) > len(topic.findtext(f"{dt}title"))
        assert not re.search(r'(?:href|src)="(?!https?:|mailto:)', text)  # no link that works only in the package

"""coursekit diff: two OLX courses compared by meaning (blocks, answers, dates, HTML, static files)."""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import KEINO
from coursekit.build import build
from coursekit.cli import main


@pytest.fixture(scope="module")
def keino_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = build(KEINO, tmp_path_factory.mktemp("keino-diff"), keep_tree=True)
    assert result.tree is not None
    return result.tree


def diff(a: Path, b: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", str(a), str(b)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture
def copy(keino_build: Path, tmp_path: Path) -> Path:
    target = tmp_path / "b"
    shutil.copytree(keino_build, target)
    return target


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_two_builds_of_the_same_sources_are_equivalent(keino_build: Path, tmp_path: Path) -> None:
    again = build(KEINO, tmp_path / "again", keep_tree=False)
    code, out = diff(keino_build, again.archive)  # a folder against an archive
    assert code == 0, out
    assert re.match(r"equivalent: \d+ blocks", out), out


def test_formatting_does_not_count(keino_build: Path, copy: Path) -> None:
    # Attribute order, whitespace, a date written another way, pointer tag vs inline: all the same to Open edX.
    policy = copy / "policies" / "2019_kesa" / "policy.json"
    data = json.loads(policy.read_text())
    data["course/2019_kesa"]["start"] = data["course/2019_kesa"]["start"].replace("Z", "+00:00")
    policy.write_text(json.dumps(data, indent=4))
    html = next((copy / "html").glob("*.html"))
    html.write_text(re.sub(r"\n", "\n\n   ", html.read_text()))
    vertical = copy / "vertical" / "lk-kysymykset.xml"
    text = vertical.read_text()
    pointer = re.search(r'<problem url_name="([^"]+)"/>', text)
    assert pointer
    if pointer:  # inline the problem's definition in the vertical
        definition = (copy / "problem" / f"{pointer.group(1)}.xml").read_text()
        definition = definition.replace("<problem ", f'<problem url_name="{pointer.group(1)}" ', 1)
        vertical.write_text(text.replace(pointer.group(0), definition))
        (copy / "problem" / f"{pointer.group(1)}.xml").unlink()
    code, out = diff(keino_build, copy)
    assert code == 0, out


def test_a_renamed_block_is_reported(keino_build: Path, copy: Path) -> None:
    replace(copy / "chapter" / "taustat.xml", 'display_name="Taustat ja perustelut"', 'display_name="Taustat"')
    code, out = diff(keino_build, copy)
    assert code == 1
    assert "chapter/taustat: display name 'Taustat ja perustelut' became 'Taustat'" in out
    assert "1 difference." in out


def test_a_changed_url_name_is_reported(keino_build: Path, copy: Path) -> None:
    replace(copy / "sequential" / "taustat_johdanto.xml", 'url_name="osa1-tavoitteet"', 'url_name="uusi"')
    (copy / "vertical" / "osa1-tavoitteet.xml").rename(copy / "vertical" / "uusi.xml")
    code, out = diff(keino_build, copy)
    assert code == 1
    assert "vertical/osa1-tavoitteet: url_name changed to 'uusi'" in out


def test_a_changed_answer_and_tolerance_are_reported(keino_build: Path, copy: Path) -> None:
    problem = copy / "problem" / "lk-elinkaarikustannus.xml"
    replace(problem, 'answer="17100"', 'answer="17900"')
    replace(problem, 'type="tolerance" default="1"', 'type="tolerance" default="5%"')
    code, out = diff(keino_build, copy)
    assert code == 1
    assert "problem/lk-elinkaarikustannus: answer changed: now response 1 (numericalresponse) answer='17900'" in out
    assert "tolerance='5%'" in out


def test_a_changed_correct_choice_is_reported(keino_build: Path, copy: Path) -> None:
    problem = next(p for p in sorted((copy / "problem").glob("*.xml")) if "multiplechoiceresponse" in p.read_text())
    text = problem.read_text()
    swapped = text.replace('correct="true"', 'correct="maybe"', 1).replace('correct="false"', 'correct="true"', 1)
    problem.write_text(swapped.replace('correct="maybe"', 'correct="false"', 1))
    code, out = diff(keino_build, copy)
    assert code == 1
    assert f"problem/{problem.stem}: answer changed" in out
    assert "correct=true is no longer so" in out


def test_a_changed_date_is_reported(keino_build: Path, copy: Path) -> None:
    policy = copy / "policies" / "2019_kesa" / "policy.json"
    data = json.loads(policy.read_text())
    old = data["course/2019_kesa"]["start"]
    data["course/2019_kesa"]["start"] = "2019-07-01T00:00:00Z"
    policy.write_text(json.dumps(data))
    replace(copy / "sequential" / "taustat_johdanto.xml", "<sequential ", '<sequential due="2019-08-01T12:00:00Z" ')
    code, out = diff(keino_build, copy)
    assert code == 1
    assert f"course settings: start {old!r} became '2019-07-01T00:00:00Z'" in out
    assert "sequential/taustat_johdanto: due added: '2019-08-01T12:00:00Z'" in out


def test_a_policy_override_counts_like_an_attribute(keino_build: Path, copy: Path) -> None:
    policy = copy / "policies" / "2019_kesa" / "policy.json"
    data = json.loads(policy.read_text())
    data["chapter/taustat"] = {"display_name": "Toinen nimi"}
    policy.write_text(json.dumps(data))
    code, out = diff(keino_build, copy)
    assert code == 1
    assert "chapter/taustat: display name 'Taustat ja perustelut' became 'Toinen nimi'" in out


def test_changed_html_text_and_grading_are_reported(keino_build: Path, copy: Path) -> None:
    html = copy / "html" / "lk-kysymykset_html1.html"
    text = html.read_text()
    words = re.search(r"<p>(\w+)", text)
    assert words
    html.write_text(text.replace(words.group(0), "<p>Muutettu", 1))
    grading = copy / "policies" / "2019_kesa" / "grading_policy.json"
    data = json.loads(grading.read_text())
    data["GRADE_CUTOFFS"]["Pass"] = 0.9
    grading.write_text(json.dumps(data))
    code, out = diff(keino_build, copy)
    assert code == 1
    assert "html/lk-kysymykset_html1: HTML text differs" in out
    assert "grading: grade cutoffs" in out


def test_a_changed_static_file_is_reported(keino_build: Path, copy: Path) -> None:
    image = copy / "static" / "kuvat_kurssikuva.png"
    image.write_bytes(image.read_bytes() + b"\0")
    (copy / "static" / "uusi.txt").write_text("new\n")
    code, out = diff(keino_build, copy)
    assert code == 1
    assert "static/kuvat_kurssikuva.png: file content changed" in out
    assert "static/uusi.txt: file added" in out


def test_bad_input_exits_2_with_a_located_message(keino_build: Path, tmp_path: Path) -> None:
    code, out = diff(tmp_path / "missing.tar.gz", keino_build)
    assert code == 2
    assert "missing.tar.gz: no such file or folder" in out
    (tmp_path / "empty").mkdir()
    code, out = diff(tmp_path / "empty", keino_build)
    assert code == 2 and "no course.xml found" in out
    broken = tmp_path / "broken"
    shutil.copytree(keino_build, broken)
    (broken / "chapter" / "taustat.xml").write_text("<chapter>\n  <sequential url_name='x'>\n")
    code, out = diff(keino_build, broken)
    assert code == 2
    assert "chapter/taustat.xml:3: is not well-formed XML" in out
    assert "Traceback" not in out


def _tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data else None)
    return path


def _file(name: str, data: bytes = b"<course/>") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name: str, target: str) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info, b""


@pytest.mark.parametrize(("member", "message"), [
    (_file("/etc/course.xml"), "/etc/course.xml: archive member has an absolute path"),
    (_file("course/../../evil.xml"), "course/../../evil.xml: archive member path contains '..'"),
    (_link("course/static/passwd", "/etc/passwd"), "course/static/passwd: archive member is a link to '/etc/passwd'"),
    (_link("course/static/up", "../../../x"), "course/static/up: archive member is a link to '../../../x'"),
])
def test_unsafe_archives_are_refused(keino_build: Path, tmp_path: Path, member: tuple, message: str) -> None:
    archive = _tar(tmp_path / "unsafe.tar.gz", [_file("course/course.xml"), member])
    code, out = diff(archive, keino_build)
    assert code == 2
    assert message in out


def test_a_symlink_out_of_a_folder_is_refused(keino_build: Path, copy: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    (copy / "static" / "secret.txt").symlink_to(tmp_path / "secret.txt")
    code, out = diff(keino_build, copy)
    assert code == 2
    assert "secret.txt: is a link to" in out


def test_a_locked_asset_and_a_wiki_slug_are_compared(keino_build: Path, copy: Path) -> None:
    (copy / "policies" / "assets.json").write_text(json.dumps({"kuvat_kurssikuva.png": {"locked": True}}))
    course = copy / "course" / "2019_kesa.xml"
    replace(course, "</course>", '  <wiki slug="KEINO.KIJH01.2019_kesa"/>\n</course>')  # the default slug: no change
    code, out = diff(keino_build, copy)
    assert code == 1
    assert "static/kuvat_kurssikuva.png: locked False became True" in out
    assert "wiki" not in out
    replace(course, 'slug="KEINO.KIJH01.2019_kesa"', 'slug="toinen"')
    code, out = diff(keino_build, copy)
    assert "course: elements that are not blocks differ" in out


def _studio_layout(problem: Path) -> None:
    """Rewrite a coursekit problem the way Studio writes one: its simple-editor source in `markdown`, no
    show_reset_button (the course default), the text above the question inside the response with no wrapper,
    other whitespace."""
    from lxml import etree

    root = etree.fromstring(problem.read_bytes())
    root.set("markdown", ">>The question<<\n\n(x) a choice\n( ) another\n")
    del root.attrib["show_reset_button"]
    response = next(c for c in root if c.tag.endswith("response"))
    context = root.find("div[@class='problem-context']")
    if context is not None:
        for i, child in enumerate(list(context)):
            response.insert(i, child)
        root.remove(context)
    for element in root.iter():
        element.tail = "\n    " + (element.tail or "")
    problem.write_bytes(etree.tostring(root))


def test_studio_layout_and_editor_source_do_not_count_but_a_changed_choice_does(keino_build: Path,
                                                                                 copy: Path) -> None:
    problem = next(p for p in sorted((copy / "problem").glob("*.xml"))
                   if "multiplechoiceresponse" in p.read_text() and "problem-context" in p.read_text())
    _studio_layout(problem)
    assert 'markdown="' in problem.read_text() and "problem-context" not in problem.read_text()
    code, out = diff(keino_build, copy)
    assert code == 0, out

    text = problem.read_text()
    swapped = text.replace('correct="true"', 'correct="maybe"', 1).replace('correct="false"', 'correct="true"', 1)
    problem.write_text(swapped.replace('correct="maybe"', 'correct="false"', 1))
    code, out = diff(keino_build, copy)
    assert code == 1
    assert f"problem/{problem.stem}: answer changed" in out
    assert "correct=true is no longer so" in out
    assert "markdown" not in out


def test_a_changed_question_text_or_description_in_studio_layout_is_reported(keino_build: Path,
                                                                             copy: Path) -> None:
    problem = next(p for p in sorted((copy / "problem").glob("*.xml")) if "multiplechoiceresponse" in p.read_text())
    _studio_layout(problem)
    text = problem.read_text()
    problem.write_text(text.replace("</label>", "</label><description>A hint of the answer</description>", 1))
    code, out = diff(keino_build, copy)
    assert code == 1
    assert f"problem/{problem.stem}: problem differs: " in out and "'<description>'" in out

    problem.write_text(text.replace("<label>", "<label>Not ", 1))
    code, out = diff(keino_build, copy)
    assert code == 1
    assert f"problem/{problem.stem}: problem differs: " in out

    problem.write_text(text.replace("<problem ", '<problem show_reset_button="true" ', 1))
    code, out = diff(keino_build, copy)
    assert code == 1
    assert f"problem/{problem.stem}: show_reset_button 'false' became 'true'" in out

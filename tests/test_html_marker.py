"""The `<!-- html ... -->` marker: pinned ids and titles of HTML components, and HTML kept verbatim."""

from __future__ import annotations

from pathlib import Path

from coursekit.build import build
from coursekit.load import load_course
from coursekit.model import Html


def _first_unit_file(src: Path) -> Path:
    return next(p for p in sorted(src.glob("0*/0*.md")))


def test_marker_pins_id_title_and_attributes(src: Path, tmp_path: Path) -> None:
    path = _first_unit_file(src)
    text = path.read_text()
    head, _, rest = text.partition("\n## ")
    title_line, _, body = rest.partition("\n")
    marker = '<!-- html id="pinned-text" title="Tervetuloa &amp; ohjeet" editor="raw" -->'
    path.write_text(f"{head}\n## {title_line}\n\n{marker}\n\nEnsimmäinen.\n\n<!-- html -->\n\n{body}")
    course, report = load_course(src)
    assert course is not None and not report.has_errors(), [d.format() for d in report.items]
    html = [c for *_, c in course.components() if c.id == "pinned-text"]
    assert len(html) == 1 and isinstance(html[0], Html)
    assert html[0].title == "Tervetuloa & ohjeet"
    assert html[0].attrs == {"editor": "raw"}
    assert html[0].body.text == "Ensimmäinen."
    result = build(src, tmp_path / "out", keep_tree=True)
    assert result.tree is not None
    xml = (result.tree / "html" / "pinned-text.xml").read_text()
    assert 'display_name="Tervetuloa &amp; ohjeet"' in xml and 'editor="raw"' in xml


def test_marker_src_keeps_html_verbatim(src: Path, tmp_path: Path) -> None:
    path = _first_unit_file(src)
    text = path.read_text()
    head, _, rest = text.partition("\n## ")
    title_line, _, body = rest.partition("\n")
    raw = '<div class="box" style="color: red">\n\n<p>Not   Markdown *at all*</p></div>\n'
    (path.parent / "html").mkdir()
    (path.parent / "html" / "box.html").write_text(raw)
    path.write_text(f'{head}\n## {title_line}\n\n<!-- html id="box" title="" src="html/box.html" -->\n\n'
                    f"<!-- html -->\n\n{body}")
    result = build(src, tmp_path / "out", keep_tree=True)
    assert result.tree is not None
    assert (result.tree / "html" / "box.html").read_text() == raw  # byte for byte
    assert "display_name" not in (result.tree / "html" / "box.xml").read_text()  # title="" writes none


def test_marker_errors_are_located(src: Path) -> None:
    path = _first_unit_file(src)
    rel = path.relative_to(src).as_posix()
    text = path.read_text()
    head, _, rest = text.partition("\n## ")
    title_line, _, body = rest.partition("\n")
    path.write_text(f'{head}\n## {title_line}\n\n<!-- html id="x" title=oops -->\n\n'
                    f'<!-- html id="y" src="../../outside.html" -->\n\n<!-- html -->\n\n{body}')
    _course, report = load_course(src)
    messages = [d.format() for d in report.errors]
    wrong = "cannot read 'title=oops' in the html marker"
    assert any(m.startswith(f"{rel}:") and wrong in m for m in messages), messages
    assert any("points outside the course source folder" in m for m in messages), messages

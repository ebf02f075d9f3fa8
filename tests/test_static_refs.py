"""S105 and raw markup: static files referred to only from raw OLX or raw HTML, in Open edX's own forms, count
as used (coursekit.static_refs); a file nothing refers to is still reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO
from coursekit.check.runner import LintRequest, lint
from coursekit.static_refs import asset_name, referenced_assets
from test_lint_rules import JOHDANTO, append, make_course

RAW_VIDEO = """
```{olx}
<video url_name="raakavideo" display_name="Raaka video" sub="abc123" youtube_id_1_0=""
       transcripts="{&quot;en&quot;: &quot;raakavideo-en.srt&quot;, &quot;sv&quot;: &quot;raakavideo-sv.srt&quot;}"
       html5_sources="[&quot;/static/raakavideo.mp4&quot;]"
       handout="/asset-v1:TESTI+T101+2024+type@asset+block@moniste.pdf">
  <source src="/static/raakavideo.mp4"/>
  <transcript language="fi" src="raakavideo-fi.srt"/>
</video>
```
"""

RAW_PROBLEM = """
```{olx}
<problem url_name="raakatehtava" display_name="Raaka tehtävä"
         markdown="&lt;p&gt;&lt;img src=&quot;/c4x/TESTI/T101/asset/vanha.png&quot; alt=&quot;x&quot;/&gt;&lt;/p&gt;">
  <p><img src="/static/kuvat_raaka.png" alt="Raaka kuva"/></p>
  <p><a href="/static/Kurssin%20opas.pdf">opas</a></p>
</problem>
```
"""

RAW_HTML = """
Lue <a href="/static/liite.pdf">liite</a>.

<script src="/static/skripti.js"></script>
"""

VERBATIM = '<!-- html id="verbatim" title="Verbatim" src="verbatim.html" -->\n'


def test_referenced_assets_reads_every_form() -> None:
    olx = RAW_VIDEO.split("```{olx}\n")[1].split("```")[0] + RAW_PROBLEM.split("```{olx}\n")[1].split("```")[0]
    assert referenced_assets(olx) == {
        "subs_abc123.srt.sjson", "raakavideo-en.srt", "raakavideo-sv.srt", "raakavideo-fi.srt", "raakavideo.mp4",
        "moniste.pdf", "vanha.png", "kuvat_raaka.png", "Kurssin_opas.pdf"}


def test_referenced_assets_flattens_folders_and_ignores_other_sites() -> None:
    html = ('<img src="/static/kuvat/a.png"><a href="https://example.org/static/b.pdf">b</a>'
            '<div style="background: url(/static/c.png)"></div><video sub=""></video>')
    assert referenced_assets(html) == {"kuvat_a.png", "c.png"}
    assert asset_name("kuvat/Brain green.png") == "kuvat_Brain_green.png"


def s105(root: Path) -> list[str]:
    result = lint(LintRequest(source=root))
    return sorted(d.loc.file for d in result.diagnostics if d.code == "S105")


def test_files_used_only_from_raw_olx_and_raw_html_count_as_used(tmp_path: Path) -> None:
    used = ["raakavideo-en.srt", "raakavideo-sv.srt", "raakavideo-fi.srt", "subs_abc123.srt.sjson", "raakavideo.mp4",
            "moniste.pdf", "vanha.png", "kuvat/raaka.png", "Kurssin opas.pdf", "liite.pdf", "skripti.js",
            "verbatim.js"]
    edits = {f"static/{name}": b"x" for name in used}
    edits["static/kayttamaton.png"] = b"x"  # nothing refers to it
    edits["static/mainittu.png"] = b"x"  # only named in a code block and on another site: not a use
    edits[JOHDANTO] = append(RAW_VIDEO + RAW_PROBLEM + RAW_HTML + "\n`/static/mainittu.png`\n\n"
                             '<a href="https://example.org/static/mainittu.png">muualla</a>\n\n' + VERBATIM)
    edits["01-aloitus/verbatim.html"] = '<div>\n    <script src="/static/verbatim.js"></script>\n</div>\n'
    root = make_course(tmp_path / "kurssi", edits)
    assert s105(root) == ["static/kayttamaton.png", "static/mainittu.png"]


def test_unused_file_is_still_reported_beside_raw_blocks(tmp_path: Path) -> None:
    """A transcript in a language the raw video does not name is not used."""
    edits = {"static/raakavideo-fi.srt": b"x", "static/raakavideo-de.srt": b"x", JOHDANTO: append(RAW_VIDEO)}
    assert s105(make_course(tmp_path / "kurssi", edits)) == ["static/raakavideo-de.srt"]


@pytest.mark.skipif(not DEMO.is_file(), reason=f"the Open edX demo course archive is not at {DEMO}")
def test_adopted_demo_course_has_no_s105_for_files_its_raw_blocks_use(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "coursekit", "adopt", str(DEMO), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stdout + run.stderr
    unused = s105(out)
    referenced: set[str] = set()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".html") and "static" not in path.relative_to(out).parts:
            referenced |= referenced_assets(path.read_text(encoding="utf-8"))
    wrongly = [rel for rel in unused if rel[len("static/"):] in referenced]
    assert not wrongly, wrongly
    # those left are referred to by no block: only from other static files (scripts, style sheets) or not at all
    assert len(unused) == 48, unused

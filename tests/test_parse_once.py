"""Each Markdown text is parsed once, and the tokens the loader cut out of a file's parse are the ones a parse
of the text alone gives."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from markdown_it.token import Token

from conftest import FEATURE, KEINO
from coursekit import markdown
from coursekit.cli import main
from coursekit.load import load_course
from coursekit.model import Html


def _dump(tokens: list[Token]) -> list[tuple]:
    # the image renderer fills in `alt` from the children each time it renders: not the parser's
    return [(t.type, t.tag, t.nesting, t.map, t.content, t.info, t.markup,
             sorted((k, v) for k, v in t.attrs.items() if not (t.type == "image" and k == "alt")), t.hidden,
             t.level, t.block, _dump(t.children or [])) for t in tokens]


@pytest.mark.parametrize("root", [KEINO, FEATURE], ids=["keino", "feature"])
def test_tokens_cut_from_the_file_parse_equal_a_parse_of_the_text(root: Path) -> None:
    course, _report = load_course(root)
    assert course is not None
    fresh = markdown.parser()
    compared = 0
    for *_, comp in course.components():
        if isinstance(comp, Html) and comp.body.tokens is not None:
            assert _dump(comp.body.tokens) == _dump(fresh.parse(comp.body.text, {})), comp.loc
            compared += 1
    assert compared >= 5


def test_a_file_with_reference_definitions_parses_each_text_alone(src: Path) -> None:
    sub = next(src.glob("0*/*.md"))
    sub.write_text(sub.read_text(encoding="utf-8") + "\nSee [the act][act].\n\n[act]: https://finlex.fi/\n",
                   encoding="utf-8")
    course, _report = load_course(src)
    assert course is not None
    bodies = [c.body for *_, c in course.components() if isinstance(c, Html) and c.loc.file.endswith(sub.name)]
    last = bodies[-1]
    assert '<a href="https://finlex.fi/">the act</a>' in markdown.render_tokens(markdown.tokens_of(last))


def test_build_and_lint_parse_each_text_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`coursekit build --lint` (what `make` runs): every text is parsed by markdown-it exactly once."""
    markdown._CACHE.clear()
    seen: Counter[str] = Counter()
    block_parser = type(markdown.parser().block)
    real = {"parse": MarkdownIt.parse, "parseInline": MarkdownIt.parseInline, "block": block_parser.parse}
    depth = [0]  # parse() calls the block parser itself: count the outermost call only

    def counting(name: str):
        def wrapper(self, src, *args, **kwargs):
            if depth[0] == 0:
                seen[src] += 1
            depth[0] += 1
            try:
                return real[name](self, src, *args, **kwargs)
            finally:
                depth[0] -= 1
        return wrapper

    monkeypatch.setattr(MarkdownIt, "parse", counting("parse"))
    monkeypatch.setattr(MarkdownIt, "parseInline", counting("parseInline"))
    monkeypatch.setattr(block_parser, "parse", counting("block"))
    result = CliRunner().invoke(main, ["build", "--lint", "--source", str(KEINO), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sum(seen.values()) > 300
    twice = {src[:60]: n for src, n in seen.items() if n > 1}
    assert not twice


def test_the_build_leaves_no_cycles_for_the_collector(tmp_path: Path) -> None:
    """The CLI runs with the cyclic garbage collector off; sound only while the pipeline makes next to no
    garbage cycles (olxcleaner's block tree, which lint builds once per run, is the one known exception)."""
    import gc

    CliRunner().invoke(main, ["build", "--source", str(FEATURE), "--out", str(tmp_path / "warm")])
    gc.collect()
    gc.disable()
    try:
        result = CliRunner().invoke(main, ["build", "--source", str(KEINO), "--out", str(tmp_path / "out")])
        assert result.exit_code == 0
        found = gc.collect()
    finally:
        gc.enable()
    assert found < 500, f"{found} objects in reference cycles"  # 164 today: json's encoder closures

"""The build cache: a build from it gives the bytes of a clean build; an edit recomputes only what it touches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FEATURE, KEINO, ROOT
from coursekit import cache
from coursekit.build import build
from coursekit.cli import main

LINT_BASE = ROOT / "tests" / "fixtures" / "lint" / "base"


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _build(src: Path, out: Path, *extra: str) -> dict[str, bytes]:
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return _outputs(out)


def _append(src: Path, rel: str, text: str) -> None:
    path = src / rel
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


@pytest.mark.parametrize("root, unit_file", [(KEINO, "01-taustat/01-johdanto.md"),
                                             (FEATURE, "01-basics/01-intro.md")], ids=["keino", "feature"])
def test_incremental_build_gives_the_bytes_of_a_clean_build(root: Path, unit_file: str, tmp_path: Path) -> None:
    src = tmp_path / "course_src"
    shutil.copytree(root, src)
    first = _build(src, tmp_path / "a")  # fills the cache
    memo_file = cache.default_path(src)
    assert memo_file.is_file()
    assert _build(src, tmp_path / "b") == first  # all from the cache
    _append(src, unit_file, "Tämä virke lisättiin, jotta yksikkö muuttuu.")
    incremental = _build(src, tmp_path / "c")
    clean = _build(src, tmp_path / "d", "--no-cache")
    assert incremental == clean
    assert incremental != first


def test_an_edit_recomputes_only_the_edited_file(tmp_path: Path) -> None:
    src = tmp_path / "course_src"
    shutil.copytree(KEINO, src)
    with cache.opened(src) as memo:
        build(src, tmp_path / "a")
    cold = memo.misses
    _append(src, "01-taustat/01-johdanto.md", "Lisätty virke.")
    with cache.opened(src) as memo:
        build(src, tmp_path / "b")
    assert cold > 300
    # the edited file's outline, its last text (checks, links, HTML) and its front matter key (same
    # text, same place): a handful of entries, not the course
    assert 0 < memo.misses <= 6, memo.misses
    assert memo.hits > cold - 10
    assert memo.forget_unused() == 0  # the edited file's old entries stay a few runs (build and lint alternate)


def test_lint_findings_are_the_same_from_the_cache(tmp_path: Path) -> None:
    runner = CliRunner()
    for root in (LINT_BASE, FEATURE, KEINO):
        args = ["lint", "--source", str(root), "--format", "json"]
        clean = json.loads(runner.invoke(main, [*args, "--no-cache"]).stdout)
        runner.invoke(main, args)  # fill
        cached = json.loads(runner.invoke(main, args).stdout)
        assert cached["findings"] == clean["findings"], root.name


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    _build(FEATURE, tmp_path / "out", "--no-cache")
    assert not cache.default_path(FEATURE).exists()


def test_a_broken_or_foreign_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    src = tmp_path / "course_src"
    shutil.copytree(FEATURE, src)
    clean = _build(src, tmp_path / "a", "--no-cache")
    memo_file = cache.default_path(src)
    memo_file.parent.mkdir(parents=True, exist_ok=True)
    for junk in (b"not a pickle", b"\x80\x05K\x01.", b""):
        memo_file.write_bytes(junk)
        assert _build(src, tmp_path / "b") == clean
        assert cache.Memo(memo_file).entries  # written again, as a real memo


class _Planted:
    def __reduce__(self):
        return (Path.touch, (Path(self.flag),))

    def __init__(self, flag: Path) -> None:
        self.flag = str(flag)


def test_a_cache_file_not_signed_by_this_user_is_never_unpickled(tmp_path: Path) -> None:
    import pickle

    src = tmp_path / "course_src"
    shutil.copytree(FEATURE, src)
    clean = _build(src, tmp_path / "a", "--no-cache")
    flag = tmp_path / "pwned"
    memo_file = cache.default_path(src)
    memo_file.parent.mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps({"salt": cache.salt(), "entries": {b"k": _Planted(flag)}})
    memo_file.write_bytes(b"\0" * cache.SIGNATURE_SIZE + payload)
    assert _build(src, tmp_path / "b") == clean
    assert not flag.exists()


def test_the_default_cache_is_outside_the_course_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSEKIT_CACHE_DIR")
    path = cache.default_path(KEINO)
    assert not path.resolve().is_relative_to(ROOT)
    assert path.is_relative_to(cache.user_cache_dir())
    assert cache.default_path(FEATURE) != path


def test_a_long_lived_memo_serves_repeated_builds_in_one_process(tmp_path: Path) -> None:
    """What the preview server does: one memo across rebuilds; what no rebuild uses any more is dropped."""
    src = tmp_path / "course_src"
    shutil.copytree(FEATURE, src)
    memo = cache.Memo()
    with cache.opened(None, memo):
        build(src, tmp_path / "a")
    memo.forget_unused()
    size = len(memo.entries)
    _append(src, "01-basics/01-intro.md", "One more sentence.")
    misses = memo.misses
    with cache.opened(None, memo):
        build(src, tmp_path / "b")
    assert 0 < memo.misses - misses <= 6
    assert _outputs(tmp_path / "b") == _build(src, tmp_path / "c", "--no-cache")
    grown = len(memo.entries)
    for _ in range(cache.KEEP_RUNS):
        memo.forget_unused()
        with cache.opened(None, memo):
            build(src, tmp_path / "b")
    assert grown > size and len(memo.entries) == size  # the edited file's old entries aged out


def test_build_and_lint_in_turn_keep_each_other_warm(tmp_path: Path) -> None:
    """Lint uses steps build does not (spelling): a build in between must not drop them."""
    from coursekit.check.runner import LintRequest, lint

    misses = []
    for step in ("lint", "build", "lint", "build", "lint"):
        with cache.opened(KEINO) as memo:
            if step == "lint":
                lint(LintRequest(source=KEINO))
            else:
                build(KEINO, tmp_path / "out")
        misses.append(memo.misses)
    assert misses[0] > 1000  # lint filled it (its OLX check emits the same HTML the build needs)
    assert misses[1:] == [0, 0, 0, 0]

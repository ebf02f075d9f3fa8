"""Smoke test of tools/bench: the generator, the statistics and the summary table on a 20-component course."""

from __future__ import annotations

import math
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "tools" / "bench"
sys.path.insert(0, str(BENCH))

import bench_build  # noqa: E402
import measure  # noqa: E402
import run as bench_run  # noqa: E402
from cli_probe import probe  # noqa: E402


def _job(name: str, walls: list[float]) -> measure.Job:
    samples = [measure.Sample(w, w / 2, 10.0, 0) for w in walls]
    return measure.Job(name, lambda _i: samples[0], samples=samples)


def test_generate_writes_the_asked_number_of_components(tmp_path: Path) -> None:
    sizes = bench_build.generate(tmp_path / "src", 20)
    assert sizes == {"sections": 1, "units": 10, "components": 20}
    assert (tmp_path / "src" / "course.yaml").is_file()
    assert len(list((tmp_path / "src").glob("01-*/*.md"))) == 2


def test_ratios_are_pair_by_pair_and_the_exponent_fits() -> None:
    a, b = _job("a", [2.0, 9.0, 4.0]), _job("b", [1.0, 3.0, 4.0])
    r = measure.ratio(a, b)
    assert (r.median, r.lo, r.hi) == (2.0, 1.0, 3.0)
    assert math.isclose(measure.growth_exponent([1000, 5000, 20000], [1.0, 5.0, 20.0]), 1.0)
    assert "x (1.00–3.00)" in measure.ratio_line("a / b", a, b)
    two = measure.summed("a + b", [a, b])
    assert [s.wall for s in two.samples] == [3.0, 12.0, 8.0]


def test_command_runs_under_the_timer() -> None:
    sample = measure.run([sys.executable, "-c", "pass"])
    assert sample.returncode == 0 and sample.wall > 0
    assert sample.peak_mib is None or 1 < sample.peak_mib < 200


def test_scale_section_and_summary_on_a_tiny_course(tmp_path: Path) -> None:
    figures = bench_build.scale(tmp_path, [(20, 1), (40, 1)], probe())
    assert [s["components"] for s in figures["sizes"]] == [20, 40]
    table = bench_run.format_table(bench_run.summary_rows({"build": figures}))
    assert table.splitlines()[0].split() == ["figure", "value", "goal"]
    assert "20 build, components/s (cold)" in table and "growth exponent 20..40 (cold)" in table


def test_serve_section_and_summary_on_the_feature_course(tmp_path: Path) -> None:
    import bench_serve

    from conftest import FEATURE

    figures = bench_serve.serve_reload(tmp_path, 1, probe(), FEATURE)
    assert figures["page"] == "unit-intro_toinen-yksikko.html"  # the last unit of 01-intro.md
    assert 0 < figures["served"]["wall_s"]["median"] < bench_serve.TIMEOUT
    table = bench_run.format_table(bench_run.summary_rows({"serve": figures}))
    assert "save -> new build served (serve)" in table and "save -> page reloaded (serve, Chromium)" in table

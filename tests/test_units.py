"""Small pieces: slugs, dates, transcripts, YAML line tracking."""

from __future__ import annotations

import datetime as dt

import pytest

from coursekit import dates, ids, media
from coursekit.diagnostics import FatalSourceError, Loc, Report
from coursekit.load.yamlsrc import load_yaml


def test_slugify_finnish() -> None:
    assert ids.slugify("Mitä opit tässä osassa?") == "mita-opit-tassa-osassa"
    assert ids.slugify("Åland & Öljy") == "aland-oljy"
    assert len(ids.slugify("sana " * 40)) <= ids.MAX_SLUG


def test_strip_order() -> None:
    assert ids.strip_order("01-taustat") == (1, "taustat")
    assert ids.strip_order("README") == (None, "README")


def test_relative_date_keeps_wall_clock_across_dst() -> None:
    tz = dates.zone("Europe/Helsinki")
    report = Report()
    start = dates.parse(dt.date(2019, 3, 4), Loc("x"), tz, report, allow_relative=False)
    due = dates.parse("+12w", Loc("x"), tz, report, allow_relative=True)
    assert not report.items
    assert dates.iso(due.resolve(start.absolute)) == "2019-05-26T21:00:00Z"  # 00:00 EEST


def test_bad_date_is_reported() -> None:
    report = Report()
    assert dates.parse("next monday", Loc("f.md", 3), dt.UTC, report, allow_relative=True) is None
    assert report.items[0].code == "E013" and report.items[0].loc.line == 3


def test_vtt_and_srt() -> None:
    cues = media.parse("WEBVTT\n\nNOTE hello\n\n00:01.000 --> 00:02.500\n<v A>Hei</v>\n", "vtt")
    assert [(c.start_ms, c.end_ms) for c in cues] == [(1000, 2500)]
    assert media.to_srt([(c.start_ms, c.end_ms, c.text) for c in cues]) == "1\n00:00:01,000 --> 00:00:02,500\nHei\n"
    with pytest.raises(media.TranscriptError) as err:
        media.parse("1\n00:00:01,000 -> 00:00:02,000\nx\n", "srt")
    assert err.value.line == 1


def test_yaml_lines_and_duplicate_keys() -> None:
    data = load_yaml("a: 1\nb:\n  - x\n  - y\n", "f.yaml", line_offset=10)
    assert data.loc_of("b").line == 12 and data["b"].loc_of(1).line == 14
    with pytest.raises(FatalSourceError) as err:
        load_yaml("a: 1\na: 2\n", "f.yaml")
    assert err.value.diagnostic.code == "E014" and err.value.diagnostic.loc.line == 2

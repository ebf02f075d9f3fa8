"""Dates in the sources: absolute (read in the course time zone) or relative to a run's start."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coursekit.diagnostics import Loc, Report
from coursekit.load import codes
from coursekit.model import DateSpec

RELATIVE_RE = re.compile(r"^\+\s*(\d+)\s*([dwh])$")
DATE_LIKE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?$")
_UNITS = {"d": "days", "w": "weeks", "h": "hours"}


def zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def parse(value: object, loc: Loc, tz: dt.tzinfo, report: Report, allow_relative: bool) -> DateSpec | None:
    text = str(value)
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=tz)
        return DateSpec(loc, absolute=moment.astimezone(dt.UTC), text=text)
    if isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day, tzinfo=tz)
        return DateSpec(loc, absolute=moment.astimezone(dt.UTC), text=text)
    if isinstance(value, str):
        stripped = value.strip()
        match = RELATIVE_RE.match(stripped)
        if match:
            if not allow_relative:
                report.add(codes.DATE, f"relative date {stripped!r} is not allowed here", loc,
                           "write an absolute date such as 2019-06-03")
                return None
            offset = dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
            return DateSpec(loc, offset=offset, text=stripped, tz=tz)
        try:
            moment = dt.datetime.fromisoformat(stripped)
        except ValueError as exc:
            if DATE_LIKE_RE.match(stripped):
                report.add(codes.DATE, f"{stripped!r} is not a real date or time ({exc})", loc,
                           "check the day, the month (1-12) and the time (00:00-23:59)")
                return None
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=tz)
            return DateSpec(loc, absolute=moment.astimezone(dt.UTC), text=stripped)
    forms = "2019-06-03, 2019-06-03T09:00" + (", +10d or +2w" if allow_relative else "")
    report.add(codes.DATE, f"{text!r} is not a date", loc, f"write it as {forms}")
    return None


def from_olx(text: str) -> dt.datetime | None:
    """A timestamp as OLX, policy.json and the import API write it ("2019-06-03T00:00:00Z", an offset, or
    none: UTC) as an aware UTC datetime; None if it is not one."""
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """Open edX's policy format: UTC with a ``Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

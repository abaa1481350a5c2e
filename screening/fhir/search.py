"""FHIR values as text: instants out, search parameter values in (pure; no Django, no HTTP).

- `instant(dt)`: an aware datetime as a FHIR instant (UTC, milliseconds, `Z`);
- `parse_token("system|code")`, `parse_reference("Patient/12")`, `parse_date("ge2024-05-01")`:
  one search value each, raising `SearchValueError` with a sentence when it cannot be read.

Dates follow FHIR search semantics: a value stands for the range its precision covers
(`2024-05` is all of May), and the prefix compares that range with the stored instant.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

UTC = dt.UTC

DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")
_DATE = re.compile(
    r"^(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(T(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(\.(?P<fraction>\d{1,9}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)
_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


class SearchValueError(ValueError):
    """A search parameter value that cannot be read; the message says what is expected."""


def instant(value: dt.datetime) -> str:
    """`2024-05-01T10:00:00.123Z`: FHIR instant / dateTime of an aware datetime, in UTC."""
    if value.tzinfo is None:
        raise ValueError("a FHIR instant needs an aware datetime")
    text = value.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def date(value: dt.date) -> str:
    return value.isoformat()


@dataclass(frozen=True, slots=True)
class Token:
    """`system|code` (`system` "" means "no system", None means "any system"; code None: any)."""

    system: str | None
    code: str | None


def parse_token(text: str) -> Token:
    if "|" not in text:
        if not text:
            raise SearchValueError("an empty token: use code, system|code or |code")
        return Token(None, text)
    system, _, code = text.partition("|")
    if not code and not system:
        raise SearchValueError("an empty token: use code, system|code or |code")
    return Token(system, code or None)


def parse_reference(text: str, resource_type: str) -> str | None:
    """The id a reference search value names: `Patient/12`, `12`, or `<base>/Patient/12`.

    None when it names another resource type or is not an id at all (it can match nothing).
    """
    if "/" not in text:
        return text if _ID.match(text) else None
    head, _, tail = text.rstrip("/").rpartition("/")
    if head.rsplit("/", 1)[-1] != resource_type:
        return None
    return tail if _ID.match(tail) else None


@dataclass(frozen=True, slots=True)
class DateRange:
    """A date search value: `prefix` and the half-open range [start, end) its precision covers."""

    prefix: str
    start: dt.datetime
    end: dt.datetime


def parse_date(text: str) -> DateRange:
    prefix = "eq"
    if text[:2] in DATE_PREFIXES and not text[:2].isdigit():
        prefix, text = text[:2], text[2:]
    elif text[:2].isalpha():
        raise SearchValueError(
            f"the date prefix {text[:2]!r} is not supported (use one of {', '.join(DATE_PREFIXES)})"
        )
    match = _DATE.match(text)
    if match is None:
        raise SearchValueError(
            f"{text!r} is not a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD or "
            "YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm])"
        )
    parts = match.groupdict()
    try:
        start, end = _range(parts)
        # The database works in UTC: an instant that has no UTC form (past year 9999) is refused.
        start.astimezone(UTC), end.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise SearchValueError(f"{text!r} is not a valid date: {exc}") from exc
    return DateRange(prefix, start, end)


def _range(parts: dict[str, str | None]) -> tuple[dt.datetime, dt.datetime]:
    year = int(parts["year"] or 0)
    tz = _zone(parts["tz"])
    if parts["month"] is None:
        return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)
    month = int(parts["month"])
    if parts["day"] is None:
        start = dt.datetime(year, month, 1, tzinfo=tz)
        following = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        return start, following
    day = int(parts["day"])
    if parts["hour"] is None:
        start = dt.datetime(year, month, day, tzinfo=tz)
        return start, start + dt.timedelta(days=1)
    if parts["tz"] is None:
        raise ValueError("a time needs a time zone (Z or +hh:mm)")
    hour, minute = int(parts["hour"]), int(parts["minute"] or 0)
    if parts["second"] is None:
        start = dt.datetime(year, month, day, hour, minute, tzinfo=tz)
        return start, start + dt.timedelta(minutes=1)
    fraction = parts["fraction"] or ""
    micro = int((fraction + "000000")[:6]) if fraction else 0
    start = dt.datetime(year, month, day, hour, minute, int(parts["second"]), micro, tzinfo=tz)
    step = dt.timedelta(microseconds=10 ** max(0, 6 - len(fraction))) if fraction else None
    return start, start + (step or dt.timedelta(seconds=1))


def _zone(text: str | None) -> dt.tzinfo:
    if text is None or text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 14 or minutes > 59:
        raise ValueError(f"time zone {text} is out of range")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))

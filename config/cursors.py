"""The one cursor parser, for REST pages (config/pagination.py) and FHIR searches.

A cursor is the ordering values of a page's last row, as URL-safe base64 of a JSON list. It comes
back from the caller, so it is input like any other: each value must have the kind of its
ordering column (a 64-bit integer, or an ISO 8601 date-time with an offset), or the cursor is not
one this server gave. JSON reads `Infinity`, `NaN`, `null` and 400-digit numbers; none of them
may reach a query (a float infinity overflows the integer column, a null cannot be compared): a
500, where the interface documents a 404 (REST) or a 400 (FHIR).
"""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils.dateparse import parse_datetime

INTEGER = "integer"
DATETIME = "datetime"
TEXT = "text"
# Far longer than any cursor we give (a few ordering values), short enough that decoding it is
# cheap whatever it holds.
MAX_CURSOR_LENGTH = 512
MAX_TEXT_LENGTH = 200
_INT_BOUND = 2**63


class CursorError(ValueError):
    """Not a cursor this server gave."""


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [value.isoformat() if hasattr(value, "isoformat") else value for value in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(raw: str, kinds: Sequence[str]) -> list[Any]:
    """The values of cursor `raw`, one per kind in `kinds`, parsed (datetimes in UTC).

    Raises CursorError for anything else."""
    if not isinstance(raw, str) or len(raw) > MAX_CURSOR_LENGTH:
        raise CursorError("too long")
    try:
        padded = raw + "=" * (-len(raw) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (binascii.Error, ValueError, UnicodeError, RecursionError) as exc:
        raise CursorError("not base64 JSON") from exc
    if not isinstance(values, list) or len(values) != len(kinds):
        raise CursorError("not a list of the ordering's length")
    return [_value(value, kind) for value, kind in zip(values, kinds, strict=True)]


def _value(value: Any, kind: str) -> Any:
    if kind == INTEGER:
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and -_INT_BOUND < value < _INT_BOUND
        ):
            return value
        raise CursorError("not a 64-bit integer")
    if kind == DATETIME:
        if not isinstance(value, str) or len(value) > 40:
            raise CursorError("not a date-time")
        try:
            parsed = parse_datetime(value)
        except ValueError as exc:  # well-formed but impossible, like month 13
            raise CursorError("not a date-time") from exc
        if parsed is None or parsed.tzinfo is None:
            raise CursorError("not a date-time with an offset")
        try:
            # In UTC: PostgreSQL refuses offsets Python accepts (past ±15:59).
            return parsed.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise CursorError("out of range") from exc
    if isinstance(value, str) and len(value) <= MAX_TEXT_LENGTH and "\x00" not in value:
        return value
    raise CursorError("not a short text")


def field_kind(field: models.Field) -> str:
    """The cursor kind of an ordering column."""
    if isinstance(field, models.DateTimeField):
        return DATETIME
    if isinstance(field, models.IntegerField | models.AutoField):
        return INTEGER
    return TEXT

"""The one id parser: every id a caller sends (a URL path, a query parameter, a FHIR id or
`_count`, an id inside a Bundle entry's URL or a reference) is read here.

An id is 1 to 19 ASCII digits naming a positive 64-bit integer. `str.isdigit()` is not this test:
it accepts superscripts ("²", which `int()` then refuses: a 500) and other scripts' digits (an
Arabic-Indic one, which `int()` reads as 1: another spelling of screening 1). Anything else is
not one of our ids, so it can match nothing: a path answers 404, a query parameter 400. The
length bound keeps `int()` and the database from ever seeing a 5,000-digit number.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.urls import register_converter
from rest_framework import serializers

# Primary keys are 64-bit; a larger number can match nothing, so it is refused as input.
MAX_ID = 2**63 - 1
ID_PATTERN = "[0-9]{1,19}"  # re's [0-9] is exactly the ASCII digits (\d is not, for str)
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
ID_MESSAGE = f"A positive integer id: ASCII digits, at most {MAX_ID}."
# FHIR's id type (R4 datatypes: [A-Za-z0-9\-\.]{1,64}), for every id a FHIR request names.
FHIR_ID_PATTERN = r"[A-Za-z0-9\-.]{1,64}"

_ID = re.compile(ID_PATTERN)
_FHIR_ID = re.compile(FHIR_ID_PATTERN)


def parse_id(raw: Any) -> int | None:
    """The id `raw` spells, or None when it cannot be one of ours (never raises)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 < raw <= MAX_ID else None
    if not isinstance(raw, str) or not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def parse_ids(values: Iterable[Any]) -> list[int]:
    """Our ids among `values` (FHIR `_id` alternatives, references); the rest match no row."""
    return [pk for pk in map(parse_id, values) if pk is not None]


def is_fhir_id(raw: Any) -> bool:
    return isinstance(raw, str) and _FHIR_ID.fullmatch(raw) is not None


def query_id(params: Mapping[str, Any], name: str) -> int | None:
    """The id in query parameter `name`; None when absent or empty; a 400 naming it when it is
    not an id. The one helper for `?client=`, `?endpoint=` and the like."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    value = parse_id(raw)
    if value is None:
        raise serializers.ValidationError({name: [ID_MESSAGE]})
    return value


class IdConverter:
    """`<id:pk>` in a URL: only what `parse_id` accepts reaches the view (as an int); anything
    else does not match the route, so it answers the 404 of an unknown URL."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)
        return parsed

    def to_url(self, value: Any) -> str:
        parsed = parse_id(value if isinstance(value, int) else str(value))
        if parsed is None:
            raise ValueError(value)
        return str(parsed)


ID_CONVERTER = "id"
register_converter(IdConverter, ID_CONVERTER)


class IdField(forms.Field):
    """A form (and django-filter) field for an id: `parse_id`, not `forms.IntegerField`, which
    also takes "5.0", "5_000", " 5 " and other scripts' digits."""

    default_error_messages = {"invalid": ID_MESSAGE}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        parsed = parse_id(value)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed

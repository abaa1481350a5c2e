"""FHIR search requests: parameters in, a page of rows and a searchset Bundle out.

Parameters are checked against what each resource declares (the CapabilityStatement lists the
same): an unknown parameter or a modifier is a 400, never silently ignored, since a mistyped
`patinet=` would otherwise widen a search to every patient. A value with commas is a list of
alternatives (OR); a parameter given twice must match both (AND). Pages hold `_count` rows
(default 50, at most 200) and link to the next by an opaque `_cursor`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db.models import Q, QuerySet

from config.cursors import INTEGER, CursorError, decode_cursor, encode_cursor
from config.hostile_input import has_control
from config.ids import parse_id
from screening.fhir.bundle import searchset
from screening.fhir.search import (
    DateRange,
    SearchValueError,
    Token,
    parse_date,
    parse_reference,
    parse_token,
)

from .http import fail

DEFAULT_COUNT = 50
MAX_COUNT = 200
# Every value of a search (each alternative of each parameter) becomes a condition of one query;
# 1,000 identifiers made SQLite's expression tree overflow (a 500) after 4 s of work, and a
# Bundle may hold MAX_ENTRIES searches. No real search needs more than a few values, so more than
# this is refused up front (400 too-costly): a full Bundle of the largest searches then takes
# under 2 s of CPU (SQLite, in the test suite).
MAX_SEARCH_VALUES = 20
CONTROL = ("_count", "_cursor", "_format")
_COMMA = re.compile(r"(?<!\\),")


@dataclass(frozen=True, slots=True)
class SearchParam:
    name: str
    type: str  # FHIR SearchParamType: token, reference, date, string, uri
    documentation: str


class Query:
    """The search parameters of one request, checked against `declared`, and bounded: its work is
    linear in its size, and its size is at most MAX_SEARCH_VALUES values."""

    def __init__(
        self, resource_type: str, declared: Sequence[SearchParam], pairs: list[tuple[str, str]]
    ) -> None:
        self.resource_type = resource_type
        self.pairs = pairs
        known = {p.name for p in declared}
        for name, value in pairs:
            # Bundle entry URLs are decoded here, not by the middleware that guards the URL.
            if has_control(name) or has_control(value):
                raise fail(400, "invalid", "control characters are not allowed in a search")
            if ":" in name:
                raise fail(400, "not-supported", f"search modifiers are not supported ({name})")
            if name not in known and name not in CONTROL:
                listed = ", ".join(sorted(known)) or "none"
                raise fail(
                    400,
                    "not-supported",
                    f"unknown search parameter {name!r} for {resource_type} (supported: {listed})",
                )
        values = sum(len(_COMMA.findall(v)) + 1 for k, v in pairs if k not in CONTROL)
        if values > MAX_SEARCH_VALUES:
            raise fail(
                400,
                "too-costly",
                f"a search takes at most {MAX_SEARCH_VALUES} values in all (this one has "
                f"{values}): split it",
            )
        self.count = self._count()
        self.cursor = self.first("_cursor")

    def first(self, name: str) -> str | None:
        return next((value for key, value in self.pairs if key == name), None)

    def values(self, name: str) -> list[list[str]]:
        """Each occurrence of `name` (AND), split into its alternatives (OR)."""
        found = []
        for key, value in self.pairs:
            if key == name:
                parts = [p.replace("\\,", ",") for p in _COMMA.split(value)]
                if not all(parts):
                    raise fail(400, "invalid", f"{name}: an empty value")
                found.append(parts)
        return found

    def used(self) -> list[str]:
        return sorted({key for key, _ in self.pairs if key not in CONTROL})

    def tokens(self, name: str) -> list[list[Token]]:
        return [[self._read(name, parse_token, v) for v in vs] for vs in self.values(name)]

    def references(self, name: str, resource_type: str) -> list[list[str]]:
        # A value naming another type, or no id at all, matches nothing ("-" is no id of ours).
        return [[parse_reference(v, resource_type) or "-" for v in vs] for vs in self.values(name)]

    def dates(self, name: str) -> list[DateRange]:
        out = []
        for alternatives in self.values(name):
            if len(alternatives) > 1:
                raise fail(400, "not-supported", f"{name}: lists of dates are not supported")
            out.append(self._read(name, parse_date, alternatives[0]))
        return out

    def choices(self, name: str, allowed: Sequence[str]) -> list[list[str]]:
        """Token values from a fixed code list (a system, if given, is ignored)."""
        found = []
        for tokens in self.tokens(name):
            codes = []
            for token in tokens:
                if token.code not in allowed:
                    raise fail(400, "code-invalid", f"{name}: use one of {', '.join(allowed)}")
                codes.append(token.code)
            found.append(codes)
        return found

    @staticmethod
    def _read(name: str, parse: Any, value: str) -> Any:
        try:
            return parse(value)
        except SearchValueError as exc:
            raise fail(400, "invalid", f"{name}: {exc}") from exc

    def _count(self) -> int:
        raw = self.first("_count")
        if raw is None:
            return DEFAULT_COUNT
        count = parse_id(raw)  # ASCII digits, bounded: the one parser of whole numbers we read
        if count is None:
            raise fail(400, "invalid", "_count: a positive whole number")
        return min(count, MAX_COUNT)

    def url(self, base_url: str, *, cursor: str | None = None) -> str:
        pairs = [(k, v) for k, v in self.pairs if k != "_cursor"]
        if cursor:
            pairs.append(("_cursor", cursor))
        query = urlencode(pairs)
        return f"{base_url}/{self.resource_type}" + (f"?{query}" if query else "")


def query_pairs(query: str) -> list[tuple[str, str]]:
    """The parameters of a query string found inside a request (a Bundle entry's URL), read no
    further than the bound a search has (400 past it), as Django bounds the request's own."""
    try:
        return parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_SEARCH_VALUES + 3)
    except ValueError as exc:
        raise fail(
            400, "too-costly", f"a search takes at most {MAX_SEARCH_VALUES} values in all"
        ) from exc


def page(queryset: QuerySet, query: Query, ordering: Sequence[str]) -> tuple[list[Any], str | None]:
    """One page of `queryset` in `ordering` (integer fields; keyset on all of them), after
    the request's cursor; and the cursor of the next page, if there is one."""
    rows = queryset.order_by(*ordering)
    if query.cursor:
        rows = rows.filter(_after(ordering, _decode(query.cursor, len(ordering))))
    found = list(rows[: query.count + 1])
    if len(found) <= query.count:
        return found, None
    found = found[: query.count]
    return found, encode_cursor([getattr(found[-1], field.lstrip("-")) for field in ordering])


def _decode(cursor: str, length: int) -> list[int]:
    try:
        return decode_cursor(cursor, [INTEGER] * length)  # the one cursor parser
    except CursorError as exc:
        raise fail(400, "invalid", "_cursor: not a cursor this server gave") from exc


def _after(ordering: Sequence[str], values: list[int]) -> Q:
    condition = Q()
    for position, field in enumerate(ordering):
        name = field.lstrip("-")
        step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": values[position]})
        for earlier, value in zip(ordering[:position], values, strict=False):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    return condition


def bundle(
    resources: list[dict[str, Any]], query: Query, base_url: str, cursor: str | None
) -> dict[str, Any]:
    return searchset(
        resources,
        base_url=base_url,
        self_url=query.url(base_url),
        next_url=query.url(base_url, cursor=cursor) if cursor else None,
    )

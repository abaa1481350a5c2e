"""FHIR search requests: parameters in, a page of rows and a searchset Bundle out.

Parameters are checked against what each resource declares (the CapabilityStatement is built
from the same declarations): an unknown parameter or a modifier is a 400, never silently
ignored, since a mistyped `patinet=` would otherwise widen a search to every patient; only with
`Prefer: handling=lenient` is it dropped, and the Bundle's self link then shows only what was
applied. A value with commas is a list of alternatives (OR); a parameter given twice must match
both (AND). Pages hold `_count` rows (default 50, at most 200) and link to the next by an opaque
`_cursor`. The result parameters (`_sort`, `_summary`, `_total`, `_elements`, `_include`,
`_revinclude`) are read here, so every resource's search honours them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db.models import Q, QuerySet

from config.cursors import DATETIME, INTEGER, CursorError, decode_cursor, encode_cursor
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
# `_elements` names top-level elements; no resource of ours has more than this many.
MAX_ELEMENTS = 30
# Result parameters: they shape the answer rather than select rows.
CONTROL = (
    "_count",
    "_cursor",
    "_format",
    "_pretty",
    "_sort",
    "_summary",
    "_total",
    "_elements",
    "_include",
    "_revinclude",
)
SUMMARY = ("count", "false")
TOTAL = ("none", "estimate", "accurate")
_COMMA = re.compile(r"(?<!\\),")
_ELEMENT = re.compile(r"^[a-z][A-Za-z0-9]{0,63}$")
SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
    "display": "subsetted",
}


@dataclass(frozen=True, slots=True)
class SearchParam:
    name: str
    type: str  # FHIR SearchParamType: token, reference, date, string, uri
    documentation: str
    # The column `_sort=<name>` orders by (date parameters only), if it may be sorted on.
    sort: str | None = None


def id_param() -> SearchParam:
    return SearchParam("_id", "token", "The resource id; a comma-separated list finds any of them.")


def last_updated_param(column: str) -> SearchParam:
    return SearchParam(
        "_lastUpdated",
        "date",
        "meta.lastUpdated; prefixes eq, ne, gt, lt, ge, le, sa, eb, ap; sortable.",
        sort=column,
    )


class Query:
    """The search parameters of one request, checked against `declared`, and bounded: its work is
    linear in its size, and its size is at most MAX_SEARCH_VALUES values.

    `includes` are the `_include` / `_revinclude` values this resource type may take
    (`includes.py` declares them); `lenient` drops unknown parameters instead of refusing them.
    A Query made by the server itself (`internal`, the search behind an `_include`) is not
    bounded by MAX_SEARCH_VALUES: its values are the ids of one page, at most MAX_COUNT.
    """

    def __init__(
        self,
        resource_type: str,
        declared: Sequence[SearchParam],
        pairs: list[tuple[str, str]],
        *,
        lenient: bool = False,
        includes: Sequence[str] = (),
        revincludes: Sequence[str] = (),
        internal: str | None = None,
    ) -> None:
        self.resource_type = resource_type
        self.declared = {p.name: p for p in declared}
        self.internal = internal
        self.read: set[str] = set()  # the parameters the search code asked for
        self.total_found: int | None = None  # set by `page` when a total is asked for
        self.pairs = self._known(pairs, lenient)
        if internal is None:
            values = sum(len(_COMMA.findall(v)) + 1 for k, v in self.pairs if k not in CONTROL)
            if values > MAX_SEARCH_VALUES:
                raise fail(
                    400,
                    "too-costly",
                    f"a search takes at most {MAX_SEARCH_VALUES} values in all (this one has "
                    f"{values}): split it",
                )
        self.count = self._count()
        self.cursor = self.first("_cursor")
        self.summary = self._one_of("_summary", SUMMARY)
        self.total = self._one_of("_total", TOTAL)
        self.elements = self._elements()
        self.sort = self._sort()
        self.includes = self._includes("_include", includes)
        self.revincludes = self._includes("_revinclude", revincludes)
        pretty = self.first("_pretty")
        if pretty is not None and pretty not in ("true", "false"):
            raise fail(400, "invalid", "_pretty: true or false")

    def _known(self, pairs: list[tuple[str, str]], lenient: bool) -> list[tuple[str, str]]:
        kept = []
        for name, value in pairs:
            # Bundle entry URLs are decoded here, not by the middleware that guards the URL.
            if has_control(name) or has_control(value):
                raise fail(400, "invalid", "control characters are not allowed in a search")
            if ":" in name:
                if lenient:
                    continue
                raise fail(400, "not-supported", f"search modifiers are not supported ({name})")
            if name not in self.declared and name not in CONTROL:
                if lenient:
                    continue
                listed = ", ".join(sorted(self.declared)) or "none"
                raise fail(
                    400,
                    "not-supported",
                    f"unknown search parameter {name!r} for {self.resource_type} (supported: "
                    f"{listed}; Prefer: handling=lenient ignores unknown parameters)",
                )
            kept.append((name, value))
        return kept

    def first(self, name: str) -> str | None:
        return next((value for key, value in self.pairs if key == name), None)

    def values(self, name: str) -> list[list[str]]:
        """Each occurrence of `name` (AND), split into its alternatives (OR)."""
        if name not in self.declared and name not in CONTROL:
            # A search reading what it does not declare would be missing from the
            # CapabilityStatement: a programming error, caught by the tests.
            raise LookupError(f"{self.resource_type} does not declare {name!r}")
        self.read.add(name)
        found = []
        for key, value in self.pairs:
            if key == name:
                parts = [p.replace("\\,", ",") for p in _COMMA.split(value)]
                if not all(parts):
                    raise fail(400, "invalid", f"{name}: an empty value")
                found.append(parts)
        return found

    def used(self) -> list[str]:
        """The names of the parameters used (what the audit records, never the values): the
        criteria, and `_include` / `_revinclude`, which widen what is shown."""
        if self.internal is not None:
            return [self.internal]
        widening = ("_include", "_revinclude")
        return sorted({key for key, _ in self.pairs if key not in CONTROL or key in widening})

    def tokens(self, name: str) -> list[list[Token]]:
        return [[self._read(name, parse_token, v) for v in vs] for vs in self.values(name)]

    def references(self, name: str, resource_type: str) -> list[list[str]]:
        # A value naming another type, or no id at all, matches nothing ("-" is no id of ours).
        return [[parse_reference(v, resource_type) or "-" for v in vs] for vs in self.values(name)]

    def ids(self) -> list[list[str]]:
        """`_id`: each occurrence a list of alternatives."""
        return self.values("_id")

    def dates(self, name: str) -> list[list[DateRange]]:
        """Each occurrence (AND) of a date parameter, a list of alternatives (OR)."""
        return [[self._read(name, parse_date, v) for v in vs] for vs in self.values(name)]

    def strings(self, name: str) -> list[list[str]]:
        return self.values(name)

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
            raise fail(400, "invalid", "_count: a positive whole number (or _summary=count)")
        return min(count, MAX_COUNT)

    def _one_of(self, name: str, allowed: Sequence[str]) -> str | None:
        value = self.first(name)
        if value is not None and value not in allowed:
            raise fail(400, "not-supported", f"{name}: use one of {', '.join(allowed)}")
        return value

    def _elements(self) -> tuple[str, ...] | None:
        raw = self.first("_elements")
        if raw is None:
            return None
        names = tuple(dict.fromkeys(n.strip() for n in raw.split(",")))
        if len(names) > MAX_ELEMENTS or not all(_ELEMENT.match(n) for n in names):
            raise fail(
                400,
                "invalid",
                f"_elements: up to {MAX_ELEMENTS} top-level element names, comma-separated "
                "(e.g. status,subject)",
            )
        return names

    def _sort(self) -> tuple[tuple[str, bool], ...]:
        """(column, descending) of each `_sort` key, in order."""
        raw = self.first("_sort")
        if raw is None:
            return ()
        keys = []
        sortable = [p.name for p in self.declared.values() if p.sort]
        for key in raw.split(","):
            descending = key.startswith("-")
            param = self.declared.get(key.lstrip("-"))
            if param is None or param.sort is None:
                listed = ", ".join(sortable) or "none"
                raise fail(
                    400,
                    "not-supported",
                    f"_sort: {self.resource_type} sorts by {listed} (with - for descending)",
                )
            keys.append((param.sort, descending))
        return tuple(dict.fromkeys(keys))

    def _includes(self, name: str, allowed: Sequence[str]) -> tuple[str, ...]:
        found = []
        for _, value in (p for p in self.pairs if p[0] == name):
            # `Type:param` or `Type:param:TargetType`: the target is implied by the parameter.
            parts = value.split(":")
            key = ":".join(parts[:2])
            if key not in allowed or len(parts) > 3:
                listed = ", ".join(allowed) or "none"
                raise fail(
                    400,
                    "not-supported",
                    f"{name}={value} is not offered on {self.resource_type} (offered: {listed})",
                )
            found.append(key)
        return tuple(dict.fromkeys(found))

    def ordering(self, default: Sequence[str], *, first: Sequence[str] = ()) -> list[str]:
        """The order of the rows: `_sort`'s keys after `first` (kept whatever the caller asks:
        Flags stay urgent first), then the id; else `default`."""
        if not self.sort:
            return list(default)
        keys = [f"{'-' if descending else ''}{column}" for column, descending in self.sort]
        return [*first, *keys, "-id"]

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
        return parse_qsl(
            query, keep_blank_values=True, max_num_fields=MAX_SEARCH_VALUES + len(CONTROL)
        )
    except ValueError as exc:
        raise fail(
            400, "too-costly", f"a search takes at most {MAX_SEARCH_VALUES} values in all"
        ) from exc


def page(queryset: QuerySet, query: Query, ordering: Sequence[str]) -> tuple[list[Any], str | None]:
    """One page of `queryset` in `ordering` (keyset on every field: integers, or date-times for
    `_sort` keys), after the request's cursor; and the cursor of the next page, if there is one.
    `_summary=count` reads no row; it and `_total=accurate` count the matches (`total_found`)."""
    if query.summary == "count" or query.total == "accurate":
        query.total_found = queryset.count()
    if query.summary == "count":
        return [], None
    dated = {column for column, _ in query.sort}  # only date parameters are sortable
    kinds = [DATETIME if field.lstrip("-") in dated else INTEGER for field in ordering]
    rows = queryset.order_by(*ordering)
    if query.cursor:
        rows = rows.filter(_after(ordering, _decode(query.cursor, kinds)))
    found = list(rows[: query.count + 1])
    if len(found) <= query.count:
        return found, None
    found = found[: query.count]
    return found, encode_cursor([_attribute(found[-1], field.lstrip("-")) for field in ordering])


def page_list(items: Sequence[Any], query: Query) -> tuple[list[Any], str | None]:
    """One page of an in-memory list (the shared instrument library), by position."""
    if query.summary == "count" or query.total == "accurate":
        query.total_found = len(items)
    if query.summary == "count":
        return [], None
    start = _decode(query.cursor, [INTEGER])[0] if query.cursor else 0
    end = start + query.count
    return list(items[start:end]), encode_cursor([end]) if end < len(items) else None


def _attribute(row: Any, path: str) -> Any:
    for name in path.split("__"):
        row = getattr(row, name)
    return row


def _decode(cursor: str, kinds: list[str]) -> list[Any]:
    try:
        return decode_cursor(cursor, kinds)  # the one cursor parser
    except CursorError as exc:
        raise fail(400, "invalid", "_cursor: not a cursor this server gave") from exc


def _after(ordering: Sequence[str], values: list[Any]) -> Q:
    condition = Q()
    for position, field in enumerate(ordering):
        name = field.lstrip("-")
        step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": values[position]})
        for earlier, value in zip(ordering[:position], values, strict=False):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    return condition


def subset(resource: dict[str, Any], elements: Sequence[str]) -> dict[str, Any]:
    """`resource` with only `elements` (and the mandatory `resourceType`, `id`, `meta`), tagged
    SUBSETTED as FHIR asks, so no one stores it as the whole resource."""
    kept = {k: v for k, v in resource.items() if k in elements or k in ("resourceType", "id")}
    meta = dict(resource.get("meta") or {})
    meta["tag"] = [*meta.get("tag", []), SUBSETTED]
    kept["meta"] = meta
    return kept


def bundle(
    resources: list[dict[str, Any]], query: Query, base_url: str, cursor: str | None
) -> dict[str, Any]:
    if query.elements is not None:
        resources = [subset(r, query.elements) for r in resources]
    return searchset(
        resources,
        base_url=base_url,
        self_url=query.url(base_url),
        next_url=query.url(base_url, cursor=cursor) if cursor else None,
        total=query.total_found,
    )

"""Keyset (cursor) pagination on the whole ordering, not just its first field.

DRF's CursorPagination positions on the first ordering field and falls back to an offset among
ties, so an inbox ordered by (severity, newest) would page by offset inside each severity. Here the
cursor carries every ordering value of the last row, and the next page is a range condition the
database answers from an index, at the same cost however deep the page.
"""

from collections import OrderedDict
from typing import Any

from django.db.models import Model, Q, QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from config.cursors import CursorError, decode_cursor, encode_cursor, field_kind
from config.ids import parse_id


class KeysetPagination(BasePagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    ordering: tuple[str, ...] = ("-created_at", "-id")

    def get_ordering(self, view) -> tuple[str, ...]:
        return getattr(view, "pagination_ordering", self.ordering)

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = parse_id(raw)  # ASCII digits, bounded; anything else is the default
        if size is None:
            return self.page_size
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list[Model]:
        self.request = request
        self.ordering_fields = self.get_ordering(view)
        self.size = self._page_size(request)
        queryset = queryset.order_by(*self.ordering_fields)
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            queryset = queryset.filter(self._after(self._decode(queryset.model, cursor)))
        rows = list(queryset[: self.size + 1])
        self.has_next = len(rows) > self.size
        self.page = rows[: self.size]
        return self.page

    def _decode(self, model: type[Model], cursor: str) -> list[Any]:
        kinds = [
            field_kind(model._meta.get_field(field.lstrip("-"))) for field in self.ordering_fields
        ]
        try:
            return decode_cursor(cursor, kinds)
        except CursorError as exc:  # the documented answer to a cursor we did not give
            raise NotFound("Invalid cursor.") from exc

    def _encode(self, row: Model) -> str:
        return encode_cursor([getattr(row, field.lstrip("-")) for field in self.ordering_fields])

    def _after(self, values: list[Any]) -> Q:
        """Rows strictly after the cursor: (a > x) | (a = x & b > y) | ... per direction."""
        parsed = [
            (field.lstrip("-"), field.startswith("-"), value)
            for field, value in zip(self.ordering_fields, values, strict=True)
        ]
        condition = Q()
        for position, (name, descending, value) in enumerate(parsed):
            step = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            for earlier_name, _, earlier_value in parsed[:position]:
                step &= Q(**{earlier_name: earlier_value})
            condition |= step
        # The same rows, plus a plain range on the first field: the OR above is only a filter to
        # the database, this bound is an index condition, so a deep page starts where the cursor
        # is instead of reading (and discarding) every row before it.
        name, descending, value = parsed[0]
        return Q(**{f"{name}__{'lte' if descending else 'gte'}": value}) & condition

    def get_paginated_response(self, data) -> Response:
        next_link = None
        if self.has_next and self.page:
            next_link = replace_query_param(
                self.request.build_absolute_uri(),
                self.cursor_query_param,
                self._encode(self.page[-1]),
            )
        return Response(OrderedDict([("next", next_link), ("results", data)]))

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The pagination cursor value (from `next`).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, at most {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

"""The API's JSON parser: DRF's, hardened against hostile bodies.

DRF's JSONParser reads the WSGI stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE (which
only `request.body` checks) never applies to it; a 10,000-deep `[[[...]]]` raises RecursionError
(a 500); and `"\\u0000"` decodes to a NUL that PostgreSQL text cannot store (another 500, at
save time). Here every one of those is a 4xx in the common error shape:

- a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 `too_large` (read no further than the limit);
- not UTF-8, not JSON, NaN/Infinity, a number too large for a float, nesting deeper than
  MAX_DEPTH, a NUL character in any key or string: 400 `parse_error`.
"""

import json
import math
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def check_structure(data: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError for nesting deeper than `max_depth` or a NUL in any key or string.
    Iterative, so the check itself cannot overflow the stack."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError("JSON parse error - NUL characters (\\u0000) are not allowed.")
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise ParseError(f"JSON parse error - nested deeper than {max_depth} levels.")
            if isinstance(value, dict):
                for key, item in value.items():
                    stack.append((key, depth))
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


class SafeJSONParser(JSONParser):
    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = parser_context.get("request")
        if limit is not None and request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise PayloadTooLarge()
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except RecursionError as exc:
            raise ParseError(
                f"JSON parse error - nested deeper than {self.max_depth} levels."
            ) from exc
        except (ValueError, LookupError) as exc:  # JSONDecodeError and UnicodeError are both
            raise ParseError(f"JSON parse error - {exc}") from exc
        check_structure(data, self.max_depth)
        return data

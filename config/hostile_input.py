"""Refuse hostile requests before any view sees them, in each interface's error shape.

- A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE: 413. Django enforces the limit when the body is
  read (DRF reads `request.body` for JSON), but by raising an error that becomes its HTML 400
  page (or a 500 where a handler catches every exception); this answers before anything is read,
  by the declared length (Django never reads past it).
- NUL characters in the path or a query parameter: 400. `%00` decodes to a NUL, which PostgreSQL
  text cannot hold: a lookup with it fails in the driver (a 500) instead of matching nothing. No
  legitimate URL of this service contains one.

- NUL or another control character in any request header (User-Agent, Idempotency-Key,
  If-None-Exist, X-Request-ID, cookies...): 400, on every path, before a view or an audit row
  reads it. The `Authorization` header is a credential: one with a control character is a
  failed token, counted against the address's failed-token limit and audited like any other
  (401, or 429 past the limit), never a 500 that bypasses the counter.

Under /api/ the answer has the common error shape; under /fhir/ it is an OperationOutcome.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import status

from config.errors import error_body

API_PREFIX = "/api/"
FHIR_PREFIX = "/fhir/"
FHIR_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "login",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too-costly",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}
# C0 controls but tab (which HTTP allows in a field value), and DEL. PostgreSQL text cannot hold
# a NUL; the others have no business in a header and end up in logs and audit rows.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
AUTHORIZATION = "HTTP_AUTHORIZATION"


def has_control(text: str) -> bool:
    """Whether `text` holds a character no header (or URL) the service reads may hold."""
    return CONTROL.search(text) is not None


def _bad_header(request: HttpRequest) -> str | None:
    """The name of a header (other than Authorization) with a control character, if any."""
    for key, value in request.META.items():
        if key == AUTHORIZATION or not (key.startswith("HTTP_") or key == "CONTENT_TYPE"):
            continue
        if isinstance(value, str) and has_control(value):
            return key.removeprefix("HTTP_").replace("_", "-").title()
    return None


def _refuse_credential(request: HttpRequest) -> JsonResponse:
    """A control character in Authorization: a failed token, counted and audited."""
    from clients.services.logins import bearer_failed, client_ip

    outcome = bearer_failed(ip=client_ip(request), prefix=None, reason="malformed")
    if not outcome.audited:
        response = _refuse(
            request,
            status.HTTP_429_TOO_MANY_REQUESTS,
            "throttled",
            "Too many failed credentials from your address; try again later.",
        )
        response["Retry-After"] = str(settings.BEARER_FAILURE_WINDOW)
        return response
    response = _refuse(
        request,
        status.HTTP_401_UNAUTHORIZED,
        "authentication_failed",
        "Malformed Authorization header.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refuse(request: HttpRequest, status_code: int, code: str, detail: str) -> JsonResponse:
    if request.path.startswith(FHIR_PREFIX):
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "error", "code": FHIR_CODES[status_code], "diagnostics": detail}
            ],
        }
        return JsonResponse(
            outcome, status=status_code, content_type="application/fhir+json; fhirVersion=4.0"
        )
    return JsonResponse(error_body(code, detail), status=status_code)


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = _bad_header(request)
        if header is not None:
            return _refuse(
                request,
                status.HTTP_400_BAD_REQUEST,
                "invalid",
                f"Control characters are not allowed in the {header} header.",
            )
        if has_control(request.META.get(AUTHORIZATION, "")):
            return _refuse_credential(request)
        if request.path.startswith((API_PREFIX, FHIR_PREFIX)):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and _declared_length(request) > limit:
                return _refuse(
                    request,
                    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                    "too_large",
                    f"The request body is larger than {limit} bytes.",
                )
            if _has_nul(request):
                return _refuse(
                    request,
                    status.HTTP_400_BAD_REQUEST,
                    "invalid",
                    "NUL characters (%00) are not allowed in the URL.",
                )
        return self.get_response(request)

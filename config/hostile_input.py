"""Refuse hostile requests to the API before any view sees them, in the common error shape.

- A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE: 413. Django enforces the limit when the body is
  read (DRF reads `request.body` for JSON), but answers with its HTML 400 page; this answers
  before anything is read, by the declared length (Django never reads past it).
- NUL characters in the path or a query parameter: 400. `%00` decodes to a NUL, which PostgreSQL
  text cannot hold: a lookup with it fails in the driver (a 500) instead of matching nothing. No
  legitimate URL of this API contains one.

Only paths under /api/: the FHIR interface answers in its own shape (OperationOutcome).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import status

from config.errors import error_body

GUARDED_PREFIX = "/api/"


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


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(GUARDED_PREFIX):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and _declared_length(request) > limit:
                return JsonResponse(
                    error_body("too_large", f"The request body is larger than {limit} bytes."),
                    status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                )
            if _has_nul(request):
                return JsonResponse(
                    error_body("invalid", "NUL characters (%00) are not allowed in the URL."),
                    status=status.HTTP_400_BAD_REQUEST,
                )
        return self.get_response(request)

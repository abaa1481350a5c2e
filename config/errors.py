"""One error shape for every 4xx the API returns: {"code", "detail", "fields"}.

`code` is machine-readable, `detail` a sentence for people, `fields` maps a field path (dotted for
nesting, with list indexes: `answers.2.value`) to its messages.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class Conflict(Exception):
    """The request is valid but the resource's state forbids it (a frozen version, a completed
    screening). Services raise it; the API answers 409."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The resource's state does not allow this."


def error_body(code: str, detail: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "detail": detail, "fields": fields or {}}


def flatten_field_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into {"a.b.0.c": ["message", ...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_field_errors(value, path))
    elif isinstance(errors, list):
        if all(not isinstance(item, dict | list) for item in errors):
            flat[prefix or "non_field_errors"] = [str(item) for item in errors]
        else:
            for index, value in enumerate(errors):
                if value:
                    flat.update(
                        flatten_field_errors(value, f"{prefix}.{index}" if prefix else str(index))
                    )
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Conflict):
        exc = ConflictError(exc.detail)
    elif isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError (no HTTP in the domain); it is a 400 here.
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_field_errors(exc.detail)
        detail = "Invalid input."
        if list(fields) == ["non_field_errors"]:
            detail = fields["non_field_errors"][0]
        response.data = error_body("invalid", detail, fields)
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes()
        response.data = error_body(
            code if isinstance(code, str) else "error", str(exc.detail), None
        )
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body("server_error", "Server error. The request id in X-Request-ID identifies it."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )

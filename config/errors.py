"""One error shape for every 4xx the API returns: {"code", "detail", "fields"}; and the domain
errors services raise, with the one table that maps each to a REST error and a FHIR
OperationOutcome.

`code` is machine-readable, `detail` a sentence for people, `fields` maps a field path (dotted for
nesting, with list indexes: `answers.2.value`) to its messages.

Services raise `DomainError`s (never DRF's exceptions: the domain knows no HTTP); REST
(`api_exception_handler`) and FHIR (`screening.fhir_api.http.classify`) read `ERROR_TABLE` for
the status and code, so an error means the same everywhere and no interface matches message text.
No service raises Django's ValidationError (`tests/foundation/test_domain_errors.py` scans
them); one that still reaches an interface from Django itself (the ORM converting a malformed
value, a form field's validator) reads as `InvalidInput`: a 400, never a 500.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response


class DomainError(Exception):
    """An error a service raises: a sentence, and messages per field when input is at fault."""

    def __init__(self, detail: str = "", fields: Mapping[str, list[str]] | None = None) -> None:
        fields = {key: list(messages) for key, messages in (fields or {}).items()}
        if not detail:
            detail = "Invalid input." if fields else "The request cannot be done."
        super().__init__(detail)
        self.detail = detail
        self.fields = fields

    def describe(self) -> str:
        """One line for people outside HTTP (the admin's messages, a command's error): the
        detail, then each field's messages."""
        parts = [
            message if field == "non_field_errors" else f"{field}: {message}"
            for field, messages in self.fields.items()
            for message in messages
        ]
        if not parts or self.detail not in {"Invalid input.", *parts}:
            parts.insert(0, self.detail)
        return " ".join(parts)

    def __str__(self) -> str:
        return self.describe()


class InvalidInput(DomainError):
    """The input is wrong; `fields` says where and why."""


class DuplicateIdentifier(InvalidInput):
    """An identifier another client of the organization already holds."""


class InvalidAnswers(InvalidInput):
    """Answers that do not fit the instrument (unknown item, value not an option, ...)."""


class NotFound(DomainError):
    """No such object in the caller's organization."""


class Conflict(DomainError):
    """The request is valid but the resource's state forbids it (a frozen version, a completed
    screening)."""


class MultipleMatches(Conflict):
    """A conditional create's criteria match more than one resource."""

    def __init__(self, count: int) -> None:
        super().__init__(f"the criteria match {count} resources")
        self.count = count


@dataclass(frozen=True)
class ErrorMapping:
    status: int  # REST
    code: str  # REST `code`
    fhir_status: int
    fhir_code: str  # OperationOutcome.issue.code


# The one table: the most specific class that matches wins (a subclass before its base).
ERROR_TABLE: dict[type[DomainError], ErrorMapping] = {
    DuplicateIdentifier: ErrorMapping(400, "invalid", 422, "duplicate"),
    InvalidAnswers: ErrorMapping(400, "invalid", 422, "business-rule"),
    InvalidInput: ErrorMapping(400, "invalid", 422, "business-rule"),
    NotFound: ErrorMapping(404, "not_found", 404, "not-found"),
    MultipleMatches: ErrorMapping(409, "multiple_matches", 412, "multiple-matches"),
    Conflict: ErrorMapping(409, "conflict", 409, "conflict"),
    DomainError: ErrorMapping(400, "invalid", 422, "business-rule"),
}


def error_mapping(exc: DomainError) -> ErrorMapping:
    for kind in type(exc).__mro__:
        if kind in ERROR_TABLE:
            return ERROR_TABLE[kind]
    return ERROR_TABLE[DomainError]


def django_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError's messages by field (`non_field_errors` for the rest)."""
    if hasattr(exc, "error_dict"):
        return {key: list(messages) for key, messages in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


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
    if isinstance(exc, DomainError):
        mapping = error_mapping(exc)
        fields = exc.fields
        detail = exc.detail
        if list(fields) == ["non_field_errors"]:
            detail = fields["non_field_errors"][0]
        return Response(error_body(mapping.code, detail, fields), status=mapping.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # Not from a service (they raise domain errors): Django's own validation, InvalidInput.
        exc = exceptions.ValidationError(django_fields(exc))
    # Imported here: rest_framework.views loads the authentication classes, whose services
    # import the domain errors above (a cycle at start-up otherwise).
    from rest_framework.views import exception_handler

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

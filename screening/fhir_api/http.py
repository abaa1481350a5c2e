"""FHIR over HTTP: media types, the JSON parser and renderer, and every error as an
OperationOutcome.

Requests: `application/fhir+json`, `application/json` (and the DSTU2-era `application/json+fhir`)
are read by the API's hardened JSON parser. Responses: `application/fhir+json; fhirVersion=4.0`,
or `application/json` to a client that asks for that and not for FHIR's type. XML is not
offered: asking only for it (or `_format=xml`) is a 406.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.errors import DomainError, django_fields, error_mapping, flatten_field_errors
from config.parsers import SafeJSONParser
from screening.fhir import FhirValidationError, QuestionnaireImportError
from screening.fhir.outcome import Issue, ResourceError, error, operation_outcome

logger = logging.getLogger("screening.fhir")

FHIR_JSON = "application/fhir+json"
CONTENT_TYPE = "application/fhir+json; fhirVersion=4.0"
PLAIN_CONTENT_TYPE = "application/json; fhirVersion=4.0"
JSON_FORMATS = ("json", "application/json", "application/fhir+json", "application/json+fhir")


class FhirError(Exception):
    """An error the FHIR interface answers with `status` and an OperationOutcome of `issues`."""

    def __init__(
        self, status: int, issues: list[Issue], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__("; ".join(i.diagnostics for i in issues))
        self.status = status
        self.issues = issues
        self.headers = headers or {}


def fail(status: int, code: str, diagnostics: str, *expression: str) -> FhirError:
    return FhirError(status, [error(code, diagnostics, *expression)])


class FhirJSONParser(SafeJSONParser):
    media_type = FHIR_JSON


class LegacyFhirJSONParser(SafeJSONParser):
    media_type = "application/json+fhir"


PARSERS = [FhirJSONParser, SafeJSONParser, LegacyFhirJSONParser]


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "json"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # `_pretty=true` on any interaction: indented, for people reading the answer.
        request = (renderer_context or {}).get("request")
        if request is not None and request.query_params.get("_pretty") == "true":
            renderer_context = {**renderer_context, "indent": 2}
        return super().render(data, accepted_media_type, renderer_context)


class FhirNegotiation(BaseContentNegotiation):
    """JSON always; a 406 only for a client that accepts no JSON at all."""

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        wanted = request.query_params.get("_format")
        if wanted is not None and wanted not in JSON_FORMATS:
            raise exceptions.NotAcceptable(f"_format={wanted} is not offered: only JSON.")
        accept = request.META.get("HTTP_ACCEPT", "")
        if accept and not any(kind in accept for kind in ("json", "*/*", "application/*")):
            raise exceptions.NotAcceptable("Only JSON is offered (application/fhir+json).")
        return renderer, renderer.media_type


def response_content_type(request) -> str:
    accept = request.META.get("HTTP_ACCEPT", "")
    wanted = request.GET.get("_format", "")
    if wanted == "application/json" or (
        "application/json" in accept and "fhir+json" not in accept and "json+fhir" not in accept
    ):
        return PLAIN_CONTENT_TYPE
    return CONTENT_TYPE


# --- errors -----------------------------------------------------------------------------------

_DRF_CODES = {
    exceptions.ParseError: "structure",
    exceptions.UnsupportedMediaType: "not-supported",
    exceptions.NotAcceptable: "not-supported",
    exceptions.MethodNotAllowed: "not-supported",
    exceptions.NotFound: "not-found",
    exceptions.NotAuthenticated: "login",
    exceptions.AuthenticationFailed: "login",
    exceptions.PermissionDenied: "forbidden",
    exceptions.Throttled: "throttled",
}


def classify(
    exc: Exception, *, paths: dict[str, str] | None = None, root: str | None = None
) -> tuple[int, list[Issue], dict[str, str]]:
    """(HTTP status, issues, headers) for an exception raised while serving a FHIR request.

    `paths` maps a domain field path (`identifiers.0.value`) to the FHIRPath it came from, for
    errors raised by domain services; `root` is the resource type they concern."""
    if isinstance(exc, FhirError):
        return exc.status, exc.issues, exc.headers
    if isinstance(exc, ResourceError):
        return (400 if exc.structural else 422), exc.issues, {}
    if isinstance(exc, FhirValidationError):
        issues = [error("structure", i.message, i.path) for i in exc.issues]
        return 400, issues, {}
    if isinstance(exc, QuestionnaireImportError):
        return 422, [_import_issue(i) for i in exc.issues], {}
    if isinstance(exc, DomainError):  # the one table (config/errors.py) says what it is
        mapping = error_mapping(exc)
        if exc.fields:
            return (
                mapping.fhir_status,
                _field_issues(exc.fields, paths, root, mapping.fhir_code),
                {},
            )
        return mapping.fhir_status, [error(mapping.fhir_code, exc.detail)], {}
    if isinstance(exc, DjangoValidationError):  # Django's own validation: InvalidInput
        return 422, _field_issues(django_fields(exc), paths, root), {}
    if isinstance(exc, exceptions.ValidationError):  # a serializer's, at the interface
        return 422, _field_issues(flatten_field_errors(exc.detail), paths, root), {}
    if isinstance(exc, Http404):
        return 404, [error("not-found", "Not found.")], {}
    if isinstance(exc, DjangoPermissionDenied):
        return 403, [error("forbidden", "Your role does not allow this.")], {}
    if isinstance(exc, exceptions.APIException):
        code = next((c for kind, c in _DRF_CODES.items() if isinstance(exc, kind)), "processing")
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if exc.status_code == 413:
            code = "too-costly"
        elif exc.status_code == 403:
            code = "forbidden"  # DRF answers 403 to a failed login it cannot challenge
        return exc.status_code, [error(code, str(exc.detail))], headers
    raise exc


def _import_issue(issue: Any) -> Issue:
    text = issue.message + (f" (linkId {issue.link_id})" if issue.link_id else "")
    code = "business-rule" if issue.code != "not_a_questionnaire" else "invalid"
    return Issue("error", code, f"{issue.code}: {text}", (issue.path,) if issue.path else ())


def _field_issues(
    fields: dict[str, list[str]],
    paths: dict[str, str] | None,
    root: str | None,
    code: str = "business-rule",
) -> list[Issue]:
    issues = []
    for field, messages in fields.items():
        where = (paths or {}).get(field)
        for message in messages:
            if where:
                issues.append(error(code, message, where))
            elif field in ("non_field_errors", "__all__"):
                issues.append(error(code, message, *((root,) if root else ())))
            else:
                issues.append(error(code, f"{field}: {message}", *((root,) if root else ())))
    return issues or [error("business-rule", "Invalid input.")]


def fhir_exception_handler(exc: Exception, context: dict) -> Response:
    try:
        status, issues, headers = classify(exc)
    except Exception:  # an unexpected failure: still an OperationOutcome, and logged
        logger.exception("FHIR request failed")
        status, headers = 500, {}
        issues = [error("exception", "Server error. The request id in X-Request-ID identifies it.")]
    return Response(operation_outcome(issues), status=status, headers=headers)

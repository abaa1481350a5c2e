"""FHIR views: thin. Authenticate, dispatch on the resource type to the registry, render.

Not in the OpenAPI schema: the FHIR interface describes itself at GET /fhir/metadata.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.permissions import request_membership

from .bundles import process
from .capability import capability_statement
from .context import CLINICAL_ROLES, Caller, fhir_base_url
from .http import (
    PARSERS,
    FhirJSONRenderer,
    FhirNegotiation,
    fail,
    fhir_exception_handler,
    response_content_type,
)
from .idempotency import respond, run_idempotent
from .includes import run_search, search_query
from .registry import ResourceType, resource_type


@extend_schema(exclude=True)
class FhirView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [FhirJSONRenderer]
    parser_classes = PARSERS
    content_negotiation_class = FhirNegotiation

    def get_exception_handler(self):
        return fhir_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.content_type = response_content_type(request)
        return response

    def resource(self) -> ResourceType:
        name = self.kwargs["resource_type"]
        found = resource_type(name)
        if found is None:
            raise fail(404, "not-found", f"Unknown resource type {name!r}: see GET /fhir/metadata")
        return found


@extend_schema(exclude=True)
class MetadataView(FhirView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response(capability_statement(fhir_base_url(request)))


class BundleRoles(BasePermission):
    """Bundles carry clinical resources (clinicians, integrations) or Questionnaires to import
    (instrument admins); each entry is then checked as its own interaction."""

    message = "Bundles are for clinicians, integrations and instrument admins."

    def has_permission(self, request, view) -> bool:
        caller = request.user
        if caller.is_authenticated and caller.is_instrument_admin:
            return True
        membership = request_membership(request)
        return membership is not None and membership.role in CLINICAL_ROLES


@extend_schema(exclude=True)
class RootView(FhirView):
    """POST /fhir/: a transaction or batch Bundle."""

    permission_classes = [IsAuthenticated, BundleRoles]

    def post(self, request: Request) -> Response:
        caller = Caller.of(request)
        return run_idempotent(request, caller, lambda: process(caller, request.data))


@extend_schema(exclude=True)
class TypeView(FhirView):
    """GET /fhir/{type}: search."""

    def get(self, request: Request, resource_type: str) -> Response:
        found = self.resource()
        caller = Caller.of(request)
        found.authorize(caller, "search")
        return respond(_search(request, caller, found, request.query_params), caller)


@extend_schema(exclude=True)
class SearchView(FhirView):
    """POST /fhir/{type}/_search: the same search, its parameters in a form body
    (application/x-www-form-urlencoded) as well as in the URL: for a client whose criteria
    should not appear in URLs and logs, or are too long for one."""

    parser_classes = [FormParser]

    def post(self, request: Request, resource_type: str) -> Response:
        found = self.resource()
        caller = Caller.of(request)
        found.authorize(caller, "search")
        form = request.data
        if not hasattr(form, "lists"):
            raise fail(415, "not-supported", "POST _search takes an x-www-form-urlencoded body")
        pairs = [(k, v) for k, values in form.lists() for v in values]
        return respond(_search(request, caller, found, request.query_params, pairs), caller)


def _search(request, caller, found, params, extra=()):
    pairs = [(k, v) for k, values in params.lists() for v in values] + list(extra)
    query = search_query(found, pairs, prefer=request.headers.get("Prefer", ""))
    return run_search(caller, found, query)


@extend_schema(exclude=True)
class CreatableTypeView(TypeView):
    """GET /fhir/{type}: search; POST /fhir/{type}: create."""

    def post(self, request: Request, resource_type: str) -> Response:
        found = self.resource()
        caller = Caller.of(request)
        found.authorize(caller, "create")
        create = found.create

        def run():
            resource = _resource(request.data, found.name)
            found.refuse_unread(resource)
            return create(
                caller,
                resource,
                if_none_exist=request.headers.get("If-None-Exist"),
                prefer=request.headers.get("Prefer", ""),
            )

        return run_idempotent(request, caller, run)


@extend_schema(exclude=True)
class InstanceView(FhirView):
    """GET /fhir/{type}/{id}: read. Update, patch, delete and history are not offered (405)."""

    def get(self, request: Request, resource_type: str, resource_id: str) -> Response:
        found = self.resource()
        caller = Caller.of(request)
        found.authorize(caller, "read")
        return respond(found.read(caller, resource_id), caller)


@extend_schema(exclude=True)
class DeletableInstanceView(InstanceView):
    """GET /fhir/{type}/{id}: read; DELETE: delete (for the types that offer it)."""

    def delete(self, request: Request, resource_type: str, resource_id: str) -> Response:
        found = self.resource()
        caller = Caller.of(request)
        found.authorize(caller, "delete")
        with transaction.atomic():
            return respond(found.delete(caller, resource_id), caller)


@extend_schema(exclude=True)
class UnknownView(FhirView):
    """Any other path under /fhir/: a 404 OperationOutcome (after authentication)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise fail(404, "not-found", f"{request.path} is not an interaction of this server")


def _resource(data, name: str):
    if not isinstance(data, dict):
        raise fail(400, "structure", f"The body must be a {name} resource (a JSON object)")
    if data.get("resourceType") != name:
        raise fail(
            400,
            "invalid",
            f"resourceType is {data.get('resourceType')!r}: POST /fhir/{name} takes a {name}",
            f"{name}.resourceType" if isinstance(data.get("resourceType"), str) else name,
        )
    return data

"""`/api/v1/`: where a caller with a token starts. Lists every collection of the REST API with
its URL, the FHIR base, and the API's documentation.

A new collection is added to `COLLECTIONS`; `tests/foundation/test_api_root.py` fails while a
route under `/api/v1/` without path parameters is missing from it.
"""

from dataclasses import dataclass

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from screening.fhir_api.context import fhir_base_url


@dataclass(frozen=True)
class Collection:
    name: str
    url_name: str
    description: str


COLLECTIONS = (
    Collection("me", "me", "Who your credentials belong to and the organization you act in."),
    Collection(
        "clients",
        "client-list",
        "Client records of your organization, with EHR identifiers and care teams "
        "(a client's timeline: clients/{id}/timeline/).",
    ),
    Collection(
        "screenings",
        "screening-list",
        "Screenings: start, save answers, submit (or all in one call), amend, void.",
    ),
    Collection(
        "flags",
        "flag-list",
        "Flags for clinician review, urgent first: review with a note, start the follow-up.",
    ),
    Collection(
        "instruments",
        "instrument-list",
        "The instrument library: each instrument's items, options, scales and bands; "
        "versions; score preview.",
    ),
    Collection(
        "tokens",
        "api-token-list",
        "API tokens of your organization's members; org admins issue integration clients' and "
        "revoke any.",
    ),
    Collection(
        "my_tokens",
        "me-tokens",
        "Your own API tokens; issue one (POST) from a signed-in session.",
    ),
    Collection(
        "organization_safety",
        "organization-safety",
        "Your organization's safety settings: crisis guidance, on-call and escalation contacts, "
        "escalation delay and interval (org admins change them).",
    ),
    Collection(
        "webhooks",
        "webhook-list",
        "Webhook endpoints (org admins): events posted and signed per Standard Webhooks.",
    ),
    Collection(
        "webhook_deliveries",
        "webhook-delivery-list",
        "The webhook delivery log: every attempt's status and latency; redeliver one.",
    ),
    Collection(
        "outcomes",
        "outcomes",
        "Outcomes report (org admins): per instrument, period and scale, how many clients "
        "changed reliably and recovered; counts only, audited as an export.",
    ),
    Collection("audit_events", "audit-event-list", "The audit trail of your organization."),
    Collection(
        "audit_events_export",
        "audit-event-export",
        "The audit trail as CSV, with the same filters (the export is itself audited).",
    ),
    Collection("content_sources", "content-source-list", "The articles the knowledge base cites."),
    Collection("content_domains", "content-domain-list", "Domains of hyper-independence."),
    Collection("content_indicators", "content-indicator-list", "Documented signs, by domain."),
    Collection(
        "content_conditions",
        "content-condition-list",
        "Related conditions: how each relates, what sets it apart, the follow-up to consider.",
    ),
    Collection("content_origins", "content-origin-list", "Where hyper-independence may come from."),
    Collection("content_impacts", "content-impact-list", "What it may cost a person."),
    Collection(
        "content_comparisons", "content-comparison-list", "Healthy independence against hyper."
    ),
    Collection("content_approaches", "content-approach-list", "Therapeutic approaches."),
)


class CollectionSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField()
    description = serializers.CharField()


class ApiRootSerializer(serializers.Serializer):
    collections = CollectionSerializer(many=True)
    fhir = serializers.URLField(help_text="The FHIR R4 base (its CapabilityStatement: /metadata).")
    schema = serializers.URLField(help_text="This API's OpenAPI 3 schema.")
    docs = serializers.URLField(help_text="Swagger UI for this API.")


class ApiRootView(APIView):
    @extend_schema(
        summary="Where to start: every collection of the API",
        description="Every collection of the REST API with its absolute URL and what it holds, "
        "the FHIR R4 base URL, and the API's schema and documentation. Any authenticated caller "
        "may read it; what each collection allows depends on your role.",
        responses=ApiRootSerializer,
        tags=["root"],
        examples=[
            OpenApiExample(
                "The root",
                response_only=True,
                value={
                    "collections": [
                        {
                            "name": "clients",
                            "url": "https://screening.example.org/api/v1/clients/",
                            "description": "Client records of your organization, ...",
                        }
                    ],
                    "fhir": "https://screening.example.org/fhir",
                    "schema": "https://screening.example.org/api/schema/",
                    "docs": "https://screening.example.org/api/docs/",
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        collections = [
            {"name": c.name, "url": url(c.url_name), "description": c.description}
            for c in COLLECTIONS
        ]
        return Response(
            ApiRootSerializer(
                {
                    "collections": collections,
                    "fhir": fhir_base_url(request),
                    "schema": url("schema"),
                    "docs": url("swagger-ui"),
                }
            ).data
        )

"""Who may touch clinical data, and the one way a read of it is recorded.

Every interface (REST, FHIR, the admin, and whatever comes next) takes its clinical roles, its
audited object types and its read audit from here, so that the trail names things one way and a
read is recorded the same way everywhere, with the credential it used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models

from clients.models import AuditEvent, Organization, Role, User
from clients.models.audit import AuditAction
from clients.permissions import request_membership
from clients.services.audit import audit_record

# Clinicians and integrations work with client records; org admins manage credentials and the
# trail, instrument admins the library: neither reads clinical data (least privilege).
CLINICAL_ROLES = (Role.CLINICIAN, Role.INTEGRATION)

# The credential of a request signed in through Django's session (the admin, the browsable API).
SESSION_CREDENTIAL = "session"


class AuditObject(models.TextChoices):
    """What an audit event is about (`object_type`)."""

    CLIENT = "client"
    SCREENING = "screening"
    SCALE_SCORE = "scale_score"
    FLAG = "flag"
    TIMELINE = "timeline"
    AUDIT_EVENT = "audit_event"
    # The organization's outcomes report (issue 16), audited as an export.
    OUTCOMES = "outcomes"
    API_TOKEN = "api_token"  # noqa: S105 - an object type, not a secret
    SESSION = "session"
    USER = "user"
    MEMBERSHIP = "membership"
    ORGANIZATION = "organization"
    SAFETY_SETTINGS = "safety_settings"
    INSTRUMENT = "instrument"
    INSTRUMENT_VERSION = "instrument_version"
    WEBHOOK_ENDPOINT = "webhook_endpoint"
    WEBHOOK_DELIVERY = "webhook_delivery"
    FHIR_SUBSCRIPTION = "fhir_subscription"
    FHIR_REPLAY = "fhir_replay"
    REST_REPLAY = "rest_replay"
    # The knowledge base: its load, and one edited entry (`content_<model name>`).
    CONTENT_LIBRARY = "content_library"
    CONTENT_SOURCE = "content_source"
    CONTENT_DOMAIN = "content_domain"
    CONTENT_INDICATOR = "content_indicator"
    CONTENT_CONDITION = "content_condition"
    CONTENT_ORIGIN = "content_origin"
    CONTENT_IMPACT = "content_impact"
    CONTENT_COMPARISON = "content_comparison"
    CONTENT_APPROACH = "content_approach"


def request_credential(request) -> str:
    """Which credential authenticated `request`: "token:<prefix>" for an API token (never the
    secret), "session" for a signed-in session, "" for none."""
    token = getattr(request, "auth", None)
    prefix = getattr(token, "prefix", None)
    if prefix:
        return f"token:{prefix}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return SESSION_CREDENTIAL
    return ""


class Reader(Protocol):
    """Who reads: a REST or FHIR caller (`screening.fhir_api.context.Caller` is one)."""

    user: User
    organization: Organization | None
    credential: str


@dataclass(frozen=True)
class RequestReader:
    user: User
    organization: Organization | None
    credential: str

    @classmethod
    def of(cls, request) -> RequestReader:
        membership = request_membership(request)
        return cls(
            user=request.user,
            organization=membership.organization if membership else None,
            credential=request_credential(request),
        )


def audit_read(
    reader: Reader | Any,
    object_type: AuditObject | str,
    *,
    client_ids: Iterable[int] = (),
    object_id: Any = "",
    organization: Organization | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a read: one object (`object_id`) or a list or search (`detail` names the filters
    or parameters used, never their values, which may be client data themselves).

    `reader` is a request (REST, the admin) or a caller that knows its user, organization and
    credential (FHIR). `organization` overrides the reader's (the admin reads across them)."""
    if not hasattr(reader, "credential"):
        reader = RequestReader.of(reader)
    return audit_record(
        actor=reader.user,
        organization=organization if organization is not None else reader.organization,
        action=AuditAction.READ,
        object_type=object_type,
        object_id=object_id,
        client_ids=client_ids,
        detail=detail,
        credential=reader.credential,
    )

"""Who is calling, what an interaction returns, and the audit of clinical reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse

from clients.access import CLINICAL_ROLES, AuditObject, request_credential
from clients.access import audit_read as clients_audit_read
from clients.models import Organization, User
from clients.permissions import request_membership

from .http import fail

# The domain object each clinical resource shows, as the REST API's audit trail names it.
AUDIT_OBJECT = {
    "Patient": AuditObject.CLIENT,
    "QuestionnaireResponse": AuditObject.SCREENING,
    "Observation": AuditObject.SCALE_SCORE,
    "Flag": AuditObject.FLAG,
}


def fhir_base_url(request) -> str:
    """The server's FHIR base: `settings.FHIR_BASE_URL` when set (the canonical URLs of our
    Questionnaires should not depend on how a request reached us), else from the request."""
    configured = getattr(settings, "FHIR_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    return request.build_absolute_uri(reverse("fhir-root")).rstrip("/")


@dataclass(frozen=True)
class Caller:
    user: User
    organization: Organization | None
    role: str | None
    base_url: str
    credential: str = ""

    @classmethod
    def of(cls, request) -> Caller:
        membership = request_membership(request)
        return cls(
            user=request.user,
            organization=membership.organization if membership else None,
            role=membership.role if membership else None,
            base_url=fhir_base_url(request),
            credential=request_credential(request),
        )

    def clinical(self) -> Organization:
        """The organization, for clinicians and integrations; 403 for anyone else."""
        if self.organization is None or self.role not in CLINICAL_ROLES:
            raise fail(403, "forbidden", "Clinical resources are for clinicians and integrations.")
        return self.organization

    def library_reader(self) -> None:
        if not (self.organization is not None or self.user.is_instrument_admin):
            raise fail(403, "forbidden", "Questionnaires are for members of an organization.")

    def instrument_admin(self) -> None:
        if not self.user.is_instrument_admin:
            raise fail(403, "forbidden", "Only instrument admins may import Questionnaires.")

    def url(self, relative: str) -> str:
        return f"{self.base_url}/{relative}"


@dataclass
class Result:
    """What an interaction returns: status, body, and a relative `location` for creates."""

    status: int
    resource: dict[str, Any] | None
    location: str | None = None
    client_ids: Sequence[int] = field(default_factory=tuple)
    headers: dict[str, str] = field(default_factory=dict)


def audit_read(
    caller: Caller,
    resource_type: str,
    *,
    client_ids: Iterable[int],
    object_id: Any = "",
    params: Iterable[str] | None = None,
) -> None:
    """Record a read of client data through the one read audit (`clients.access.audit_read`):
    a resource (`object_id`) or a search (`params`: the names of the parameters, never their
    values, which are client data themselves)."""
    detail: dict[str, Any] = {"fhir": resource_type}
    if params is not None:
        detail["search"] = sorted(set(params))
    clients_audit_read(
        caller,
        AUDIT_OBJECT[resource_type],
        client_ids=client_ids,
        object_id=object_id,
        detail=detail,
    )

"""Arranging notification tests as a real client would: through the API."""

from __future__ import annotations

import base64
import hashlib
import hmac

from clients.models import Role
from tests.factories import ClientFactory, api_client_for, member
from tests.screenings.helpers import phq9, start

URGENT_PHQ9 = phq9(1, item9=1)  # item 9 above 0: an urgent self-harm-risk flag
QUIET_PHQ9 = phq9(0, item9=0)  # no flag at all


class Clinic:
    """An organization with an org admin, a clinician, an integration and a client."""

    def __init__(self, organization) -> None:
        self.organization = organization
        self.admin_user = member(Role.ORG_ADMIN, organization)
        self.admin_user.email = "admin@clinic.example.org"
        self.admin_user.save(update_fields=["email"])
        self.admin = api_client_for(self.admin_user)
        self.clinician_user = member(Role.CLINICIAN, organization)
        self.clinician = api_client_for(self.clinician_user)
        self.integration = api_client_for(member(Role.INTEGRATION, organization))
        self.client = ClientFactory(organization=organization, given_name="Zoraida")

    def register_webhook(self, url: str, events=("flag.raised",)) -> dict:
        response = self.admin.post(
            "/api/v1/webhooks/", {"url": url, "event_types": list(events)}, format="json"
        )
        assert response.status_code == 201, response.content
        return response.json()

    def submit(self, answers=URGENT_PHQ9) -> dict:
        response = start(self.clinician, self.client.pk, "phq9", answers, submit=True)
        assert response.status_code == 201, response.content
        return response.json()


def hmac_verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification in a few lines, written from the specification."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [part.split(",", 1)[1] for part in headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, g) for g in given)

"""Fields the server owns (organization, id, scores, flag evidence, status, who created what)
cannot be set by a caller: they are refused as unknown fields (400), or accepted and ignored where
the API lets a client send back what it read (client records)."""

import pytest

from clients.models import Client
from screening.models import Flag, Screening
from tests.factories import ClientFactory
from tests.screenings.helpers import phq9, start

VALID = {"given_name": "Ana", "family_name": "Silva", "birth_date": "1985-04-12"}
IGNORED_ON_CLIENTS = {
    "id": 987654,
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
}


def refused(response, *names: str) -> None:
    assert response.status_code == 400, response.json()
    fields = response.json()["fields"]
    for name in names:
        assert fields.get(name) == ["Unknown field."], fields


def test_creating_a_client_ignores_server_owned_fields(
    clinician_client, organization, other_organization
):
    body = {**VALID, **IGNORED_ON_CLIENTS, "organization": other_organization.pk}
    response = clinician_client.post("/api/v1/clients/", body, format="json")
    assert response.status_code == 201
    client = Client.objects.get(pk=response.json()["id"])
    assert client.organization == organization
    assert client.pk != 987654
    assert client.created_at.year > 2000


def test_updating_a_client_cannot_move_it_to_another_organization(
    clinician_client, organization, other_organization
):
    client = ClientFactory(organization=organization)
    for method in ("patch", "put"):
        body = {**VALID, **IGNORED_ON_CLIENTS, "organization": other_organization.pk}
        response = getattr(clinician_client, method)(
            f"/api/v1/clients/{client.pk}/", body, format="json"
        )
        assert response.status_code == 200
        client.refresh_from_db()
        assert (client.pk, client.organization) == (client.pk, organization)
        assert client.created_at.year > 2000


@pytest.mark.parametrize("field", ["created_by", "clinic", "deleted"])
def test_a_client_field_nobody_has_is_refused(clinician_client, field):
    refused(clinician_client.post("/api/v1/clients/", {**VALID, field: 1}, format="json"), field)


SCREENING_SERVER_FIELDS = {
    "id": 1,
    "organization": 1,
    "status": "completed",
    "result": {"complete": True, "scales": []},
    "flags": [],
    "revision": 7,
    "created_by": 1,
    "submitted_at": "2000-01-01T00:00:00Z",
    "supersedes": 1,
}


@pytest.mark.parametrize(("field", "value"), SCREENING_SERVER_FIELDS.items())
def test_starting_a_screening_refuses_server_owned_fields(
    clinician_client, organization, library, field, value
):
    client = ClientFactory(organization=organization)
    refused(start(clinician_client, client.pk, "phq9", phq9(), **{field: value}), field)
    assert not Screening.objects.exists()


@pytest.mark.parametrize(("field", "value"), SCREENING_SERVER_FIELDS.items())
def test_saving_answers_refuses_server_owned_fields(
    clinician_client, organization, library, field, value
):
    client = ClientFactory(organization=organization)
    screening = start(clinician_client, client.pk, "phq9").json()
    response = clinician_client.patch(
        f"/api/v1/screenings/{screening['id']}/",
        {"answers": phq9(), field: value},
        format="json",
    )
    refused(response, field)
    stored = Screening.objects.get(pk=screening["id"])
    assert (stored.status, stored.answers, stored.revision) == ("in_progress", {}, 1)


def test_answers_carry_no_scores(clinician_client, organization, library):
    client = ClientFactory(organization=organization)
    answers = [{**answer, "score": 99} for answer in phq9()]
    refused(start(clinician_client, client.pk, "phq9", answers), "answers.0.score")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("evidence", {"scales": []}),
        ("severity", "info"),
        ("message", "nothing to see"),
        ("rule", "none"),
        ("reviewer", 1),
        ("follow_up_instrument", "gad7"),
        ("client", 1),
    ],
)
def test_reviewing_a_flag_refuses_server_owned_fields(
    clinician_client, organization, library, field, value
):
    client = ClientFactory(organization=organization)
    screening = start(clinician_client, client.pk, "phq9", phq9(item9=1), submit=True).json()
    flag = Flag.objects.get(pk=screening["flags"][0]["id"])
    before = (flag.evidence, flag.severity, flag.message, flag.status)
    response = clinician_client.post(
        f"/api/v1/flags/{flag.pk}/review/",
        {"status": "acknowledged", "note": "seen", field: value},
        format="json",
    )
    refused(response, field)
    flag.refresh_from_db()
    assert (flag.evidence, flag.severity, flag.message, flag.status) == before


def test_issuing_a_token_cannot_choose_its_secret_or_prefix(org_admin_client, integration):
    response = org_admin_client.post(
        "/api/v1/tokens/",
        {"user": integration.username, "token": "sk_aaaaaaaaaaaa_chosen", "prefix": "aaaaaaaaaaaa"},
        format="json",
    )
    if response.status_code == 400:
        refused(response, "token", "prefix")
    else:
        assert response.status_code == 201
        assert response.json()["prefix"] != "aaaaaaaaaaaa"
        assert "chosen" not in response.json()["token"]

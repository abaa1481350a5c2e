"""`Idempotency-Key` on every REST POST that creates (issue 14, section 2): two identical
`POST /api/v1/screenings/` with one key created two screenings. Same semantics as FHIR (one
implementation, config/idempotency.py): a retry replays the first response and creates nothing,
the same key with another body is a 422, keys are scoped per caller."""

import pytest

from clients.models import ApiToken, AuditEvent, Client
from notifications.models import WebhookEndpoint
from screening.models import FlagReview, InstrumentVersion, Screening
from tests.factories import ClientFactory, api_client_for, member
from tests.instruments.definitions import tiny_definition
from tests.screenings.helpers import phq9

KEY = {"HTTP_IDEMPOTENCY_KEY": "retry-7f3a"}


def twice(api, url, body, **headers):
    headers = headers or KEY
    first = api.post(url, body, format="json", **headers)
    second = api.post(url, body, format="json", **headers)
    return first, second


def test_two_identical_screening_posts_with_one_key_create_one_screening(
    clinician_client, organization, library
):
    client = ClientFactory(organization=organization)
    body = {
        "client": client.pk,
        "instrument": "phq9",
        "mode": "clinician",
        "answers": phq9(1),
        "submit": True,
    }
    first, second = twice(clinician_client, "/api/v1/screenings/", body)
    assert first.status_code == 201, first.content
    assert (second.status_code, second.json()) == (201, first.json())
    assert second["Idempotent-Replayed"] == "true"
    assert Screening.objects.count() == 1


def test_a_replay_of_client_data_is_audited_as_a_read_of_that_client(
    clinician_client, organization
):
    body = {"given_name": "Ana", "family_name": "Silva", "birth_date": "1990-04-02"}
    first, second = twice(clinician_client, "/api/v1/clients/", body)
    assert second.json() == first.json()
    assert second["Location"] == first["Location"]
    assert Client.objects.count() == 1
    replay = AuditEvent.objects.get(object_type="rest_replay")
    assert replay.client_ids == [first.json()["id"]]


def test_the_same_key_with_another_body_is_a_422_and_creates_nothing(clinician_client):
    url = "/api/v1/clients/"
    ana = {"given_name": "Ana", "family_name": "Silva", "birth_date": "1990-04-02"}
    assert clinician_client.post(url, ana, format="json", **KEY).status_code == 201
    other = clinician_client.post(url, {**ana, "given_name": "Bea"}, format="json", **KEY)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Client.objects.count() == 1


def test_keys_are_scoped_per_caller(organization):
    body = {"given_name": "Ana", "family_name": "Silva", "birth_date": "1990-04-02"}
    one = api_client_for(member("clinician", organization))
    two = api_client_for(member("clinician", organization))
    assert one.post("/api/v1/clients/", body, format="json", **KEY).status_code == 201
    again = two.post("/api/v1/clients/", body, format="json", **KEY)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Client.objects.count() == 2


def test_a_failed_request_stores_nothing_and_its_retry_runs_again(clinician_client):
    url = "/api/v1/clients/"
    assert (
        clinician_client.post(url, {"given_name": "Ana"}, format="json", **KEY).status_code == 400
    )
    body = {"given_name": "Ana", "family_name": "Silva", "birth_date": "1990-04-02"}
    # A different body after a failure is not a reuse: nothing was stored for the key.
    assert clinician_client.post(url, body, format="json", **KEY).status_code == 201


def test_a_key_that_is_not_visible_ascii_is_a_400_naming_the_header(clinician_client):
    body = {"given_name": "Ana", "family_name": "Silva", "birth_date": "1990-04-02"}
    response = clinician_client.post(
        "/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]


def test_a_flag_review_and_a_follow_up_are_replayed_not_repeated(
    clinician_client, organization, library
):
    client = ClientFactory(organization=organization)
    body = {
        "client": client.pk,
        "instrument": "phq9",
        "mode": "clinician",
        "answers": phq9(2, item9=1),
        "submit": True,
    }
    flag = clinician_client.post("/api/v1/screenings/", body, format="json").json()["flags"][0]
    review = {"status": "acknowledged", "note": "Safety plan agreed."}
    first, second = twice(clinician_client, f"/api/v1/flags/{flag['id']}/review/", review)
    assert first.status_code == 200, first.content
    assert second.json() == first.json()
    assert FlagReview.objects.count() == 1
    answers = [{"link_id": "pcptsd5-trauma", "value": True}] + [
        {"link_id": f"pcptsd5-{n}", "value": True} for n in range(1, 6)
    ]
    ptsd = {**body, "instrument": "pc-ptsd-5", "answers": answers}
    flag = clinician_client.post("/api/v1/screenings/", ptsd, format="json").json()["flags"][0]
    screenings = Screening.objects.count()
    up, again = twice(
        clinician_client,
        f"/api/v1/flags/{flag['id']}/follow-up/",
        {},
        HTTP_IDEMPOTENCY_KEY="follow-1",
    )
    assert up.status_code == 201, up.content
    assert again.json() == up.json()
    assert Screening.objects.count() == screenings + 1


def test_an_integration_token_is_issued_once_and_its_secret_is_not_kept(
    org_admin_client, integration
):
    first, second = twice(org_admin_client, "/api/v1/tokens/", {"user": integration.username})
    assert first.status_code == 201
    assert first.json()["token"].startswith("sk_")
    assert second.json() == {**first.json(), "token": None}
    assert ApiToken.objects.filter(user=integration).count() == 1


def test_a_webhook_endpoint_is_registered_once(org_admin_client):
    hook = {"url": "https://hooks.example.org/screening", "event_types": ["flag.raised"]}
    first, second = twice(org_admin_client, "/api/v1/webhooks/", hook)
    assert first.status_code == 201, first.content
    assert second.json() == {**first.json(), "secret": None}
    assert WebhookEndpoint.objects.count() == 1


def test_an_instrument_import_and_a_new_draft_are_created_once(instrument_admin_client, db):
    first, second = twice(
        instrument_admin_client, "/api/v1/instruments/", {"definition": tiny_definition()}
    )
    assert (first.status_code, second.status_code) == (201, 201)
    draft, again = twice(
        instrument_admin_client,
        "/api/v1/instruments/tiny/versions/",
        {"version": "1.1.0"},
        HTTP_IDEMPOTENCY_KEY="draft-2",
    )
    assert (draft.status_code, again.json()) == (201, draft.json())
    assert InstrumentVersion.objects.filter(instrument__code="tiny").count() == 2


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/clients/",
        "/api/v1/screenings/",
        "/api/v1/screenings/{id}/amend/",
        "/api/v1/flags/{id}/review/",
        "/api/v1/flags/{id}/follow-up/",
        "/api/v1/tokens/",
        "/api/v1/me/tokens/",
        "/api/v1/webhooks/",
        "/api/v1/instruments/",
        "/api/v1/instruments/{code}/versions/",
    ],
)
def test_the_schema_documents_the_header_and_its_422_on_every_creating_post(client, db, path):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][path]["post"]
    assert "Idempotency-Key" in [p["name"] for p in operation.get("parameters", [])]
    assert "422" in operation["responses"]

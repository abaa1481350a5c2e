"""Retries are safe: Idempotency-Key replays, and a response's identifier is filed once."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.models import AuditEvent, Client
from screening.models import IdempotencyRecord, Screening
from tests.factories import api_client_for, member
from tests.fhir_api.helpers import body, patient, phq9_response, post


def test_a_replayed_key_returns_the_first_response_and_creates_nothing(integration_client):
    key = {"Idempotency-Key": "create-ana-1"}
    first = post(integration_client, "/fhir/Patient", patient(), key)
    assert first.status_code == 201
    second = post(integration_client, "/fhir/Patient", patient(), key)
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert second["Content-Type"].startswith("application/fhir+json")
    assert Client.objects.count() == 1


def test_a_replay_of_a_scored_response_files_nothing_new(
    integration_client, client_record, library
):
    key = {"Idempotency-Key": "qr-7f3a"}
    response = phq9_response(f"Patient/{client_record.pk}", each=2, item9=1)
    first = post(integration_client, "/fhir/QuestionnaireResponse", response, key)
    assert first.status_code == 201, first.content
    events = AuditEvent.objects.count()
    for _ in range(3):
        again = post(integration_client, "/fhir/QuestionnaireResponse", response, key)
        assert (again.status_code, again.json(), again["Location"]) == (
            201,
            first.json(),
            first["Location"],
        )
    assert Screening.objects.count() == 1
    # Each replay shows client data again, so each is audited as a read.
    replays = AuditEvent.objects.filter(object_type="fhir_replay")
    assert replays.count() == 3
    assert AuditEvent.objects.count() == events + 3
    assert replays.first().client_ids == [client_record.pk]


def test_the_same_key_with_another_body_is_a_422(integration_client):
    key = {"Idempotency-Key": "k-1"}
    assert post(integration_client, "/fhir/Patient", patient("MRN-1"), key).status_code == 201
    other = post(integration_client, "/fhir/Patient", patient("MRN-2"), key)
    assert other.status_code == 422
    outcome = body(other)
    assert "different request" in outcome["issue"][0]["diagnostics"]
    assert Client.objects.count() == 1


def test_keys_belong_to_their_caller(integration, organization):
    first = api_client_for(integration)
    second = api_client_for(member("integration", organization))
    key = {"Idempotency-Key": "shared-key"}
    assert post(first, "/fhir/Patient", patient("MRN-1"), key).status_code == 201
    # Another caller's identical key is a different key: its request runs.
    assert post(second, "/fhir/Patient", patient("MRN-2"), key).status_code == 201
    assert Client.objects.count() == 2


def test_a_failed_request_stores_nothing_and_its_retry_runs(integration_client):
    key = {"Idempotency-Key": "k-2"}
    bad = patient()
    del bad["birthDate"]
    assert post(integration_client, "/fhir/Patient", bad, key).status_code == 422
    assert IdempotencyRecord.objects.count() == 0
    assert post(integration_client, "/fhir/Patient", bad, key).status_code == 422


def test_keys_expire_after_a_day(integration_client):
    key = {"Idempotency-Key": "k-3"}
    assert post(integration_client, "/fhir/Patient", patient("MRN-1"), key).status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    # Expired: the key is free again (and the old record is cleared away).
    assert post(integration_client, "/fhir/Patient", patient("MRN-2"), key).status_code == 201
    assert IdempotencyRecord.objects.count() == 1
    assert Client.objects.count() == 2


def test_the_daily_purge_deletes_every_callers_expired_records_and_keeps_the_rest(
    integration, organization
):
    quiet_caller = api_client_for(integration)
    busy_caller = api_client_for(member("integration", organization))
    for caller, mrn in ((quiet_caller, "MRN-1"), (busy_caller, "MRN-2"), (busy_caller, "MRN-3")):
        headers = {"Idempotency-Key": f"key-{mrn}"}
        assert post(caller, "/fhir/Patient", patient(mrn), headers).status_code == 201
    IdempotencyRecord.objects.exclude(key="key-MRN-3").update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    out = io.StringIO()
    call_command("purge_idempotency_records", stdout=out)
    assert out.getvalue() == "deleted 2 expired idempotency records\n"
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["key-MRN-3"]


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve"])
def test_a_malformed_key_is_a_400(integration_client, key):
    response = integration_client.post(
        "/fhir/Patient",
        patient(),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"),
    )
    assert response.status_code == 400
    assert body(response)["issue"][0]["diagnostics"].startswith("Idempotency-Key")


def test_a_transaction_replay_is_the_same_bundle(integration_client, library):
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:2f1c0c3e-7a5d-4a43-9a5e-1f1d2c3b4a51",
                "resource": patient(),
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "resource": phq9_response("urn:uuid:2f1c0c3e-7a5d-4a43-9a5e-1f1d2c3b4a51"),
                "request": {"method": "POST", "url": "QuestionnaireResponse"},
            },
        ],
    }
    key = {"Idempotency-Key": "bundle-1"}
    first = post(integration_client, "/fhir/", bundle, key)
    assert first.status_code == 200, first.content
    again = post(integration_client, "/fhir/", bundle, key)
    assert again.json() == first.json()
    assert (Client.objects.count(), Screening.objects.count()) == (1, 1)


def test_an_already_seen_identifier_is_not_stored_twice(integration_client, client_record, library):
    response = phq9_response(f"Patient/{client_record.pk}", each=1, identifier="enc-42")
    first = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert first.status_code == 201
    # No Idempotency-Key this time: the identifier alone recognizes the retry.
    again = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert again.status_code == 200
    assert body(again)["id"] == body(first)["id"]
    assert body(again)["identifier"] == {"system": "https://ehr.example.org/qr", "value": "enc-42"}
    assert (
        Screening.objects.filter(source_identifier="https://ehr.example.org/qr|enc-42").count() == 1
    )


def test_an_identifier_reused_for_another_patient_is_a_conflict(
    integration_client, organization, client_record, library
):
    from tests.factories import ClientFactory

    other = ClientFactory(organization=organization)
    post(
        integration_client,
        "/fhir/QuestionnaireResponse",
        phq9_response(f"Patient/{client_record.pk}", identifier="enc-1"),
    )
    clash = post(
        integration_client,
        "/fhir/QuestionnaireResponse",
        phq9_response(f"Patient/{other.pk}", identifier="enc-1"),
    )
    assert clash.status_code == 409
    assert body(clash)["issue"][0]["code"] == "conflict"
    assert Screening.objects.count() == 1


def test_identifiers_are_per_organization(integration_client, other_organization, library):
    from tests.factories import ClientFactory
    from tests.fhir_api.helpers import submitted_phq9

    theirs = ClientFactory(organization=other_organization)
    screening = submitted_phq9(other_organization, theirs)
    Screening.objects.filter(pk=screening.pk).update(
        source_identifier="https://ehr.example.org/qr|enc-9"
    )
    mine = post(integration_client, "/fhir/Patient", patient())
    filed = post(
        integration_client,
        "/fhir/QuestionnaireResponse",
        phq9_response(f"Patient/{mine.json()['id']}", identifier="enc-9"),
    )
    assert filed.status_code == 201

"""Critical items on every write (issue 13, H-10): an urgent rule raises its flag the moment the
answer is stored, on every path, once per screening, and only a clinician closes it."""

import pytest
from django.db import IntegrityError, transaction

from clients.models import AuditEvent
from outbox.models import OutboxEvent
from screening.models import Flag
from tests.fhir_api.helpers import body, phq9_response, post
from tests.screenings.helpers import phq9, start

ITEM9 = [{"link_id": "phq9-9", "value": 2}]


def open_urgent(api) -> list[dict]:
    return api.get("/api/v1/flags/?severity=urgent&status=open").json()["results"]


def save(api, screening_id: int, answers: list[dict]):
    return api.patch(f"/api/v1/screenings/{screening_id}/", {"answers": answers}, format="json")


def test_an_in_progress_start_with_item_9_shows_an_open_urgent_flag_before_any_submit(
    clinician_client, client_record, library
):
    started = start(clinician_client, client_record.pk, "phq9", ITEM9)
    assert started.status_code == 201, started.content
    assert started.json()["status"] == "in_progress"
    (flag,) = open_urgent(clinician_client)
    assert (flag["rule"], flag["severity"], flag["screening"]) == (
        "self-harm-risk",
        "urgent",
        started.json()["id"],
    )
    assert [f["rule"] for f in started.json()["flags"]] == ["self-harm-risk"]


def test_saving_item_9_in_progress_raises_the_urgent_flag_at_once(
    clinician_client, client_record, library
):
    screening = start(
        clinician_client, client_record.pk, "phq9", [{"link_id": "phq9-1", "value": 0}]
    )
    assert open_urgent(clinician_client) == []
    saved = save(clinician_client, screening.json()["id"], ITEM9)
    assert saved.status_code == 200, saved.content
    (flag,) = open_urgent(clinician_client)
    assert flag["rule"] == "self-harm-risk"
    assert flag["evidence"]["items"][0]["met"] is True
    assert flag["evidence"]["items"][0]["threshold"] == "> 0 (Not at all)"


def test_saving_the_same_answer_again_raises_no_second_flag(
    clinician_client, client_record, library
):
    screening_id = start(clinician_client, client_record.pk, "phq9", ITEM9).json()["id"]
    save(clinician_client, screening_id, [{"link_id": "phq9-9", "value": 3}])
    save(clinician_client, screening_id, [{"link_id": "phq9-1", "value": 1}])
    assert len(open_urgent(clinician_client)) == 1


def test_submitting_links_the_early_flag_to_the_result_without_raising_it_again(
    clinician_client, client_record, library
):
    screening_id = start(clinician_client, client_record.pk, "phq9", ITEM9).json()["id"]
    save(clinician_client, screening_id, phq9(total_each=0, item9=2))
    submitted = clinician_client.post(f"/api/v1/screenings/{screening_id}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert [f["rule"] for f in submitted.json()["flags"]] == ["self-harm-risk"]
    assert Flag.objects.filter(screening_id=screening_id).count() == 1
    assert Flag.objects.get(screening_id=screening_id).result is not None
    raised = OutboxEvent.objects.filter(type="flag.raised", subject_type="flag")
    assert raised.count() == 1


def test_clearing_the_answer_does_not_close_the_flag(clinician_client, client_record, library):
    screening_id = start(clinician_client, client_record.pk, "phq9", ITEM9).json()["id"]
    save(clinician_client, screening_id, [{"link_id": "phq9-9", "value": None}])
    (flag,) = open_urgent(clinician_client)
    assert flag["status"] == "open"


def test_an_amend_that_removes_the_answer_leaves_the_flag_open(
    clinician_client, client_record, library
):
    first = start(clinician_client, client_record.pk, "phq9", phq9(0, item9=2), submit=True).json()
    amended = clinician_client.post(
        f"/api/v1/screenings/{first['id']}/amend/",
        {"reason": "Item 9 was misread", "answers": [{"link_id": "phq9-9", "value": 0}]},
        format="json",
    )
    assert amended.status_code == 201, amended.content
    (flag,) = open_urgent(clinician_client)
    assert flag["screening"] == first["id"]


def test_the_in_progress_flag_is_audited_and_announced_as_flag_raised(
    clinician_client, client_record, library
):
    screening_id = start(clinician_client, client_record.pk, "phq9", ITEM9).json()["id"]
    event = OutboxEvent.objects.get(type="flag.raised")
    assert event.urgent is True
    assert event.data["flag"]["rule"] == "self-harm-risk"
    audit = AuditEvent.objects.filter(object_type="screening", object_id=screening_id).latest("id")
    assert audit.detail["flags"] == ["self-harm-risk"]


def test_an_in_progress_fhir_response_with_item_9_raises_the_urgent_flag(
    integration_client, clinician_client, client_record, library
):
    response = phq9_response(f"Patient/{client_record.pk}", status="in-progress", item9=1)
    response["item"] = [i for i in response["item"] if i["linkId"] in ("phq9-1", "phq9-9")]
    filed = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert filed.status_code == 201, filed.content
    assert body(filed)["status"] == "in-progress"
    (flag,) = open_urgent(clinician_client)
    assert flag["rule"] == "self-harm-risk"
    flags = body(integration_client.get(f"/fhir/Flag?patient=Patient/{client_record.pk}"))
    assert [e["resource"]["code"]["coding"][0]["code"] for e in flags["entry"]] == [
        "self-harm-risk"
    ]


def test_the_database_refuses_a_second_open_flag_for_one_screening_and_rule(
    clinician_client, client_record, library
):
    screening_id = start(clinician_client, client_record.pk, "phq9", ITEM9).json()["id"]
    flag = Flag.objects.get(screening_id=screening_id)
    flag.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        flag.save()

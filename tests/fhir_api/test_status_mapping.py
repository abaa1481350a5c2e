"""Statuses follow the screening: amended (superseded) and voided screenings, reviewed flags."""

from screening.models import ScaleScore
from tests.fhir_api.helpers import body, submitted_phq9
from tests.screenings.helpers import phq9


def _extension(resource, name):
    return next((e for e in resource.get("extension", []) if e["url"].endswith(name)), None)


def test_an_amended_screening(clinician_client, organization, client_record, library):
    original = submitted_phq9(organization, client_record, each=1, item9=1)
    amended = clinician_client.post(
        f"/api/v1/screenings/{original.pk}/amend/",
        {"reason": "Item 3 was misread", "answers": phq9(2, 1)},
        format="json",
    )
    assert amended.status_code == 201, amended.content
    revision = amended.json()["id"]

    old = body(clinician_client.get(f"/fhir/QuestionnaireResponse/{original.pk}"))
    new = body(clinician_client.get(f"/fhir/QuestionnaireResponse/{revision}"))
    assert old["status"] == "amended"
    assert _extension(old, "superseded-by")["valueReference"]["reference"] == (
        f"QuestionnaireResponse/{revision}"
    )
    assert _extension(old, "status-reason")["valueString"] == "Item 3 was misread"
    assert new["status"] == "completed"
    assert _extension(new, "replaces")["valueReference"]["reference"] == (
        f"QuestionnaireResponse/{original.pk}"
    )

    old_score = ScaleScore.objects.get(screening=original)
    new_score = ScaleScore.objects.get(screening_id=revision)
    withdrawn = body(clinician_client.get(f"/fhir/Observation/{old_score.pk}"))
    corrected = body(clinician_client.get(f"/fhir/Observation/{new_score.pk}"))
    assert withdrawn["status"] == "cancelled"
    assert "corrected" in withdrawn["note"][-1]["text"]
    assert corrected["status"] == "amended"
    assert corrected["valueInteger"] == 17
    current = body(clinician_client.get("/fhir/Observation", {"status": "final,amended"}))
    assert [e["resource"]["id"] for e in current["entry"]] == [str(new_score.pk)]

    # The old revision's flags stay as they are: only a clinician closes a flag.
    flags = body(clinician_client.get("/fhir/Flag", {"patient": client_record.pk}))
    assert {e["resource"]["status"] for e in flags["entry"]} == {"active"}


def test_a_voided_screening(clinician_client, organization, client_record, library):
    screening = submitted_phq9(organization, client_record, each=3, item9=1)
    voided = clinician_client.post(
        f"/api/v1/screenings/{screening.pk}/void/", {"reason": "Wrong client"}, format="json"
    )
    assert voided.status_code == 200
    response = body(clinician_client.get(f"/fhir/QuestionnaireResponse/{screening.pk}"))
    assert response["status"] == "entered-in-error"
    observation = body(clinician_client.get("/fhir/Observation"))["entry"][0]["resource"]
    assert observation["status"] == "entered-in-error"
    flags = body(clinician_client.get("/fhir/Flag", {"status": "entered-in-error"}))
    assert len(flags["entry"]) == 2
    assert body(clinician_client.get("/fhir/Flag", {"status": "active"}))["entry"] == []


def test_reviewed_flags(clinician_client, organization, client_record, library):
    submitted_phq9(organization, client_record, each=2, item9=1)
    flags = {
        e["resource"]["code"]["coding"][0]["code"]: e["resource"]
        for e in body(clinician_client.get("/fhir/Flag"))["entry"]
    }
    for code, status in (("self-harm-risk", "acknowledged"), ("depression", "dismissed")):
        reviewed = clinician_client.post(
            f"/api/v1/flags/{flags[code]['id']}/review/",
            {"status": status, "note": "Seen at intake."},
            format="json",
        )
        assert reviewed.status_code == 200, reviewed.content
    urgent = body(clinician_client.get(f"/fhir/Flag/{flags['self-harm-risk']['id']}"))
    assert urgent["status"] == "active"
    assert _extension(urgent, "flag-review-status")["valueCode"] == "acknowledged"
    assert "end" not in urgent["period"]
    dismissed = body(clinician_client.get(f"/fhir/Flag/{flags['depression']['id']}"))
    assert dismissed["status"] == "inactive"
    assert dismissed["period"]["end"] >= dismissed["period"]["start"]
    # The depression rule rests on the total: its Flag points at that Observation.
    details = [
        e["valueReference"]["reference"]
        for e in dismissed["extension"]
        if e["url"] == "http://hl7.org/fhir/StructureDefinition/flag-detail"
    ]
    assert details[1].startswith("Observation/")


def test_an_in_progress_response(integration_client, client_record, library):
    from tests.fhir_api.helpers import phq9_response, post

    response = phq9_response(f"Patient/{client_record.pk}", status="in-progress")
    response["item"] = response["item"][:4]
    filed = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert filed.status_code == 201, filed.content
    assert body(filed)["status"] == "in-progress"
    assert len(body(filed)["item"]) == 4
    assert body(integration_client.get("/fhir/Observation"))["entry"] == []
    stopped = phq9_response(f"Patient/{client_record.pk}", status="stopped")
    assert post(integration_client, "/fhir/QuestionnaireResponse", stopped).status_code == 422

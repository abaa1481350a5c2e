"""An EHR integration's whole visit, over FHIR only."""

from clients.models import Client
from screening.models import Flag, Screening
from tests.fhir_api.helpers import MRN, body, patient, post


def test_an_ehr_screens_a_patient_and_reads_back_scores_and_flags(integration_client, library):
    api = integration_client
    capability = body(api.get("/fhir/metadata"))
    assert {r["type"] for r in capability["rest"][0]["resource"]} >= {
        "Patient",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "Flag",
    }

    # Find or create the patient by MRN, twice: one Patient.
    condition = {"If-None-Exist": f"identifier={MRN}|MRN-1"}
    created = post(api, "/fhir/Patient", patient("MRN-1"), condition)
    assert created.status_code == 201, created.content
    patient_id = body(created)["id"]
    assert created["Location"] == f"http://testserver/fhir/Patient/{patient_id}"
    again = post(api, "/fhir/Patient", patient("MRN-1"), condition)
    assert again.status_code == 200
    assert body(again)["id"] == patient_id
    assert Client.objects.count() == 1
    found = body(api.get("/fhir/Patient", {"identifier": f"{MRN}|MRN-1"}))
    assert [e["resource"]["id"] for e in found["entry"]] == [patient_id]

    # Read the PHQ-9 Questionnaire, answer it: item 9 "Several days".
    questionnaire = body(api.get("/fhir/Questionnaire/phq9-1.1.0"))
    assert questionnaire["status"] == "active"
    items = []
    for item in questionnaire["item"]:
        if item["type"] != "choice":
            continue
        wanted = "Several days" if item["linkId"] == "phq9-9" else None
        options = item["answerOption"]
        option = (
            next(o for o in options if o["valueCoding"]["display"] == wanted)
            if wanted
            else options[0]
        )
        items.append({"linkId": item["linkId"], "answer": [{"valueCoding": option["valueCoding"]}]})
    response = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "https://ehr.example.org/qr", "value": "visit-1"},
        "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}",
        "status": "completed",
        "subject": {"reference": f"Patient/{patient_id}"},
        "authored": "2026-01-01T10:00:00Z",
        "item": items,
    }
    filed = post(api, "/fhir/QuestionnaireResponse", response)
    assert filed.status_code == 201, filed.content
    filed_body = body(filed)
    response_id = filed_body["id"]
    assert filed["Location"] == f"http://testserver/fhir/QuestionnaireResponse/{response_id}"
    assert filed_body["status"] == "completed"
    assert filed_body["subject"] == {"reference": f"Patient/{patient_id}"}

    # The total score, by LOINC code.
    observations = body(
        api.get("/fhir/Observation", {"patient": patient_id, "code": "http://loinc.org|44261-6"})
    )
    (total,) = [e["resource"] for e in observations["entry"]]
    assert total["status"] == "final"
    assert total["valueInteger"] == 1
    assert total["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{response_id}"}]
    assert total["category"][0]["coding"][0]["code"] == "survey"
    assert total["interpretation"][0]["coding"][0]["display"] == "Minimal"
    assert body(api.get(f"/fhir/Observation/{total['id']}")) == total

    # An active, urgent self-harm-risk Flag, for clinician review.
    flags = body(api.get("/fhir/Flag", {"patient": f"Patient/{patient_id}", "status": "active"}))
    (flag,) = [e["resource"] for e in flags["entry"]]
    assert flag["code"]["coding"][0]["code"] == "self-harm-risk"
    assert "not a diagnosis" in flag["code"]["text"]
    severity = next(e for e in flag["extension"] if e["url"].endswith("/flag-severity"))
    assert severity["valueCode"] == "urgent"
    assert {
        "url": "http://hl7.org/fhir/StructureDefinition/flag-detail",
        "valueReference": {"reference": f"QuestionnaireResponse/{response_id}"},
    } in flag["extension"]

    # The network fails and the EHR sends the same response again: not stored twice.
    retried = post(api, "/fhir/QuestionnaireResponse", response)
    assert retried.status_code == 200
    assert body(retried)["id"] == response_id
    assert Screening.objects.count() == 1
    assert Flag.objects.count() == 1

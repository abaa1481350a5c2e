"""A later screening's Observation carries its change in `interpretation` (issue 16), as an EHR
reads it: Patient and QuestionnaireResponses posted over FHIR, Observations searched."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fhir_api.helpers import FREQUENCY, PHQ9, body, patient, phq9_response, post
from tests.screenings.helpers import phq9_total, publish_phq9_without_change_criteria

RELIABLE = "https://screening.example.org/fhir/CodeSystem/reliable-change"
OUTCOME = "https://screening.example.org/fhir/CodeSystem/change-outcome"
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def new_patient(api, mrn: str) -> str:
    created = post(api, "/fhir/Patient", patient(mrn))
    assert created.status_code == 201, created.content
    return f"Patient/{created.json()['id']}"


def file_phq9(api, subject: str, total: int, version: str = "1.1.0") -> str:
    response = phq9_response(subject, questionnaire=f"{PHQ9}|{version}")
    for item, answer in zip(response["item"], phq9_total(total), strict=False):
        item["answer"] = [
            {"valueCoding": {"system": "http://loinc.org", "code": FREQUENCY[answer["value"]]}}
        ]
    created = post(api, "/fhir/QuestionnaireResponse", response)
    assert created.status_code == 201, created.content
    return created.json()["id"]


def total_observation(api, response_id: str) -> dict:
    bundle = body(
        api.get(
            "/fhir/Observation",
            {
                "derived-from": f"QuestionnaireResponse/{response_id}",
                "code": "http://loinc.org|44261-6",
            },
        )
    )
    (entry,) = bundle["entry"]
    return entry["resource"]


def codes(observation: dict, system: str) -> list[str]:
    return [
        coding["code"]
        for concept in observation.get("interpretation", [])
        for coding in concept["coding"]
        if coding["system"] == system
    ]


def test_phq9_18_then_7_is_a_reliable_improvement_and_a_response_in_the_observation(
    integration_client, library
):
    subject = new_patient(integration_client, "MRN-C1")
    file_phq9(integration_client, subject, 18)
    later = total_observation(integration_client, file_phq9(integration_client, subject, 7))
    assert codes(later, RELIABLE) == ["improved"]
    assert codes(later, V3) == ["B"]
    assert set(codes(later, OUTCOME)) == {"response", "no-remission", "recovery"}
    text = next(c["text"] for c in later["interpretation"] if c["coding"][0]["system"] == RELIABLE)
    assert "7 against 18 at baseline" in text
    assert "NHS Talking Therapies" in text


def test_phq9_then_4_is_in_remission_in_the_observation(integration_client, library):
    subject = new_patient(integration_client, "MRN-C2")
    for total in (18, 7):
        file_phq9(integration_client, subject, total)
    latest = total_observation(integration_client, file_phq9(integration_client, subject, 4))
    assert "remission" in codes(latest, OUTCOME)


def test_phq9_18_then_15_is_no_reliable_change_in_the_observation(integration_client, library):
    subject = new_patient(integration_client, "MRN-C3")
    file_phq9(integration_client, subject, 18)
    later = total_observation(integration_client, file_phq9(integration_client, subject, 15))
    assert codes(later, RELIABLE) == ["no_reliable_change"]
    assert codes(later, V3) == []
    assert set(codes(later, OUTCOME)) == {"no-response", "no-remission", "no-recovery"}


def test_a_first_screening_carries_only_its_band(integration_client, library):
    subject = new_patient(integration_client, "MRN-C4")
    first = total_observation(integration_client, file_phq9(integration_client, subject, 18))
    assert codes(first, RELIABLE) == []
    assert len(first["interpretation"]) == 1


def test_a_version_without_criteria_says_reliable_change_is_not_defined(
    integration_client, library
):
    subject = new_patient(integration_client, "MRN-C5")
    file_phq9(integration_client, subject, 18)
    earlier = publish_phq9_without_change_criteria()
    later = total_observation(
        integration_client, file_phq9(integration_client, subject, 7, version=earlier)
    )
    assert codes(later, RELIABLE) == ["not_defined"]
    assert codes(later, OUTCOME) == []


def test_an_observation_search_costs_the_same_for_2_and_8_screenings(integration_client, library):
    def cost(subject: str) -> int:
        url = f"/fhir/Observation?patient={subject}"
        integration_client.get(url)  # warm: each version's compiled form, once per process
        with CaptureQueriesContext(connection) as captured:
            assert integration_client.get(url).status_code == 200
        return len(captured)

    few, many = new_patient(integration_client, "MRN-C6"), new_patient(integration_client, "MRN-C7")
    for total in (18, 7):
        file_phq9(integration_client, few, total)
    for total in (18, 7, 18, 7, 18, 7, 18, 7):
        file_phq9(integration_client, many, total)
    assert cost(many) == cost(few)

"""Issue 13: PHQ-9 question 10 (and the GAD-7 difficulty question) is its own FHIR Observation,
never scored, and never among the scale scores that trends read."""

from screening.models import ScaleScore
from tests.fhir_api.helpers import body
from tests.screenings.helpers import phq9, start


def submit_with_question_10(api, client_id, value=2):
    answers = [*phq9(total_each=1), {"link_id": "phq9-10", "value": value}]
    return start(api, client_id, "phq9", answers, submit=True).json()


def observations_of(api, screening_id):
    found = body(
        api.get("/fhir/Observation", {"derived-from": f"QuestionnaireResponse/{screening_id}"})
    )
    return [entry["resource"] for entry in found.get("entry", [])]


def test_question_10_is_its_own_observation_with_its_loinc_code_and_answer(
    integration_client, client_record, library
):
    screening = submit_with_question_10(integration_client, client_record.pk)
    (reported,) = [
        o
        for o in observations_of(integration_client, screening["id"])
        if o["code"]["coding"][0]["code"] == "69722-7"
    ]
    assert reported["valueCodeableConcept"]["coding"][0]["code"] == "LA6575-0"
    assert reported["valueCodeableConcept"]["text"] == "Very difficult"
    assert "valueInteger" not in reported
    assert "never part of any score" in reported["note"][0]["text"]


def test_the_reported_observation_can_be_read_by_its_id(integration_client, client_record, library):
    screening = submit_with_question_10(integration_client, client_record.pk)
    ids = [o["id"] for o in observations_of(integration_client, screening["id"])]
    reads = [body(integration_client.get(f"/fhir/Observation/{i}")) for i in ids]
    assert {r["code"]["coding"][0]["code"] for r in reads} == {"44261-6", "69722-7"}


def test_scale_score_readers_never_see_the_reported_answer(
    integration_client, client_record, library
):
    screening = submit_with_question_10(integration_client, client_record.pk)
    assert list(
        ScaleScore.objects.filter(screening_id=screening["id"]).values_list("scale_id", flat=True)
    ) == ["total"]
    assert ScaleScore.observations.filter(screening_id=screening["id"]).count() == 2


def test_a_code_search_for_the_total_finds_only_the_total(
    integration_client, client_record, library
):
    screening = submit_with_question_10(integration_client, client_record.pk)
    found = body(
        integration_client.get(
            "/fhir/Observation",
            {"code": "http://loinc.org|44261-6", "patient": str(client_record.pk)},
        )
    )
    codes = [e["resource"]["code"]["coding"][0]["code"] for e in found["entry"]]
    assert codes == ["44261-6"]
    assert screening["result"]["reported_items"]

"""Partial submission (issue 13, H-11): `allow_incomplete` completes a screening with gaps, the
result says so and lists them, and rules the answers already determine still fire."""

from tests.fhir_api.helpers import body, phq9_response, post
from tests.screenings.helpers import start

# Item 1 blank, items 2-8 at 2 (14), item 9 at 0: the total is 14 to 17 whatever item 1 is.
PHQ9_ITEM1_BLANK = [{"link_id": f"phq9-{n}", "value": 2} for n in range(2, 9)] + [
    {"link_id": "phq9-9", "value": 0}
]
PCPTSD5_FOUR_YES = [{"link_id": "pcptsd5-trauma", "value": True}] + [
    {"link_id": f"pcptsd5-{n}", "value": True} for n in range(1, 5)
]


def rules(screening: dict) -> list[str]:
    return [flag["rule"] for flag in screening["flags"]]


def test_a_phq9_with_item_1_blank_completes_incomplete_with_a_depression_flag_from_partial(
    clinician_client, client_record, library
):
    response = start(
        clinician_client,
        client_record.pk,
        "phq9",
        PHQ9_ITEM1_BLANK,
        submit=True,
        allow_incomplete=True,
    )
    assert response.status_code == 201, response.content
    screening = response.json()
    assert screening["status"] == "completed"
    assert screening["result"]["complete"] is False
    assert screening["result"]["missing_items"] == ["phq9-1"]
    (flag,) = screening["flags"]
    assert (flag["rule"], flag["determined_from_partial"]) == ("depression", True)
    assert "partial response" in flag["message"]
    assert flag["evidence"]["unanswered"] == ["phq9-1"]
    total = flag["evidence"]["scales"][0]
    assert (total["met"], total["threshold"], total["reachable"]) == (
        True,
        ">= 10",
        {"min": 14, "max": 17},
    )


def test_without_allow_incomplete_missing_answers_are_still_a_clear_400(
    clinician_client, client_record, library
):
    response = start(clinician_client, client_record.pk, "phq9", PHQ9_ITEM1_BLANK, submit=True)
    assert response.status_code == 400
    assert "phq9-1" in str(response.json())


def test_submitting_a_saved_screening_with_allow_incomplete_completes_it(
    clinician_client, client_record, library
):
    screening_id = start(clinician_client, client_record.pk, "phq9", PHQ9_ITEM1_BLANK).json()["id"]
    refused = clinician_client.post(f"/api/v1/screenings/{screening_id}/submit/")
    assert refused.status_code == 400
    submitted = clinician_client.post(
        f"/api/v1/screenings/{screening_id}/submit/", {"allow_incomplete": True}, format="json"
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["result"]["complete"] is False
    assert rules(submitted.json()) == ["depression"]


def test_pc_ptsd_5_with_four_yes_and_one_blank_flags(clinician_client, client_record, library):
    response = start(
        clinician_client,
        client_record.pk,
        "pc-ptsd-5",
        PCPTSD5_FOUR_YES,
        submit=True,
        allow_incomplete=True,
    )
    assert response.status_code == 201, response.content
    assert response.json()["result"]["missing_items"] == ["pcptsd5-5"]
    assert rules(response.json()) == ["ptsd"]


def test_a_phq9_with_one_blank_whose_total_could_still_fall_below_10_does_not_flag(
    clinician_client, client_record, library
):
    answers = [{"link_id": f"phq9-{n}", "value": 1} for n in range(2, 9)] + [
        {"link_id": "phq9-9", "value": 0}
    ]  # 7 to 10: not determined
    response = start(
        clinician_client, client_record.pk, "phq9", answers, submit=True, allow_incomplete=True
    )
    assert response.status_code == 201, response.content
    assert response.json()["flags"] == []


def test_nothing_answered_is_refused_even_with_allow_incomplete(
    clinician_client, client_record, library
):
    response = start(
        clinician_client, client_record.pk, "phq9", [], submit=True, allow_incomplete=True
    )
    assert response.status_code == 400


def test_a_completed_fhir_response_with_an_unanswered_item_completes_and_flags(
    integration_client, client_record, library
):
    resource = phq9_response(f"Patient/{client_record.pk}", each=2)
    resource["item"] = [i for i in resource["item"] if i["linkId"] != "phq9-1"]
    filed = post(integration_client, "/fhir/QuestionnaireResponse", resource)
    assert filed.status_code == 201, filed.content
    assert body(filed)["status"] == "completed"
    flags = body(integration_client.get(f"/fhir/Flag?patient=Patient/{client_record.pk}"))
    (entry,) = flags["entry"]
    extensions = {e["url"].rsplit("/", 1)[-1]: e for e in entry["resource"]["extension"]}
    assert extensions["flag-determined-from-partial"]["valueBoolean"] is True
    evidence = extensions["flag-evidence"]["valueString"]
    assert "threshold >= 10: met" in evidence
    assert "can still be 14 to 17" in evidence

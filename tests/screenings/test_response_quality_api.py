"""Issue 13: a screening's response-quality warning is shown with its result and repeated on every
flag, through REST and FHIR."""

from tests.screenings.helpers import start

HISI_ITEMS = [f"hisi-{n}" for n in range(1, 37)]


def every(value: int) -> list[dict]:
    return [{"link_id": link_id, "value": value} for link_id in HISI_ITEMS]


def codes(quality: dict) -> set[str]:
    return {warning["code"] for warning in quality["warnings"]}


def test_a_straight_lined_screening_carries_the_warning_in_its_result(
    clinician_client, client_record, library
):
    body = start(clinician_client, client_record.pk, "hisi", every(3), submit=True).json()
    quality = body["result"]["response_quality"]
    assert quality["checked"] is True
    assert codes(quality) == {"straight_lining", "reverse_contradiction"}


def test_every_flag_of_a_straight_lined_screening_repeats_the_warning(
    clinician_client, client_record, library
):
    body = start(clinician_client, client_record.pk, "hisi", every(3), submit=True).json()
    assert body["flags"]
    for flag in body["flags"]:
        assert flag["response_quality"] == body["result"]["response_quality"]
    inbox = clinician_client.get(f"/api/v1/flags/?client={client_record.pk}").json()["results"]
    assert all(codes(flag["response_quality"]) for flag in inbox)


def test_often_to_everything_raises_no_personality_related_flag_through_the_api(
    clinician_client, client_record, library
):
    body = start(clinician_client, client_record.pk, "hisi", every(3), submit=True).json()
    raised = {flag["condition"]["code"] for flag in body["flags"]}
    assert raised == {"ptsd", "depression", "anxiety", "burnout", "loneliness"}


def test_the_fhir_flag_repeats_the_warning(integration_client, client_record, library):
    body = start(integration_client, client_record.pk, "hisi", every(4), submit=True).json()
    flag_id = body["flags"][0]["id"]
    resource = integration_client.get(f"/fhir/Flag/{flag_id}").json()
    warnings = [
        e["valueCoding"]["code"]
        for e in resource["extension"]
        if e["url"].endswith("/response-quality-warning")
    ]
    assert sorted(warnings) == ["reverse_contradiction", "straight_lining"]


def test_a_phq9_result_says_it_was_not_checked(clinician_client, client_record, library):
    answers = [{"link_id": f"phq9-{n}", "value": 0} for n in range(1, 10)]
    body = start(clinician_client, client_record.pk, "phq9", answers, submit=True).json()
    assert body["result"]["response_quality"] == {"checked": False, "warnings": []}

from screening.models import Instrument

PREVIEW = "/api/v1/instruments/phq9/score-preview/"


def phq9_answers(item9: int = 0, others: int = 0) -> list[dict]:
    answers = [{"link_id": f"phq9-{n}", "value": others} for n in range(1, 9)]
    return [*answers, {"link_id": "phq9-9", "value": item9}]


def test_preview_scores_without_saving(clinician_client, library):
    before = Instrument.objects.count()
    response = clinician_client.post(PREVIEW, {"answers": phq9_answers(others=1)}, format="json")
    assert response.status_code == 200
    total = response.json()["result"]["scales"]["total"]
    assert total["score"] == 8
    assert Instrument.objects.count() == before


def test_preview_raises_the_urgent_self_harm_flag_whatever_the_total(clinician_client, library):
    response = clinician_client.post(PREVIEW, {"answers": phq9_answers(item9=1)}, format="json")
    flags = response.json()["result"]["flags"]
    fired = [(f["condition"]["code"], f["severity"]) for f in flags]
    assert fired == [("self-harm-risk", "urgent")]


def test_preview_accepts_option_codes(clinician_client, library):
    answers = [{"link_id": f"phq9-{n}", "code": "LA6571-9"} for n in range(1, 10)]
    response = clinician_client.post(PREVIEW, {"answers": answers}, format="json")
    assert response.json()["result"]["scales"]["total"]["score"] == 27


def test_preview_names_an_unknown_item(clinician_client, library):
    answers = [*phq9_answers(), {"link_id": "phq9-99", "value": 1}]
    response = clinician_client.post(PREVIEW, {"answers": answers}, format="json")
    assert response.status_code == 400
    assert "answers.9.link_id" in response.json()["fields"]


def test_preview_names_a_value_that_is_no_option(clinician_client, library):
    answers = phq9_answers()
    answers[2] = {"link_id": "phq9-3", "value": 7}
    response = clinician_client.post(PREVIEW, {"answers": answers}, format="json")
    assert response.status_code == 400
    assert "answers.2.value" in response.json()["fields"]

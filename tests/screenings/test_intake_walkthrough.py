"""The whole intake, as a therapist and as an EHR integration would do it through the API."""

from tests.factories import ClientFactory


def answers_for(api, instrument: str, *, high: bool) -> list[dict]:
    """Every item answered (highest or lowest option), read from the instrument's definition
    exactly as an API client would discover it."""
    detail = api.get(f"/api/v1/instruments/{instrument}/").json()
    version = api.get(f"/api/v1/instruments/{instrument}/versions/{detail['latest_version']}/")
    definition = version.json()["definition"]
    option_sets = definition.get("option_sets", {})
    answers = []
    for item in definition["items"]:
        if item.get("scored") is False:
            continue
        if item["type"] == "boolean":
            answers.append({"link_id": item["link_id"], "value": high})
            continue
        options = item["options"]
        options = option_sets[options] if isinstance(options, str) else options
        values = [option["value"] for option in options]
        answers.append({"link_id": item["link_id"], "value": max(values) if high else min(values)})
    return answers


def test_a_therapist_walks_the_whole_intake(clinician, clinician_client, library):
    created = clinician_client.post(
        "/api/v1/clients/",
        {
            "given_name": "Ana",
            "family_name": "Silva",
            "birth_date": "1990-04-02",
            "identifiers": [{"system": "https://ehr.example.org/mrn", "value": "MRN-1"}],
            "care_team": [clinician.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    client_id = created.json()["id"]

    answers = answers_for(clinician_client, "hisi", high=True)
    started = clinician_client.post(
        "/api/v1/screenings/",
        {"client": client_id, "instrument": "hisi", "mode": "self_report"},
        format="json",
    )
    assert started.status_code == 201
    screening_id = started.json()["id"]
    half = len(answers) // 2
    for part in (answers[:half], answers[half:]):
        saved = clinician_client.patch(
            f"/api/v1/screenings/{screening_id}/", {"answers": part}, format="json"
        )
        assert saved.status_code == 200
    submitted = clinician_client.post(f"/api/v1/screenings/{screening_id}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "completed"
    assert submitted.json()["result"]["complete"] is True

    inbox = clinician_client.get(f"/api/v1/flags/?client={client_id}").json()["results"]
    assert inbox, "a maximal HISI answer set raises flags for clinician review"
    with_follow_up = next(f for f in inbox if f["follow_up_instrument"])
    reviewed = clinician_client.post(
        f"/api/v1/flags/{with_follow_up['id']}/review/",
        {"status": "acknowledged", "note": "Discussed at intake; follow-up screen started."},
        format="json",
    )
    assert reviewed.json()["status"] == "acknowledged"

    follow_up = clinician_client.post(
        f"/api/v1/flags/{with_follow_up['id']}/follow-up/", {}, format="json"
    ).json()
    instrument = follow_up["instrument"]
    assert instrument == with_follow_up["follow_up_instrument"]
    answered = clinician_client.patch(
        f"/api/v1/screenings/{follow_up['id']}/",
        {"answers": answers_for(clinician_client, instrument, high=False)},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    done = clinician_client.post(f"/api/v1/screenings/{follow_up['id']}/submit/")
    assert done.status_code == 200, done.content

    timeline = clinician_client.get(f"/api/v1/clients/{client_id}/timeline/").json()
    assert [s["instrument"] for s in timeline["screenings"]] == [instrument, "hisi"]
    assert {t["instrument"] for t in timeline["trends"]} == {instrument, "hisi"}


def test_an_integration_submits_and_scores_in_one_call(integration_client, organization, library):
    record = ClientFactory(organization=organization)
    answers = [{"link_id": f"phq9-{n}", "code": "LA6570-1"} for n in range(1, 9)]
    answers.append({"link_id": "phq9-9", "code": "LA6569-3"})
    response = integration_client.post(
        "/api/v1/screenings/",
        {
            "client": record.pk,
            "instrument": "phq9",
            "mode": "self_report",
            "answers": answers,
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "completed"
    total = next(s for s in body["result"]["scales"] if s["id"] == "total")
    assert total["score"] == 17
    assert total["band"]["label"] == "Moderately severe"
    assert [(f["condition"]["code"], f["severity"]) for f in body["flags"]] == [
        ("self-harm-risk", "urgent"),
        ("depression", "review"),
    ]

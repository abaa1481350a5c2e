from tests.screenings.helpers import phq9, start


def test_the_timeline_lists_screenings_newest_first_with_trends_and_changes(
    clinician_client, client_record, library
):
    for each in (1, 2, 0):
        start(clinician_client, client_record.pk, "phq9", phq9(total_each=each), submit=True)
    start(clinician_client, client_record.pk, "gad7")
    response = clinician_client.get(f"/api/v1/clients/{client_record.pk}/timeline/")
    assert response.status_code == 200
    body = response.json()
    assert [s["instrument"] for s in body["screenings"]] == ["gad7", "phq9", "phq9", "phq9"]
    trend = next(t for t in body["trends"] if (t["instrument"], t["scale"]) == ("phq9", "total"))
    assert [p["score"] for p in trend["points"]] == [8, 16, 0]
    assert [p["change"] for p in trend["points"]] == [None, 8, -16]


def test_amended_and_voided_screenings_stay_out_of_the_trend(
    clinician_client, client_record, library
):
    first = start(clinician_client, client_record.pk, "phq9", phq9(1), submit=True).json()
    voided = start(clinician_client, client_record.pk, "phq9", phq9(3), submit=True).json()
    clinician_client.post(
        f"/api/v1/screenings/{voided['id']}/void/", {"reason": "test entry"}, format="json"
    )
    clinician_client.post(
        f"/api/v1/screenings/{first['id']}/amend/",
        {"reason": "typo", "answers": [{"link_id": "phq9-1", "value": 2}]},
        format="json",
    )
    body = clinician_client.get(f"/api/v1/clients/{client_record.pk}/timeline/").json()
    trend = next(t for t in body["trends"] if (t["instrument"], t["scale"]) == ("phq9", "total"))
    assert [p["score"] for p in trend["points"]] == [9]
    assert len(body["screenings"]) == 3


def test_another_organizations_client_timeline_answers_404(
    clinician_client, other_client_record, library
):
    response = clinician_client.get(f"/api/v1/clients/{other_client_record.pk}/timeline/")
    assert response.status_code == 404

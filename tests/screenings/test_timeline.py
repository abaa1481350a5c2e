import json
from pathlib import Path

from tests.screenings.helpers import pcl5, phq9, start

LIBRARY = Path(__file__).resolve().parents[2] / "screening" / "library"


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


def hisi_answers(value: int) -> list[dict]:
    definition = json.loads((LIBRARY / "hisi.json").read_text(encoding="utf-8"))
    return [{"link_id": item["link_id"], "value": value} for item in definition["items"]]


def test_trends_follow_the_instruments_scale_order_not_the_alphabet(
    clinician_client, client_record, library
):
    start(clinician_client, client_record.pk, "hisi", hisi_answers(1), submit=True)
    start(clinician_client, client_record.pk, "pcl5", pcl5(1), submit=True)
    body = clinician_client.get(f"/api/v1/clients/{client_record.pk}/timeline/").json()
    order = [(t["instrument"], t["scale"]) for t in body["trends"]]
    hisi = json.loads((LIBRARY / "hisi.json").read_text(encoding="utf-8"))
    pcl = json.loads((LIBRARY / "pcl5.json").read_text(encoding="utf-8"))
    assert order == [("hisi", s["id"]) for s in hisi["scales"]] + [
        ("pcl5", s["id"]) for s in pcl["scales"]
    ]
    assert order[0] == ("hisi", "total")


def test_a_screenings_result_lists_its_scales_in_the_instruments_order(
    clinician_client, client_record, library
):
    body = start(clinician_client, client_record.pk, "pcl5", pcl5(1), submit=True).json()
    assert [scale["id"] for scale in body["result"]["scales"]] == ["total", "b", "c", "d", "e"]


def test_whole_scores_and_changes_come_back_as_integers(clinician_client, client_record, library):
    for each in (1, 2):
        start(clinician_client, client_record.pk, "phq9", phq9(total_each=each), submit=True)
    response = clinician_client.get(f"/api/v1/clients/{client_record.pk}/timeline/")
    trend = next(t for t in response.json()["trends"] if t["instrument"] == "phq9")
    (first, second) = trend["points"]
    assert (first["score"], second["score"], second["change"]) == (8, 16, 8)
    assert all(type(n) is int for n in (first["score"], second["score"], second["change"]))
    assert all(type(b["min"]) is int for b in (first["band"], second["band"]))
    assert b'"score":8.0' not in response.content.replace(b" ", b"")

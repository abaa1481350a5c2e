"""Change between screenings over REST (issue 16): in a screening's result and on the timeline."""

from tests.factories import ClientFactory
from tests.screenings.helpers import (
    gad7_total,
    phq9_total,
    publish_phq9_without_change_criteria,
    start,
)


def submit_phq9(api, client_id: int, total: int, **extra) -> dict:
    response = start(api, client_id, "phq9", phq9_total(total), submit=True, **extra)
    assert response.status_code == 201, response.content
    return response.json()


def total_change(screening: dict) -> dict:
    return next(c for c in screening["result"]["change"] if c["scale"] == "total")


def timeline_outcome(api, client_id: int, instrument: str = "phq9") -> dict | None:
    body = api.get(f"/api/v1/clients/{client_id}/timeline/").json()
    trend = next(
        t for t in body["trends"] if (t["instrument"], t["scale"]) == (instrument, "total")
    )
    return trend["outcome"]


def test_phq9_18_then_7_is_a_reliable_improvement_and_a_response_in_the_result(
    clinician_client, client_record, library
):
    first = submit_phq9(clinician_client, client_record.pk, 18)
    second = submit_phq9(clinician_client, client_record.pk, 7)
    change = total_change(second)
    assert change["reliable_change"] == "improved"
    assert change["response"] is True
    assert change["remission"] is False
    assert change["recovery"] is True
    assert (change["change_since_baseline"], change["change_since_previous"]) == (-11, -11)
    assert change["baseline"]["screening"] == first["id"]
    assert change["latest"]["screening"] == second["id"]


def test_phq9_18_7_then_4_is_in_remission_on_the_timeline(clinician_client, client_record, library):
    for total in (18, 7, 4):
        submit_phq9(clinician_client, client_record.pk, total)
    outcome = timeline_outcome(clinician_client, client_record.pk)
    assert outcome["remission"] is True
    assert outcome["reliable_change"] == "improved"
    assert outcome["reliable_change_since_previous"] == "no_reliable_change"
    assert (outcome["baseline"]["score"], outcome["previous"]["score"]) == (18, 7)
    assert (outcome["change_since_baseline"], outcome["change_since_previous"]) == (-14, -3)


def test_phq9_18_then_15_is_no_reliable_change(clinician_client, client_record, library):
    submit_phq9(clinician_client, client_record.pk, 18)
    change = total_change(submit_phq9(clinician_client, client_record.pk, 15))
    assert change["reliable_change"] == "no_reliable_change"
    assert change["response"] is False
    assert timeline_outcome(clinician_client, client_record.pk)["reliable_change"] == (
        "no_reliable_change"
    )


def test_the_criteria_used_are_shown_with_their_sources(clinician_client, client_record, library):
    submit_phq9(clinician_client, client_record.pk, 18)
    criteria = total_change(submit_phq9(clinician_client, client_record.pk, 7))["criteria"]
    assert criteria["direction"] == "higher_is_worse"
    assert criteria["reliable_change"]["method"] == "points"
    assert criteria["reliable_change"]["threshold"] == 6
    assert "NHS Talking Therapies" in criteria["reliable_change"]["source"]
    assert (criteria["remission"]["op"], criteria["remission"]["value"]) == ("<", 5)
    assert criteria["response"]["percent"] == 50


def test_a_first_screening_has_an_empty_change_and_the_trend_no_outcome(
    clinician_client, client_record, library
):
    only = submit_phq9(clinician_client, client_record.pk, 18)
    assert only["result"]["change"] == []
    assert timeline_outcome(clinician_client, client_record.pk) is None


def test_an_earlier_screening_keeps_its_change_against_what_came_before_it(
    clinician_client, client_record, library
):
    submit_phq9(clinician_client, client_record.pk, 18)
    second = submit_phq9(clinician_client, client_record.pk, 7)
    submit_phq9(clinician_client, client_record.pk, 20)
    again = clinician_client.get(f"/api/v1/screenings/{second['id']}/").json()
    assert total_change(again)["latest"]["score"] == 7
    assert total_change(again)["reliable_change"] == "improved"


def test_an_in_progress_screening_has_no_change(clinician_client, client_record, library):
    submit_phq9(clinician_client, client_record.pk, 18)
    partial = start(clinician_client, client_record.pk, "phq9", phq9_total(7)[:3]).json()
    assert partial["result"] is None or partial["result"]["change"] is None


def test_a_voided_screening_leaves_the_comparison(clinician_client, client_record, library):
    submit_phq9(clinician_client, client_record.pk, 18)
    mistaken = submit_phq9(clinician_client, client_record.pk, 2)
    clinician_client.post(
        f"/api/v1/screenings/{mistaken['id']}/void/", {"reason": "wrong client"}, format="json"
    )
    change = total_change(submit_phq9(clinician_client, client_record.pk, 15))
    assert change["previous"]["score"] == 18
    assert change["reliable_change"] == "no_reliable_change"


def test_an_earlier_version_with_the_same_scale_counts_as_the_baseline(
    clinician_client, client_record, library
):
    earlier = publish_phq9_without_change_criteria()
    old = submit_phq9(clinician_client, client_record.pk, 18, version=earlier)
    change = total_change(submit_phq9(clinician_client, client_record.pk, 7))
    assert change["baseline"] == {**change["baseline"], "screening": old["id"], "version": earlier}
    assert change["latest"]["version"] == "1.1.0"
    assert change["reliable_change"] == "improved"


def test_a_latest_screening_on_a_version_without_criteria_is_not_classified(
    clinician_client, client_record, library
):
    submit_phq9(clinician_client, client_record.pk, 18)
    earlier = publish_phq9_without_change_criteria()
    change = total_change(submit_phq9(clinician_client, client_record.pk, 7, version=earlier))
    assert change["change_since_baseline"] == -11
    assert change["reliable_change"] == "not_defined"
    assert (change["response"], change["remission"], change["recovery"]) == (None, None, None)
    assert change["criteria"] is None


def test_gad7_uses_its_own_criteria(clinician_client, client_record, library):
    for total in (12, 7):
        start(clinician_client, client_record.pk, "gad7", gad7_total(total), submit=True)
    outcome = timeline_outcome(clinician_client, client_record.pk, "gad7")
    assert (outcome["reliable_change"], outcome["recovery"]) == ("improved", True)
    assert (outcome["response"], outcome["remission"]) == (None, None)


def test_another_clients_screenings_never_enter_the_comparison(
    clinician_client, client_record, organization, library
):
    someone_else = ClientFactory(organization=organization)
    submit_phq9(clinician_client, someone_else.pk, 24)
    assert submit_phq9(clinician_client, client_record.pk, 7)["result"]["change"] == []


def test_the_screening_list_carries_each_screenings_change(
    clinician_client, client_record, library
):
    submit_phq9(clinician_client, client_record.pk, 18)
    submit_phq9(clinician_client, client_record.pk, 7)
    listed = clinician_client.get("/api/v1/screenings/", {"client": client_record.pk}).json()
    rows = listed["results"]
    newest, oldest = rows[0], rows[1]
    assert total_change(newest)["reliable_change"] == "improved"
    assert oldest["result"]["change"] == []

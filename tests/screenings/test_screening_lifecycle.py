from clients.models import AuditEvent
from screening.models import Screening, ScreeningResult
from tests.screenings.helpers import pcl5, phq9, start


def test_a_screening_starts_in_progress_pinned_to_the_latest_published_version(
    clinician_client, client_record, library
):
    response = start(clinician_client, client_record.pk, "phq9")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["version"] == "1.1.0"
    assert body["result"] is None


def test_partial_answers_are_saved_while_in_progress(clinician_client, client_record, library):
    screening = start(clinician_client, client_record.pk, "phq9").json()
    response = clinician_client.patch(
        f"/api/v1/screenings/{screening['id']}/",
        {"answers": [{"link_id": "phq9-1", "value": 2}, {"link_id": "phq9-2", "code": "LA6569-3"}]},
        format="json",
    )
    assert response.status_code == 200
    answers = {a["link_id"]: a for a in response.json()["answers"]}
    assert answers["phq9-1"]["label"] == "More than half the days"
    assert answers["phq9-2"]["value"] == 1


def test_a_null_value_clears_a_saved_answer(clinician_client, client_record, library):
    screening = start(clinician_client, client_record.pk, "phq9", phq9()).json()
    response = clinician_client.patch(
        f"/api/v1/screenings/{screening['id']}/",
        {"answers": [{"link_id": "phq9-3", "value": None}]},
        format="json",
    )
    assert "phq9-3" not in {a["link_id"] for a in response.json()["answers"]}


def test_an_unknown_item_is_a_400_naming_it(clinician_client, client_record, library):
    response = start(clinician_client, client_record.pk, "phq9", [{"link_id": "x9", "value": 1}])
    assert response.status_code == 400
    assert "answers.0.link_id" in response.json()["fields"]
    assert not Screening.objects.exists()


def test_a_value_that_is_no_option_is_a_400_naming_the_item(
    clinician_client, client_record, library
):
    response = start(
        clinician_client, client_record.pk, "phq9", [{"link_id": "phq9-4", "value": 5}]
    )
    assert response.status_code == 400
    assert "phq9-4" in str(response.json()["fields"])


def test_an_answer_to_an_item_that_enable_when_hides_is_a_400(
    clinician_client, client_record, library
):
    answers = [
        {"link_id": "pcptsd5-trauma", "value": False},
        {"link_id": "pcptsd5-1", "value": True},
    ]
    response = start(clinician_client, client_record.pk, "pc-ptsd-5", answers)
    assert response.status_code == 400
    assert "pcptsd5-1" in str(response.json()["fields"])


def test_submitting_scores_and_stores_the_result(clinician_client, client_record, library):
    screening = start(clinician_client, client_record.pk, "phq9", phq9(total_each=2)).json()
    response = clinician_client.post(f"/api/v1/screenings/{screening['id']}/submit/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed"
    total = next(s for s in body["result"]["scales"] if s["id"] == "total")
    assert total["score"] == 16
    assert total["band"]["code"] == "moderately-severe" or total["band"]["label"]
    assert [f["condition"]["code"] for f in body["flags"]] == ["depression"]


def test_submitting_with_a_required_item_unanswered_is_a_400(
    clinician_client, client_record, library
):
    screening = start(clinician_client, client_record.pk, "phq9", phq9()[:5]).json()
    response = clinician_client.post(f"/api/v1/screenings/{screening['id']}/submit/")
    assert response.status_code == 400
    assert "phq9-6" in str(response.json()["fields"])
    assert not ScreeningResult.objects.exists()


def test_a_completed_screening_cannot_be_edited(clinician_client, client_record, library):
    screening = start(clinician_client, client_record.pk, "phq9", phq9(), submit=True).json()
    response = clinician_client.patch(
        f"/api/v1/screenings/{screening['id']}/",
        {"answers": [{"link_id": "phq9-1", "value": 3}]},
        format="json",
    )
    assert response.status_code == 409
    resubmit = clinician_client.post(f"/api/v1/screenings/{screening['id']}/submit/")
    assert resubmit.status_code == 409


def test_amending_makes_a_new_revision_and_keeps_the_old_one_readable(
    clinician_client, client_record, library
):
    first = start(clinician_client, client_record.pk, "phq9", phq9(), submit=True).json()
    response = clinician_client.post(
        f"/api/v1/screenings/{first['id']}/amend/",
        {"reason": "Item 1 was misheard", "answers": [{"link_id": "phq9-1", "value": 3}]},
        format="json",
    )
    assert response.status_code == 201
    revision = response.json()
    assert revision["revision"] == 2
    assert revision["supersedes"] == first["id"]
    assert revision["status"] == "completed"
    old = clinician_client.get(f"/api/v1/screenings/{first['id']}/").json()
    assert old["status"] == "amended"
    assert old["superseded_by"] == revision["id"]
    assert next(s for s in old["result"]["scales"] if s["id"] == "total")["score"] == 0


def test_amending_needs_a_reason(clinician_client, client_record, library):
    first = start(clinician_client, client_record.pk, "phq9", phq9(), submit=True).json()
    response = clinician_client.post(
        f"/api/v1/screenings/{first['id']}/amend/", {"reason": "", "answers": []}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]


def test_voiding_keeps_the_screening_with_its_reason(clinician_client, client_record, library):
    screening = start(clinician_client, client_record.pk, "phq9", phq9(), submit=True).json()
    response = clinician_client.post(
        f"/api/v1/screenings/{screening['id']}/void/", {"reason": "Wrong client"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "voided"
    assert response.json()["status_reason"] == "Wrong client"
    assert Screening.objects.filter(pk=screening["id"]).exists()


def test_another_organizations_screening_answers_404(
    clinician_client, other_client_record, library
):
    from tests.factories import api_client_for, member

    outsider = api_client_for(member(organization=other_client_record.organization))
    theirs = start(outsider, other_client_record.pk, "phq9", phq9(), submit=True).json()
    assert clinician_client.get(f"/api/v1/screenings/{theirs['id']}/").status_code == 404
    assert (
        clinician_client.post(
            f"/api/v1/screenings/{theirs['id']}/void/", {"reason": "x"}, format="json"
        ).status_code
        == 404
    )


def test_a_screening_for_another_organizations_client_is_refused(
    clinician_client, other_client_record, library
):
    response = start(clinician_client, other_client_record.pk, "phq9")
    assert response.status_code == 400
    assert "client" in response.json()["fields"]


def test_unknown_fields_in_a_screening_are_refused(clinician_client, client_record, library):
    response = start(clinician_client, client_record.pk, "phq9", status="completed")
    assert response.status_code == 400
    assert "status" in response.json()["fields"]


def test_every_screening_read_and_write_is_audited(
    clinician, clinician_client, client_record, library
):
    screening = start(clinician_client, client_record.pk, "phq9", phq9(), submit=True).json()
    clinician_client.get(f"/api/v1/screenings/{screening['id']}/")
    clinician_client.get("/api/v1/screenings/")
    events = AuditEvent.objects.filter(actor=clinician, object_type="screening")
    actions = sorted(events.values_list("action", flat=True))
    assert actions == ["read", "read", "screening.completed"]
    assert all(e.client_ids == [client_record.pk] for e in events)


def test_a_screening_started_and_submitted_in_one_call_is_one_completed_event_saying_so(
    clinician, clinician_client, client_record, library
):
    screening = start(clinician_client, client_record.pk, "phq9", phq9(2, 1), submit=True).json()
    event = AuditEvent.objects.get(actor=clinician, object_type="screening")
    assert (event.action, event.object_id) == ("screening.completed", str(screening["id"]))
    assert event.detail == {
        "instrument": "phq9",
        "status": "completed",
        "flags": [flag["rule"] for flag in screening["flags"]],
    }
    assert event.detail["flags"]


def test_a_screening_submitted_later_has_a_started_and_a_completed_event(
    clinician, clinician_client, client_record, library
):
    screening = start(clinician_client, client_record.pk, "phq9", phq9()).json()
    clinician_client.post(f"/api/v1/screenings/{screening['id']}/submit/")
    events = AuditEvent.objects.filter(actor=clinician, object_type="screening").order_by("id")
    assert [(e.action, e.detail.get("status")) for e in events] == [
        ("screening.started", None),
        ("screening.completed", "completed"),
    ]


def test_a_one_call_submit_answers_what_a_later_read_shows(
    clinician_client, client_record, library
):
    created = start(clinician_client, client_record.pk, "phq9", phq9(2, 1), submit=True)
    assert created.status_code == 201
    read = clinician_client.get(f"/api/v1/screenings/{created.json()['id']}/")
    assert created.json()["flags"]
    assert created.json() == read.json()


def test_a_started_screening_answers_what_a_later_read_shows(
    clinician_client, client_record, library
):
    created = start(clinician_client, client_record.pk, "pcl5", pcl5(1)[:5])
    assert created.status_code == 201
    read = clinician_client.get(f"/api/v1/screenings/{created.json()['id']}/")
    assert created.json() == read.json()

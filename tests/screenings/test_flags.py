from clients.models import AuditEvent, Role
from screening.models import Flag, FlagReview, Screening
from tests.factories import ClientFactory, api_client_for, member
from tests.screenings.helpers import pcl5, phq9, start


def raise_flags(api, client_id, item9=1, each=2):
    return start(api, client_id, "phq9", phq9(total_each=each, item9=item9), submit=True).json()


def test_item_9_raises_an_urgent_self_harm_flag_whatever_the_total(
    clinician_client, client_record, library
):
    body = start(clinician_client, client_record.pk, "phq9", phq9(item9=1), submit=True).json()
    assert [(f["condition"]["code"], f["severity"]) for f in body["flags"]] == [
        ("self-harm-risk", "urgent")
    ]


def test_a_flag_explains_itself(clinician_client, client_record, library):
    screening = raise_flags(clinician_client, client_record.pk)
    flag = next(f for f in screening["flags"] if f["condition"]["code"] == "depression")
    assert flag["rule"]
    assert flag["message"]
    assert flag["for_clinician_review"] is True
    assert any(s["id"] == "total" for s in flag["evidence"]["scales"])
    assert flag["status"] == "open"


def test_the_inbox_lists_urgent_flags_first_then_newest(clinician_client, organization, library):
    first = ClientFactory(organization=organization)
    second = ClientFactory(organization=organization)
    raise_flags(clinician_client, first.pk, item9=0)
    raise_flags(clinician_client, second.pk, item9=1)
    rows = clinician_client.get("/api/v1/flags/").json()["results"]
    assert [r["severity"] for r in rows] == ["urgent", "review", "review"]
    assert rows[1]["client"] == second.pk


def test_the_inbox_filters_by_status_severity_condition_and_client(
    clinician_client, client_record, library
):
    raise_flags(clinician_client, client_record.pk)
    get = clinician_client.get
    assert len(get("/api/v1/flags/?severity=urgent").json()["results"]) == 1
    assert len(get("/api/v1/flags/?condition=depression").json()["results"]) == 1
    assert len(get(f"/api/v1/flags/?client={client_record.pk}").json()["results"]) == 2
    assert get("/api/v1/flags/?status=dismissed").json()["results"] == []
    assert get("/api/v1/flags/?severity=critical").status_code == 400


def test_reviewing_a_flag_records_who_when_and_the_note(
    clinician, clinician_client, client_record, library
):
    screening = raise_flags(clinician_client, client_record.pk)
    flag_id = screening["flags"][0]["id"]
    response = clinician_client.post(
        f"/api/v1/flags/{flag_id}/review/",
        {"status": "acknowledged", "note": "Safety plan agreed in session."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"
    review = response.json()["reviews"][0]
    assert review["reviewer"] == clinician.username
    assert review["note"] == "Safety plan agreed in session."


def test_a_review_needs_a_note(clinician_client, client_record, library):
    flag_id = raise_flags(clinician_client, client_record.pk)["flags"][0]["id"]
    response = clinician_client.post(
        f"/api/v1/flags/{flag_id}/review/", {"status": "dismissed", "note": ""}, format="json"
    )
    assert response.status_code == 400
    assert "note" in response.json()["fields"]
    assert not FlagReview.objects.exists()


def test_integrations_read_flags_but_only_clinicians_review_them(
    integration_client, clinician_client, client_record, library
):
    flag_id = raise_flags(clinician_client, client_record.pk)["flags"][0]["id"]
    assert integration_client.get(f"/api/v1/flags/{flag_id}/").status_code == 200
    response = integration_client.post(
        f"/api/v1/flags/{flag_id}/review/", {"status": "dismissed", "note": "n"}, format="json"
    )
    assert response.status_code == 403


def test_starting_the_follow_up_links_a_new_screening_to_the_flag(
    clinician_client, client_record, library
):
    answers = [{"link_id": "pcptsd5-trauma", "value": True}] + [
        {"link_id": f"pcptsd5-{n}", "value": True} for n in range(1, 6)
    ]
    screening = start(clinician_client, client_record.pk, "pc-ptsd-5", answers, submit=True).json()
    flag = screening["flags"][0]
    assert flag["follow_up_instrument"] == "pcl5"
    response = clinician_client.post(f"/api/v1/flags/{flag['id']}/follow-up/", {}, format="json")
    assert response.status_code == 201
    follow_up = response.json()
    assert follow_up["instrument"] == "pcl5"
    assert follow_up["status"] == "in_progress"
    assert follow_up["client"] == client_record.pk
    assert Flag.objects.get(pk=flag["id"]).follow_up_screening_id == follow_up["id"]
    again = clinician_client.post(f"/api/v1/flags/{flag['id']}/follow-up/", {}, format="json")
    assert again.json()["id"] == follow_up["id"]


def test_a_flag_without_a_follow_up_instrument_answers_409(
    clinician_client, client_record, library
):
    urgent = raise_flags(clinician_client, client_record.pk)["flags"][0]
    assert urgent["follow_up_instrument"] == ""
    response = clinician_client.post(f"/api/v1/flags/{urgent['id']}/follow-up/", {}, format="json")
    assert response.status_code == 409


def test_another_organizations_flag_answers_404(clinician_client, other_organization, library):
    outsider = api_client_for(member(Role.CLINICIAN, other_organization))
    theirs = ClientFactory(organization=other_organization)
    flag_id = raise_flags(outsider, theirs.pk)["flags"][0]["id"]
    assert clinician_client.get(f"/api/v1/flags/{flag_id}/").status_code == 404
    response = clinician_client.post(
        f"/api/v1/flags/{flag_id}/review/", {"status": "dismissed", "note": "x"}, format="json"
    )
    assert response.status_code == 404
    assert clinician_client.get("/api/v1/flags/").json()["results"] == []


def test_flag_reviews_are_audited(clinician, clinician_client, client_record, library):
    flag_id = raise_flags(clinician_client, client_record.pk)["flags"][0]["id"]
    clinician_client.post(
        f"/api/v1/flags/{flag_id}/review/", {"status": "dismissed", "note": "ok"}, format="json"
    )
    event = AuditEvent.objects.get(actor=clinician, action="flag.reviewed")
    assert event.object_id == str(flag_id)
    assert event.client_ids == [client_record.pk]


def ptsd_flag(api, client_id: int) -> dict:
    """A PC-PTSD-5 screen positive enough to flag PTSD for review, suggesting the PCL-5."""
    answers = [{"link_id": "pcptsd5-trauma", "value": True}] + [
        {"link_id": f"pcptsd5-{n}", "value": True} for n in range(1, 6)
    ]
    flag = start(api, client_id, "pc-ptsd-5", answers, submit=True).json()["flags"][0]
    assert flag["follow_up_instrument"] == "pcl5"
    return flag


def test_two_flags_suggesting_the_same_follow_up_share_one_open_screening(
    clinician_client, client_record, library
):
    first, second = (
        ptsd_flag(clinician_client, client_record.pk),
        ptsd_flag(clinician_client, client_record.pk),
    )
    one = clinician_client.post(f"/api/v1/flags/{first['id']}/follow-up/", {}, format="json")
    two = clinician_client.post(f"/api/v1/flags/{second['id']}/follow-up/", {}, format="json")
    assert one.json()["id"] == two.json()["id"]
    assert Screening.objects.filter(instrument_version__instrument__code="pcl5").count() == 1
    assert Flag.objects.get(pk=second["id"]).follow_up_screening_id == one.json()["id"]


def test_a_finished_follow_up_is_not_reused_by_another_flag(
    clinician_client, client_record, library
):
    first = ptsd_flag(clinician_client, client_record.pk)
    done = clinician_client.post(f"/api/v1/flags/{first['id']}/follow-up/", {}, format="json")
    url = f"/api/v1/screenings/{done.json()['id']}/"
    clinician_client.patch(url, {"answers": pcl5(1)}, format="json")
    assert clinician_client.post(f"{url}submit/").json()["status"] == "completed"
    second = ptsd_flag(clinician_client, client_record.pk)
    again = clinician_client.post(f"/api/v1/flags/{second['id']}/follow-up/", {}, format="json")
    assert again.status_code == 201
    assert again.json()["id"] != done.json()["id"]
    assert again.json()["status"] == "in_progress"


def test_each_flag_raised_has_its_own_event_beside_the_completed_screening(
    clinician, clinician_client, client_record, library
):
    screening = raise_flags(clinician_client, client_record.pk)
    raised = AuditEvent.objects.filter(actor=clinician, action="flag.raised").order_by("pk")
    assert [event.object_id for event in raised] == sorted(
        str(flag["id"]) for flag in screening["flags"]
    )
    assert {tuple(event.client_ids) for event in raised} == {(client_record.pk,)}
    assert {event.detail["screening"] for event in raised} == {screening["id"]}

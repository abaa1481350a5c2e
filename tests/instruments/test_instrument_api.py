from clients.models import AuditEvent
from screening.models import InstrumentVersion, VersionStatus
from tests.factories import ClientFactory
from tests.instruments.definitions import tiny_definition

BASE = "/api/v1/instruments/"


def test_clinician_lists_the_published_library(clinician_client, library):
    response = clinician_client.get(BASE)
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()}
    assert {"phq9", "gad7", "pc-ptsd-5", "pcl5", "ucla3"} <= codes


def test_instrument_detail_carries_citation_and_licence(clinician_client, library):
    body = clinician_client.get(f"{BASE}phq9/").json()
    assert body["latest_version"] == "1.1.0"
    assert body["validated"] is True
    assert "Kroenke" in body["citation"]
    assert body["licence"]


def test_an_instrument_with_only_a_draft_is_invisible_to_clinicians(
    clinician_client, instrument_admin_client, library
):
    instrument_admin_client.post(BASE, {"definition": tiny_definition()}, format="json")
    assert clinician_client.get(f"{BASE}tiny/").status_code == 404
    assert "tiny" not in {row["code"] for row in clinician_client.get(BASE).json()}


def test_admin_creates_and_publishes_an_instrument_through_the_api_alone(
    instrument_admin_client, clinician_client, content
):
    created = instrument_admin_client.post(BASE, {"definition": tiny_definition()}, format="json")
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    published = instrument_admin_client.post(f"{BASE}tiny/versions/1.0.0/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert len(published.json()["checksum"]) == 64
    assert clinician_client.get(f"{BASE}tiny/").json()["latest_version"] == "1.0.0"


def test_a_bad_definition_gets_every_error_with_its_path_in_one_400(instrument_admin_client, db):
    definition = tiny_definition()
    definition["examples"][0]["answers"]["t9"] = 1
    definition["scales"][0]["bands"][1]["min"] = 1
    definition["rules"][0]["when"] = {"compare": {"item": "ghost", "op": ">", "value": 0}}
    response = instrument_admin_client.post(BASE, {"definition": definition}, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert any(key.startswith("definition.examples[0].answers") for key in fields)
    assert any(key.startswith("definition.scales[0].bands") for key in fields)
    assert any(key.startswith("definition.rules[0].when") for key in fields)
    assert not InstrumentVersion.objects.filter(instrument__code="tiny").exists()


def test_clinicians_cannot_change_the_library(clinician_client, db):
    response = clinician_client.post(BASE, {"definition": tiny_definition()}, format="json")
    assert response.status_code == 403


def test_editing_a_published_version_answers_409(instrument_admin_client, library):
    definition = InstrumentVersion.objects.get(instrument__code="phq9").definition
    response = instrument_admin_client.put(
        f"{BASE}phq9/versions/1.1.0/", {"definition": definition}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_a_new_version_starts_as_a_copy_of_the_last_with_a_new_label(
    instrument_admin_client, library
):
    response = instrument_admin_client.post(f"{BASE}phq9/versions/", {}, format="json")
    assert response.status_code == 201
    assert response.json()["version"] == "1.1.1"
    assert response.json()["status"] == "draft"
    original = InstrumentVersion.objects.get(instrument__code="phq9", version="1.1.0")
    draft = InstrumentVersion.objects.get(instrument__code="phq9", version="1.1.1")
    assert draft.definition["items"] == original.definition["items"]


def test_a_draft_can_be_edited_and_publishing_checks_its_examples(instrument_admin_client, content):
    instrument_admin_client.post(BASE, {"definition": tiny_definition()}, format="json")
    wrong = tiny_definition()
    wrong["examples"][0]["expect"]["flags"] = []
    edited = instrument_admin_client.put(
        f"{BASE}tiny/versions/1.0.0/", {"definition": wrong}, format="json"
    )
    assert edited.status_code == 200
    refused = instrument_admin_client.post(f"{BASE}tiny/versions/1.0.0/publish/")
    assert refused.status_code == 400
    assert "definition.examples" in refused.json()["fields"]


def test_retiring_a_published_version(instrument_admin_client, library):
    response = instrument_admin_client.post(f"{BASE}ucla3/versions/1.1.0/retire/")
    assert response.status_code == 200
    assert response.json()["status"] == "retired"
    again = instrument_admin_client.post(f"{BASE}ucla3/versions/1.1.0/retire/")
    assert again.status_code == 409


def test_drafts_can_be_deleted_but_published_versions_cannot(instrument_admin_client, library):
    instrument_admin_client.post(f"{BASE}gad7/versions/", {}, format="json")
    assert instrument_admin_client.delete(f"{BASE}gad7/versions/1.1.1/").status_code == 204
    assert instrument_admin_client.delete(f"{BASE}gad7/versions/1.1.0/").status_code == 409


def test_export_returns_the_definition_for_import_elsewhere(clinician_client, library):
    response = clinician_client.get(f"{BASE}gad7/versions/1.1.0/export/")
    assert response.status_code == 200
    assert response.json()["code"] == "gad7"
    assert "attachment" in response["Content-Disposition"]


def test_library_changes_are_audited(instrument_admin, instrument_admin_client, content):
    instrument_admin_client.post(BASE, {"definition": tiny_definition()}, format="json")
    instrument_admin_client.post(f"{BASE}tiny/versions/1.0.0/publish/")
    actions = list(
        AuditEvent.objects.filter(actor=instrument_admin, object_type="instrument_version")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_members_do_not_see_drafts_in_the_version_list(
    clinician_client, instrument_admin_client, library
):
    instrument_admin_client.post(f"{BASE}phq9/versions/", {}, format="json")
    labels = [row["version"] for row in clinician_client.get(f"{BASE}phq9/versions/").json()]
    assert labels == ["1.1.0"]
    admin_labels = [
        row["version"] for row in instrument_admin_client.get(f"{BASE}phq9/versions/").json()
    ]
    assert set(admin_labels) == {"1.1.0", "1.1.1"}
    assert VersionStatus.DRAFT in set(InstrumentVersion.objects.values_list("status", flat=True))


def test_publishing_refuses_a_rule_naming_an_unknown_condition(instrument_admin_client, content):
    definition = tiny_definition()
    definition["rules"][0]["condition"] = "no-such-condition"
    instrument_admin_client.post(BASE, {"definition": definition}, format="json")
    response = instrument_admin_client.post(f"{BASE}tiny/versions/1.0.0/publish/")
    assert response.status_code == 400
    assert "definition.rules[0].condition" in response.json()["fields"]


def test_publishing_refuses_a_follow_up_that_is_not_in_the_library(
    instrument_admin_client, content
):
    definition = tiny_definition()
    definition["rules"][0]["follow_up"] = "no-such-instrument"
    instrument_admin_client.post(BASE, {"definition": definition}, format="json")
    response = instrument_admin_client.post(f"{BASE}tiny/versions/1.0.0/publish/")
    assert response.status_code == 400
    assert "definition.rules[0].follow_up" in response.json()["fields"]


def test_publishing_refuses_a_flag_label_that_reads_as_a_diagnosis(
    instrument_admin_client, content
):
    definition = tiny_definition()
    definition["rules"][0]["label"] = "Borderline personality disorder (BPD)"
    instrument_admin_client.post(BASE, {"definition": definition}, format="json")
    response = instrument_admin_client.post(f"{BASE}tiny/versions/1.0.0/publish/")
    assert response.status_code == 400
    assert "definition.rules[0].label" in response.json()["fields"]


def test_publishing_refuses_an_unvalidated_flag_message_that_does_not_say_so(
    instrument_admin_client, content
):
    definition = tiny_definition()
    definition["rules"][0]["message"] = "Total {scale:total}: for clinician review."
    instrument_admin_client.post(BASE, {"definition": definition}, format="json")
    response = instrument_admin_client.post(f"{BASE}tiny/versions/1.0.0/publish/")
    assert response.status_code == 400
    assert "definition.rules[0].message" in response.json()["fields"]


def test_the_list_links_each_instrument_to_its_detail(clinician_client, library):
    listed = {i["code"]: i for i in clinician_client.get("/api/v1/instruments/").json()}
    assert listed["phq9"]["url"] == "http://testserver/api/v1/instruments/phq9/"


def test_instrument_detail_shows_the_latest_published_items_and_their_options(
    clinician_client, library
):
    latest = clinician_client.get("/api/v1/instruments/phq9/").json()["latest"]
    assert latest["version"] == "1.1.0"
    assert latest["url"] == "http://testserver/api/v1/instruments/phq9/versions/1.1.0/"
    assert latest["instructions"].startswith("Over the last 2 weeks")
    items = {item["link_id"]: item for item in latest["items"]}
    assert len(items) == 10
    assert items["phq9-9"]["critical"] is True
    assert items["phq9-1"]["options"] == [
        {"code": "LA6568-5", "label": "Not at all", "value": 0},
        {"code": "LA6569-3", "label": "Several days", "value": 1},
        {"code": "LA6570-1", "label": "More than half the days", "value": 2},
        {"code": "LA6571-9", "label": "Nearly every day", "value": 3},
    ]


def test_instrument_detail_shows_each_scale_with_its_range_and_bands(clinician_client, library):
    (total,) = clinician_client.get("/api/v1/instruments/phq9/").json()["latest"]["scales"]
    assert total["id"] == "total"
    assert total["method"] == "sum"
    assert total["items"] == [f"phq9-{n}" for n in range(1, 10)]
    assert (total["min"], total["max"]) == (0, 27)
    assert [(b["min"], b["max"]) for b in total["bands"]] == [
        (0, 4),
        (5, 9),
        (10, 14),
        (15, 19),
        (20, 27),
    ]
    assert total["bands_provisional"] is False


def test_reverse_scored_items_and_provisional_bands_are_shown(clinician_client, library):
    scales = clinician_client.get("/api/v1/instruments/hisi/").json()["latest"]["scales"]
    total = next(scale for scale in scales if scale["id"] == "total")
    assert total["reverse_items"]
    assert set(total["reverse_items"]) <= set(total["items"])
    assert all(scale["bands_provisional"] for scale in scales)


def test_the_detail_says_where_to_go_next(clinician_client, library):
    body = clinician_client.get("/api/v1/instruments/gad7/").json()
    assert body["versions_url"] == "http://testserver/api/v1/instruments/gad7/versions/"
    assert body["score_preview_url"] == ("http://testserver/api/v1/instruments/gad7/score-preview/")
    assert body["screenings_url"] == "http://testserver/api/v1/screenings/"


def test_a_screening_can_be_run_from_what_the_detail_shows(clinician_client, organization, library):
    """From the list to a completed screening without guessing a link id or a value."""
    client_record = ClientFactory(organization=organization)
    detail_url = clinician_client.get("/api/v1/instruments/").json()[0]["url"]
    detail = clinician_client.get(detail_url).json()
    answers = [
        {"link_id": item["link_id"], "value": item["options"][0]["value"]}
        for item in detail["latest"]["items"]
        if item["type"] == "choice"
    ]
    response = clinician_client.post(
        detail["screenings_url"],
        {
            "client": client_record.pk,
            "instrument": detail["code"],
            "mode": "clinician",
            "answers": answers,
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "completed"


def test_an_instrument_with_only_a_draft_has_no_latest_for_its_admins(instrument_admin_client, db):
    instrument_admin_client.post(
        "/api/v1/instruments/", {"definition": tiny_definition()}, format="json"
    )
    assert instrument_admin_client.get("/api/v1/instruments/tiny/").json()["latest"] is None

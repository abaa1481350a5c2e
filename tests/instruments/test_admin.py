import json

from screening.models import InstrumentVersion
from tests.instruments.definitions import tiny_definition


def test_instrument_admin_reaches_the_version_list_in_the_django_admin(
    client, instrument_admin, library
):
    client.force_login(instrument_admin)
    response = client.get("/admin/screening/instrumentversion/")
    assert response.status_code == 200
    assert b"phq9" in response.content


def test_a_published_version_is_read_only_in_the_django_admin(client, instrument_admin, library):
    client.force_login(instrument_admin)
    version = InstrumentVersion.objects.get(instrument__code="phq9")
    response = client.post(
        f"/admin/screening/instrumentversion/{version.pk}/change/", {"definition": "{}"}
    )
    version.refresh_from_db()
    assert response.status_code == 403
    assert version.definition["code"] == "phq9"


def test_the_django_admin_shows_validation_errors_of_a_draft(
    client, instrument_admin, instrument_admin_client, db
):
    instrument_admin_client.post(
        "/api/v1/instruments/", {"definition": tiny_definition()}, format="json"
    )
    draft = InstrumentVersion.objects.get(instrument__code="tiny")
    broken = tiny_definition()
    broken["scales"][0]["items"] = ["t1", "ghost"]
    client.force_login(instrument_admin)
    response = client.post(
        f"/admin/screening/instrumentversion/{draft.pk}/change/",
        {"definition": json.dumps(broken)},
    )
    assert response.status_code == 200
    assert b"definition.scales[0].items[1]" in response.content
    draft.refresh_from_db()
    assert draft.definition["scales"][0]["items"] == ["t1", "t2"]


def test_a_clinician_cannot_use_the_django_admin(client, clinician):
    client.force_login(clinician)
    response = client.get("/admin/screening/instrumentversion/")
    assert response.status_code == 302

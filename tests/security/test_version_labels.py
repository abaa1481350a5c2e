"""Instrument version labels are semver-like at every entry point (issue 14, section 2): a label
names the version in URLs and FHIR ids, and `../../y` was accepted and then unreachable."""

import json

import pytest

from screening.engine import validate
from screening.engine.labels import is_version_label
from screening.models import InstrumentVersion
from screening.services.library import library_load
from tests.instruments.definitions import tiny_definition

BAD_LABELS = ["../../y", "1.0.0/", "v1", "1.0.0\n", "1..0", "", "1.0.0-", "\u0661.0", "1" * 41]


@pytest.mark.parametrize("label", ["1", "2.0", "1.1.0", "1.1.0-rc.1", "10.20.30-beta-2"])
def test_semver_like_labels_are_version_labels(label):
    assert is_version_label(label)
    assert validate(tiny_definition(version=label)) == []


@pytest.mark.parametrize("label", BAD_LABELS)
def test_anything_else_is_refused_by_the_engine_at_the_definitions_version(label):
    errors = validate(tiny_definition(version=label))
    assert [e.path for e in errors] == ["$.version"]


def test_the_api_refuses_a_path_like_label_for_a_new_draft_naming_the_field(
    instrument_admin_client, library
):
    response = instrument_admin_client.post(
        "/api/v1/instruments/phq9/versions/", {"version": "../../y"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["version"]
    assert not InstrumentVersion.objects.filter(version="../../y").exists()


def test_the_api_refuses_an_imported_definition_with_a_path_like_label(instrument_admin_client, db):
    response = instrument_admin_client.post(
        "/api/v1/instruments/", {"definition": tiny_definition(version="../../y")}, format="json"
    )
    assert response.status_code == 400
    assert "definition.version" in response.json()["fields"]


def test_the_admin_editor_refuses_a_path_like_label(
    client, instrument_admin, instrument_admin_client, db
):
    instrument_admin_client.post(
        "/api/v1/instruments/", {"definition": tiny_definition()}, format="json"
    )
    draft = InstrumentVersion.objects.get(instrument__code="tiny")
    client.force_login(instrument_admin)
    edited = tiny_definition(version="../../y")
    page = client.post(
        f"/admin/screening/instrumentversion/{draft.pk}/change/",
        {"definition": json.dumps(edited, indent=2)},
    ).content.decode()
    assert "definition.version" in page
    draft.refresh_from_db()
    assert draft.version == "1.0.0"


def test_load_library_refuses_a_shipped_file_with_a_path_like_label(tmp_path, content):
    (tmp_path / "tiny.json").write_text(json.dumps(tiny_definition(version="../../y")))
    with pytest.raises(Exception, match="version"):
        library_load(directory=tmp_path)
    assert not InstrumentVersion.objects.filter(instrument__code="tiny").exists()

"""Issue 13: a flag's label names a possible pattern as a screen, saved and previewed flags have
one shape, and a flag from an unvalidated instrument says so wherever it is shown."""

import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps

from screening.flag_labels import flag_label
from screening.models import Flag
from tests.screenings.helpers import phq9, start

HISI = json.loads(
    (Path(__file__).resolve().parents[2] / "screening/library/hisi.json").read_text("utf-8")
)


def hisi_example(name_start: str) -> list[dict]:
    example = next(e for e in HISI["examples"] if e["name"].startswith(name_start))
    return [{"link_id": k, "value": v} for k, v in example["answers"].items()]


def test_a_rule_label_is_the_flags_label():
    label = "Possible avoidant pattern (screen, not a diagnosis)"
    assert flag_label(label, "Avoidant personality disorder (AVPD)") == label


def test_a_rule_without_a_label_gets_a_possible_screen_label_from_the_condition_name():
    assert (
        flag_label(None, "Borderline personality disorder (BPD)")
        == "Possible borderline personality disorder (BPD) (screen, not a diagnosis)"
    )


def test_a_condition_name_that_already_says_possible_is_not_said_twice():
    assert (
        flag_label(None, "Possible risk of self-harm or suicide")
        == "Possible risk of self-harm or suicide (screen, not a diagnosis)"
    )


def test_an_acronym_keeps_its_capitals_in_a_derived_label():
    assert flag_label(None, "PTSD").startswith("Possible PTSD (screen")


def test_a_saved_flag_is_labelled_as_a_possible_pattern_and_a_screen(
    clinician_client, client_record, library
):
    body = start(
        clinician_client, client_record.pk, "hisi", hisi_example("avpd rule"), submit=True
    ).json()
    (flag,) = body["flags"]
    assert flag["condition"]["code"] == "avpd"
    assert flag["condition"]["name"].startswith("Possible ")
    assert flag["condition"]["name"].endswith("(screen, not a diagnosis)")


def test_a_flag_of_the_unvalidated_inventory_says_so_in_rest(
    clinician_client, client_record, library
):
    body = start(
        clinician_client, client_record.pk, "hisi", hisi_example("avpd rule"), submit=True
    ).json()
    (flag,) = body["flags"]
    listed = clinician_client.get(f"/api/v1/flags/{flag['id']}/").json()
    assert listed["instrument_validated"] is False
    assert "not validated" in listed["source"]


def test_a_phq9_flag_says_its_instrument_is_validated(clinician_client, client_record, library):
    body = start(clinician_client, client_record.pk, "phq9", phq9(item9=1), submit=True).json()
    assert [f["instrument_validated"] for f in body["flags"]] == [True]


def test_preview_and_saved_flags_have_one_shape(clinician_client, client_record, library):
    answers = hisi_example("avpd rule")
    preview = clinician_client.post(
        "/api/v1/instruments/hisi/score-preview/", {"answers": answers}, format="json"
    ).json()["result"]["flags"]
    saved = start(clinician_client, client_record.pk, "hisi", answers, submit=True).json()["flags"]
    (previewed,) = preview
    (stored,) = saved
    assert set(previewed) <= set(stored)
    for key in ("rule", "source", "severity", "instrument_validated", "message", "evidence"):
        assert previewed[key] == stored[key], key
    assert previewed["condition"] == stored["condition"]


def test_the_fhir_flag_shows_the_screen_label_in_display_and_text(
    integration_client, client_record, library
):
    body = start(
        integration_client, client_record.pk, "hisi", hisi_example("avpd rule"), submit=True
    ).json()
    (flag,) = body["flags"]
    resource = integration_client.get(f"/fhir/Flag/{flag['id']}").json()
    (coding,) = resource["code"]["coding"]
    assert coding["display"] == flag["condition"]["name"]
    assert resource["code"]["text"].startswith(flag["condition"]["name"])
    validated = [e for e in resource["extension"] if e["url"].endswith("/instrument-validated")]
    assert validated == [{"url": validated[0]["url"], "valueBoolean": False}]


@pytest.mark.django_db
def test_the_migration_relabels_stored_flags_that_name_a_disorder(
    clinician_client, client_record, library
):
    body = start(
        clinician_client, client_record.pk, "hisi", hisi_example("avpd rule"), submit=True
    ).json()
    flag_id = body["flags"][0]["id"]
    Flag.objects.filter(pk=flag_id).update(
        condition_name="Avoidant personality disorder (AVPD)", instrument_validated=True
    )
    migration = importlib.import_module("screening.migrations.0004_flag_labels_quality")
    migration.forwards(apps, None)
    flag = Flag.objects.get(pk=flag_id)
    assert flag.condition_name.startswith("Possible ")
    assert flag.condition_name.endswith("(screen, not a diagnosis)")
    assert flag.instrument_validated is False

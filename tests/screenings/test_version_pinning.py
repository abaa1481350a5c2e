"""Issue 13: HISI 1.1.0 changes flag rules; a screening completed on 1.0.0 keeps its version, its
result and its flags, and loading the library again rescores nothing."""

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from screening import engine
from screening.models import Flag, ScreeningResult, VersionStatus
from screening.services.instruments import instrument_import
from screening.services.library import library_load
from tests.screenings.helpers import start

OLD = Path(__file__).resolve().parents[1] / "fixtures/library/hisi-1.0.0.json"
EVERY_OFTEN = [{"link_id": f"hisi-{n}", "value": 3} for n in range(1, 37)]


def publish_old_hisi():
    """HISI 1.0.0 as a deployment published it before 1.1.0. Publishing it today is refused (its
    messages do not all say "not validated"), so the row is marked published as it was then."""
    definition = json.loads(OLD.read_text(encoding="utf-8"))
    version = instrument_import(definition=definition, actor=None)
    version.status = VersionStatus.PUBLISHED
    version.checksum = engine.checksum(definition)
    version.published_at = timezone.now() - timedelta(days=30)
    version.save(update_fields=["status", "checksum", "published_at"])


def test_a_screening_completed_on_hisi_1_0_0_keeps_its_version_result_and_flags(
    clinician_client, client_record, library
):
    publish_old_hisi()
    old = start(
        clinician_client, client_record.pk, "hisi", EVERY_OFTEN, submit=True, version="1.0.0"
    ).json()
    assert old["version"] == "1.0.0"
    assert len(old["flags"]) == 9
    before = ScreeningResult.objects.get(screening_id=old["id"])

    library_load()

    again = clinician_client.get(f"/api/v1/screenings/{old['id']}/").json()
    assert again["version"] == "1.0.0"
    assert again["result"]["scales"] == old["result"]["scales"]
    assert [f["rule"] for f in again["flags"]] == [f["rule"] for f in old["flags"]]
    after = ScreeningResult.objects.get(screening_id=old["id"])
    assert (after.pk, after.scored_at) == (before.pk, before.scored_at)
    assert Flag.objects.filter(screening_id=old["id"]).count() == 9


def test_the_same_answers_on_hisi_1_1_0_raise_the_recalibrated_flags(
    clinician_client, client_record, library
):
    publish_old_hisi()
    new = start(
        clinician_client, client_record.pk, "hisi", EVERY_OFTEN, submit=True, version="1.1.0"
    ).json()
    assert new["version"] == "1.1.0"
    assert len(new["flags"]) == 5
    assert {f["severity"] for f in new["flags"]} == {"review", "info"}

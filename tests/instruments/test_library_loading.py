import json

import pytest

from screening.models import Instrument, InstrumentVersion, VersionStatus
from screening.services.library import LIBRARY_DIR, LibraryConflict, library_load

SHIPPED = {"phq9", "gad7", "pc-ptsd-5", "pcl5", "ucla3"}


def test_loading_the_library_publishes_every_shipped_instrument(library):
    published = set(
        InstrumentVersion.objects.filter(status=VersionStatus.PUBLISHED).values_list(
            "instrument__code", flat=True
        )
    )
    assert published >= SHIPPED


def test_loading_the_library_twice_gives_the_same_rows(library):
    before = list(InstrumentVersion.objects.values_list("pk", "checksum").order_by("pk"))
    again = library_load()
    after = list(InstrumentVersion.objects.values_list("pk", "checksum").order_by("pk"))
    assert before == after
    assert {entry.action for entry in again} == {"unchanged"}
    assert Instrument.objects.count() == len(before)


def test_a_published_version_carries_the_checksum_of_its_definition(library):
    from screening import engine

    version = InstrumentVersion.objects.get(instrument__code="phq9")
    assert version.checksum == engine.checksum(version.definition)


def test_a_changed_shipped_definition_with_the_same_label_is_refused(library, tmp_path):
    definition = json.loads((LIBRARY_DIR / "gad7.json").read_text())
    definition["title"] = "GAD-7, edited without a new version label"
    (tmp_path / "gad7.json").write_text(json.dumps(definition))
    with pytest.raises(LibraryConflict):
        library_load(directory=tmp_path)


def test_a_published_version_cannot_be_rewritten_through_the_model(library):
    version = InstrumentVersion.objects.get(instrument__code="phq9")
    version.definition = {**version.definition, "title": "changed"}
    with pytest.raises(PermissionError):
        version.save()

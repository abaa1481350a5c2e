import json
import shutil
from pathlib import Path

import pytest

from clients.models import AuditEvent
from config.errors import InvalidInput
from content.models import (
    Approach,
    Comparison,
    Condition,
    Domain,
    Impact,
    Indicator,
    Origin,
    Source,
)
from content.services.library import AUDIT_OBJECT_TYPE, DATA_DIR, content_load
from tests.content_api.helpers import KINDS, codes, items

MODELS = {
    "sources": Source,
    "domains": Domain,
    "indicators": Indicator,
    "conditions": Condition,
    "origins": Origin,
    "impacts": Impact,
    "comparisons": Comparison,
    "approaches": Approach,
}


def snapshot() -> dict[str, list[tuple]]:
    return {
        kind: list(model.objects.order_by("pk").values_list("pk", "code", "updated_at"))
        for kind, model in MODELS.items()
    }


def data_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    return directory


def rewrite(directory: Path, kind: str, change) -> None:
    path = directory / f"{kind}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["items"])
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_loading_creates_one_row_per_entry_of_every_file(content):
    for kind, model in MODELS.items():
        assert sorted(model.objects.values_list("code", flat=True)) == sorted(codes(kind))


def test_loading_twice_gives_the_same_rows(content):
    before = snapshot()
    again = content_load()
    assert snapshot() == before
    assert not again.changed
    assert all(len(k.unchanged) == len(codes(k.kind)) for k in again.kinds)


def test_the_first_load_reports_every_entry_as_created(empty_db):
    report = content_load()
    assert [k.kind for k in report.kinds] == list(KINDS)
    assert all(k.created == codes(k.kind) for k in report.kinds)


def test_relations_follow_the_files(content):
    ptsd = next(item for item in items("conditions") if item["code"] == "ptsd")
    condition = Condition.objects.get(code="ptsd")
    assert set(condition.indicators.values_list("code", flat=True)) == set(ptsd["indicators"])
    assert set(condition.sources.values_list("code", flat=True)) == {
        citation["source"] for citation in ptsd["citations"]
    }
    assert Indicator.objects.get(code="HI-ASK-HELP").domain.code == "help-seeking"


def test_a_changed_entry_is_updated_in_place(content, tmp_path):
    directory = data_copy(tmp_path)
    pk = Indicator.objects.get(code="HI-ASK-HELP").pk

    def rename(entries):
        entries[0]["name"] = "Holding back from asking for help"

    rewrite(directory, "indicators", rename)
    report = content_load(directory=directory)
    assert report.kind("indicators").updated == ["HI-ASK-HELP"]
    indicator = Indicator.objects.get(code="HI-ASK-HELP")
    assert (indicator.pk, indicator.name) == (pk, "Holding back from asking for help")


def test_an_entry_removed_from_the_files_is_retired_not_deleted(content, tmp_path):
    directory = data_copy(tmp_path)
    removed = codes("comparisons")[-1]
    rewrite(directory, "comparisons", lambda entries: entries.pop())
    report = content_load(directory=directory)
    assert report.kind("comparisons").retired == [removed]
    assert Comparison.objects.get(code=removed).retired_at is not None
    assert Comparison.objects.count() == len(codes("comparisons"))


def test_a_retired_entry_that_returns_to_the_files_is_current_again(content, tmp_path):
    directory = data_copy(tmp_path)
    removed = codes("comparisons")[-1]
    rewrite(directory, "comparisons", lambda entries: entries.pop())
    content_load(directory=directory)
    report = content_load()
    assert report.kind("comparisons").updated == [removed]
    assert Comparison.objects.get(code=removed).retired_at is None


def test_a_dangling_reference_refuses_the_whole_load(empty_db, tmp_path):
    directory = data_copy(tmp_path)

    def dangle(entries):
        entries[0]["indicators"] = [*entries[0]["indicators"], "HI-NO-SUCH-SIGN"]

    rewrite(directory, "approaches", dangle)
    with pytest.raises(InvalidInput) as raised:
        content_load(directory=directory)
    assert any("HI-NO-SUCH-SIGN" in str(m) for m in raised.value.fields.values())
    assert not Source.objects.exists()


def test_a_citation_of_an_unlisted_section_refuses_the_load(db, tmp_path):
    directory = data_copy(tmp_path)

    def miscite(entries):
        entries[0]["citations"] = [{"source": "src-armor", "section": "No Such Heading"}]

    rewrite(directory, "domains", miscite)
    with pytest.raises(InvalidInput) as raised:
        content_load(directory=directory)
    assert "domains.json[help-seeking].citations" in raised.value.fields


def test_a_load_that_changes_something_leaves_one_audit_event(empty_db):
    content_load()
    content_load()
    events = AuditEvent.objects.filter(object_type=AUDIT_OBJECT_TYPE)
    assert events.count() == 1
    assert events.get().detail["indicators"]["created"] == len(codes("indicators"))


def test_load_library_loads_content_before_instruments(empty_db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_library", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("content sources: 4 entries")
    first_instrument = next(i for i, line in enumerate(lines) if line.startswith("instrument "))
    assert all(line.startswith("content ") for line in lines[:first_instrument])

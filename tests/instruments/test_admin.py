import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils.html import escape

from clients.models import AuditEvent
from screening.admin_editor import EDITOR_MEDIA
from screening.models import InstrumentVersion, Screening
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


@pytest.fixture
def draft(instrument_admin_client, db):
    instrument_admin_client.post(
        "/api/v1/instruments/", {"definition": tiny_definition()}, format="json"
    )
    return InstrumentVersion.objects.get(instrument__code="tiny")


def change_url(version: InstrumentVersion) -> str:
    return f"/admin/screening/instrumentversion/{version.pk}/change/"


def test_a_draft_is_edited_pretty_printed_in_the_json_editor(client, instrument_admin, draft):
    client.force_login(instrument_admin)
    page = client.get(change_url(draft)).content.decode()
    assert 'class="json-editor"' in page
    assert "\n  &quot;code&quot;: &quot;tiny&quot;,\n" in page  # one key a line, not one long line
    assert "screening/vendor/codemirror-5.65.21/lib/codemirror.js" in page
    assert "screening/admin/editor.js" in page


def test_the_editor_assets_are_served_by_the_app_itself(client, instrument_admin, draft):
    client.force_login(instrument_admin)
    page = client.get(change_url(draft)).content.decode()
    sources = re.findall(r'<(?:script[^>]+src|link[^>]+href)="([^"]+)"', page)
    assert not [s for s in sources if re.match(r"(?:https?:)?//", s)], "an asset from elsewhere"
    for path in EDITOR_MEDIA._js + [p for paths in EDITOR_MEDIA._css.values() for p in paths]:
        assert finders.find(path), f"{path} is not among the static files"


def test_each_validation_error_is_listed_with_its_path_and_the_line_it_points_to(
    client, instrument_admin, draft
):
    broken = tiny_definition()
    broken["scales"][0]["items"] = ["t1", "ghost"]
    text = json.dumps(broken, indent=2)
    client.force_login(instrument_admin)
    page = client.post(change_url(draft), {"definition": text}).content.decode()
    ghost_line = next(n for n, line in enumerate(text.splitlines(), 1) if '"ghost"' in line)
    assert re.search(
        r'definition\.scales\[0\]\.items\[1\]</code>\s*<a [^>]*data-json-line="'
        + str(ghost_line)
        + '"',
        page,
    )
    assert "no item &#x27;ghost&#x27;" in page
    assert "The definition has 1 problem" in page


def test_the_text_is_kept_as_typed_when_a_save_fails(client, instrument_admin, draft):
    broken = tiny_definition()
    broken["scales"][0]["items"] = ["t1", "ghost"]
    text = json.dumps(broken, separators=(",", ":"))  # one line, as someone might paste it
    client.force_login(instrument_admin)
    response = client.post(change_url(draft), {"definition": text})
    assert escape(text) in response.content.decode()


def test_invalid_json_is_reported_with_its_line_and_column(client, instrument_admin, draft):
    client.force_login(instrument_admin)
    response = client.post(change_url(draft), {"definition": '{\n  "code": "tiny",\n  "x": }'})
    page = response.content.decode()
    assert "Not valid JSON: Expecting value (line 3, column 8)." in page
    assert 'data-json-line="3"' in page


def test_a_valid_edit_is_saved_through_the_service(client, instrument_admin, draft):
    edited = tiny_definition()
    edited["title"] = "Tiny, edited"
    client.force_login(instrument_admin)
    response = client.post(change_url(draft), {"definition": json.dumps(edited, indent=2)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.definition["title"] == "Tiny, edited"


def test_a_published_definition_is_rendered_in_collapsible_sections(
    client, instrument_admin, library
):
    client.force_login(instrument_admin)
    version = InstrumentVersion.objects.get(instrument__code="phq9")
    page = client.get(change_url(version)).content.decode()
    assert "<summary>Items (10)</summary>" in page
    assert "<summary>Scales (1)</summary>" in page
    assert "Flag rules (2)" in page
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in page
    assert "20\u201327" in page  # the severe band, 20-27
    assert '<textarea class="json-editor" readonly' in page  # the JSON, highlighted, read-only


def test_the_score_preview_form_lists_every_item_with_its_options(client, instrument_admin, draft):
    client.force_login(instrument_admin)
    page = client.get(change_url(draft)).content.decode()
    assert 'id="score-preview"' in page
    assert 'name="answer:t1"' in page
    assert 'name="answer:t2"' in page


def test_the_score_preview_scores_answers_without_saving_anything(
    client, instrument_admin, library
):
    client.force_login(instrument_admin)
    version = InstrumentVersion.objects.get(instrument__code="phq9")
    answers = {f"answer:phq9-{n}": "2" for n in range(1, 10)}
    events = AuditEvent.objects.count()
    page = client.get(change_url(version), {"preview": "1", **answers}).content.decode()
    assert re.search(r"<td>\s*18\s*</td>", page)
    assert "Moderately severe" in page
    assert "Flags for clinician review (2)" in page
    assert Screening.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_score_preview_reports_an_answer_that_is_no_option(client, instrument_admin, library):
    client.force_login(instrument_admin)
    version = InstrumentVersion.objects.get(instrument__code="phq9")
    page = client.get(change_url(version), {"preview": "1", "answer:phq9-1": "7"}).content.decode()
    assert 'class="errorlist"' in page
    assert "phq9-1" in page

import json

from clients.models import AuditEvent
from content.models import Condition, Indicator
from content.services.library import content_load
from tests.factories import UserFactory

CHANGE = "/admin/content/indicator/{pk}/change/"


def change_form(client, url: str, **changes) -> dict:
    """The change form's fields as a browser posts them (with the hidden initial values that
    Django compares against to find what changed), with `changes` applied."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else value
        if field.show_hidden_initial:
            data[f"initial-{name}"] = data[name]
    data.update(changes)
    return data


def edit_indicator(client, code: str, **changes):
    url = CHANGE.format(pk=Indicator.objects.get(code=code).pk)
    return client.post(url, change_form(client, url, **changes))


def test_an_instrument_admin_can_edit_an_indicator_in_the_django_admin(
    client, instrument_admin, content
):
    client.force_login(instrument_admin)
    response = edit_indicator(client, "HI-ASK-HELP", name="Reluctant to ask")
    assert response.status_code == 302, response.content
    assert Indicator.objects.get(code="HI-ASK-HELP").name == "Reluctant to ask"


def test_an_admin_edit_is_audited_with_the_fields_it_changed(client, instrument_admin, content):
    client.force_login(instrument_admin)
    edit_indicator(client, "HI-ASK-HELP", name="Reluctant to ask")
    event = AuditEvent.objects.get(object_type="content_indicator")
    assert event.actor == instrument_admin
    assert event.detail == {"code": "HI-ASK-HELP", "fields": ["name"]}


def test_editing_citations_in_the_admin_keeps_the_source_filter_in_step(
    client, instrument_admin, content
):
    citations = [{"source": "src-armor", "section": "The Aversion to Asking for Help"}]
    client.force_login(instrument_admin)
    edit_indicator(client, "HI-ASK-HELP", citations=json.dumps(citations))
    indicator = Indicator.objects.get(code="HI-ASK-HELP")
    assert indicator.citations == citations
    assert list(indicator.sources.values_list("code", flat=True)) == ["src-armor"]


def test_the_admin_refuses_a_citation_of_a_section_the_source_does_not_list(
    client, instrument_admin, content
):
    before = Indicator.objects.get(code="HI-ASK-HELP").citations
    citations = [{"source": "src-armor", "section": "Invented Heading"}]
    client.force_login(instrument_admin)
    response = edit_indicator(client, "HI-ASK-HELP", citations=json.dumps(citations))
    assert response.status_code == 200
    assert b"src-armor has no section" in response.content
    assert Indicator.objects.get(code="HI-ASK-HELP").citations == before


def test_the_next_load_restores_the_files_text_over_an_admin_edit(
    client, instrument_admin, content
):
    original = Indicator.objects.get(code="HI-ASK-HELP").name
    client.force_login(instrument_admin)
    edit_indicator(client, "HI-ASK-HELP", name="Reluctant to ask")
    report = content_load()
    assert Indicator.objects.get(code="HI-ASK-HELP").name == original
    assert report.kind("indicators").updated == ["HI-ASK-HELP"]


def test_an_instrument_admin_can_change_a_conditions_indicators(client, instrument_admin, content):
    condition = Condition.objects.get(code="burnout")
    keep = sorted(condition.indicators.values_list("pk", flat=True))[:2]
    url = f"/admin/content/condition/{condition.pk}/change/"
    client.force_login(instrument_admin)
    response = client.post(url, change_form(client, url, indicators=keep))
    assert response.status_code == 302, response.content
    assert sorted(condition.indicators.values_list("pk", flat=True)) == keep


def test_the_admin_lists_indicators_with_search_and_filters(client, instrument_admin, content):
    domain = Indicator.objects.get(code="HI-ASK-HELP").domain_id
    client.force_login(instrument_admin)
    response = client.get(f"/admin/content/indicator/?q=ASK-HELP&domain__id__exact={domain}")
    assert response.status_code == 200
    assert b"HI-ASK-HELP" in response.content


def test_a_clinician_cannot_use_the_content_admin(client, clinician, content):
    indicator = Indicator.objects.get(code="HI-ASK-HELP")
    client.force_login(clinician)
    response = client.post(CHANGE.format(pk=indicator.pk), {"name": "x"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    indicator.refresh_from_db()
    assert indicator.name != "x"


def test_a_staff_user_without_the_library_role_cannot_edit_content(client, db, content):
    indicator = Indicator.objects.get(code="HI-ASK-HELP")
    client.force_login(UserFactory(is_staff=True))
    response = client.post(CHANGE.format(pk=indicator.pk), {"name": "x"})
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.name != "x"


def test_content_cannot_be_added_or_deleted_in_the_admin(client, instrument_admin, content):
    indicator = Indicator.objects.get(code="HI-ASK-HELP")
    client.force_login(instrument_admin)
    assert client.get("/admin/content/indicator/add/").status_code == 403
    assert client.get(f"/admin/content/indicator/{indicator.pk}/delete/").status_code == 403

"""Issue 19's searches: subject and patient, category, _id, _lastUpdated, _sort, _count,
_summary, _total, _elements, comma lists of dates, `ap`, Patient by name and birth date, POST
_search, _pretty, and Prefer: handling=lenient."""

import datetime as dt
import json

from django.utils import timezone

from clients.models import Client
from screening.models import Flag, Screening
from tests.factories import ClientFactory
from tests.fhir_api.helpers import BASE, body, submitted_phq9

UTC = dt.UTC


def ids(bundle):
    return [e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match"]


def search(api, path, **params):
    return body(api.get(path, params))


def submitted_on(organization, client, day: dt.datetime, **kwargs) -> Screening:
    screening = submitted_phq9(organization, client, **kwargs)
    Screening.objects.filter(pk=screening.pk).update(submitted_at=day, updated_at=day)
    return screening


def test_observations_are_found_by_subject_as_by_patient(
    integration_client, organization, client_record, library
):
    submitted_phq9(organization, client_record)
    submitted_phq9(organization, client_record)
    submitted_phq9(organization, ClientFactory(organization=organization))
    subject = f"Patient/{client_record.pk}"
    by_subject = search(integration_client, "/fhir/Observation", subject=subject)
    by_patient = search(integration_client, "/fhir/Observation", patient=client_record.pk)
    assert ids(by_subject) == ids(by_patient)
    assert len(ids(by_subject)) == 2


def test_responses_and_flags_are_found_by_subject(
    integration_client, organization, client_record, library
):
    screening = submitted_phq9(organization, client_record, each=2, item9=1)
    submitted_phq9(organization, ClientFactory(organization=organization), each=2, item9=1)
    subject = f"Patient/{client_record.pk}"
    assert ids(search(integration_client, "/fhir/QuestionnaireResponse", subject=subject)) == [
        str(screening.pk)
    ]
    flags = search(integration_client, "/fhir/Flag", subject=subject)
    assert {e["resource"]["subject"]["reference"] for e in flags["entry"]} == {subject}
    assert len(flags["entry"]) == Flag.objects.filter(client=client_record).count() == 2


def test_observation_category_survey_finds_every_observation_and_another_none(
    integration_client, organization, client_record, library
):
    submitted_phq9(organization, client_record)
    survey = "http://terminology.hl7.org/CodeSystem/observation-category|survey"
    assert len(ids(search(integration_client, "/fhir/Observation", category=survey))) == 1
    assert len(ids(search(integration_client, "/fhir/Observation", category="survey"))) == 1
    assert search(integration_client, "/fhir/Observation", category="other|survey")["entry"] == []
    assert search(integration_client, "/fhir/Observation", category="laboratory")["entry"] == []


def test_search_by_id_takes_a_list(integration_client, organization, library):
    first, _second, third = (ClientFactory(organization=organization) for _ in range(3))
    found = search(integration_client, "/fhir/Patient", _id=f"{first.pk},{third.pk}")
    assert ids(found) == [str(third.pk), str(first.pk)]


def test_last_updated_finds_what_changed_in_a_range(
    integration_client, organization, client_record, library
):
    old = submitted_on(organization, client_record, dt.datetime(2024, 1, 10, tzinfo=UTC))
    new = submitted_phq9(organization, client_record)
    found = search(integration_client, "/fhir/QuestionnaireResponse", _lastUpdated="ge2025-01-01")
    assert ids(found) == [str(new.pk)]
    before = search(integration_client, "/fhir/QuestionnaireResponse", _lastUpdated="lt2025")
    assert ids(before) == [str(old.pk)]


def test_sort_by_date_in_both_directions_and_across_pages(
    integration_client, organization, client_record, library
):
    days = [dt.datetime(2024, m, 1, tzinfo=UTC) for m in (3, 1, 2)]
    made = [submitted_on(organization, client_record, d) for d in days]
    oldest_first = [str(made[i].pk) for i in (1, 2, 0)]
    url = "/fhir/QuestionnaireResponse?_sort=authored&_count=2"
    seen = []
    while url:
        page = body(integration_client.get(url))
        seen += ids(page)
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        url = nxt[0].replace("http://testserver", "") if nxt else None
    assert seen == oldest_first
    newest = search(integration_client, "/fhir/QuestionnaireResponse", _sort="-authored")
    assert ids(newest) == oldest_first[::-1]


def test_sort_by_last_updated(integration_client, organization, client_record, library):
    first = submitted_on(organization, client_record, dt.datetime(2024, 5, 1, tzinfo=UTC))
    second = submitted_on(organization, client_record, dt.datetime(2024, 4, 1, tzinfo=UTC))
    found = search(integration_client, "/fhir/Observation", _sort="_lastUpdated", code="44261-6")
    assert [e["resource"]["derivedFrom"][0]["reference"] for e in found["entry"]] == [
        f"QuestionnaireResponse/{second.pk}",
        f"QuestionnaireResponse/{first.pk}",
    ]


def test_a_sort_on_what_is_not_sortable_is_a_400(integration_client, library):
    response = integration_client.get("/fhir/Observation", {"_sort": "code"})
    assert response.status_code == 400
    assert "sorts by _lastUpdated, date" in body(response)["issue"][0]["diagnostics"]


def test_flags_sorted_by_date_stay_urgent_first(
    integration_client, organization, client_record, library
):
    submitted_phq9(organization, client_record, each=2, item9=1)
    found = search(integration_client, "/fhir/Flag", _sort="date")
    codes = [e["resource"]["code"]["coding"][0]["code"] for e in found["entry"]]
    assert codes[0] == "self-harm-risk"


def test_count_pages_the_questionnaires(integration_client, library):
    first = search(integration_client, "/fhir/Questionnaire", _count=1)
    assert len(first["entry"]) == 1
    nxt = [link["url"] for link in first["link"] if link["relation"] == "next"]
    second = body(integration_client.get(nxt[0].replace("http://testserver", "")))
    assert len(second["entry"]) == 1
    assert ids(second) != ids(first)


def test_summary_count_answers_the_total_without_entries(
    integration_client, organization, client_record, library
):
    submitted_phq9(organization, client_record)
    submitted_phq9(organization, client_record)
    found = search(integration_client, "/fhir/Observation", _summary="count")
    assert found["total"] == 2
    assert found["entry"] == []


def test_total_accurate_counts_every_match_beyond_the_page(
    integration_client, organization, client_record, library
):
    for _ in range(3):
        submitted_phq9(organization, client_record)
    found = search(integration_client, "/fhir/QuestionnaireResponse", _total="accurate", _count=1)
    assert found["total"] == 3
    assert len(found["entry"]) == 1
    assert "total" not in search(integration_client, "/fhir/QuestionnaireResponse")


def test_elements_keeps_the_elements_asked_for_and_marks_the_subset(
    integration_client, organization, client_record, library
):
    submitted_phq9(organization, client_record)
    found = integration_client.get(
        "/fhir/Observation", {"_elements": "status,valueInteger", "code": "44261-6"}
    ).json()
    (resource,) = [e["resource"] for e in found["entry"]]
    assert set(resource) == {"resourceType", "id", "meta", "status", "valueInteger"}
    assert {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
        "code": "SUBSETTED",
        "display": "subsetted",
    } in resource["meta"]["tag"]


def test_comma_separated_dates_are_alternatives(
    integration_client, organization, client_record, library
):
    may = submitted_on(organization, client_record, dt.datetime(2024, 5, 3, tzinfo=UTC))
    submitted_on(organization, client_record, dt.datetime(2024, 6, 3, tzinfo=UTC))
    july = submitted_on(organization, client_record, dt.datetime(2024, 7, 3, tzinfo=UTC))
    found = search(integration_client, "/fhir/QuestionnaireResponse", authored="2024-05,2024-07")
    assert ids(found) == [str(july.pk), str(may.pk)]


def test_ap_finds_dates_near_the_value(integration_client, organization, client_record, library):
    now = timezone.now()
    near = submitted_on(organization, client_record, now - dt.timedelta(days=95))
    submitted_on(organization, client_record, now - dt.timedelta(days=130))
    # 100 days ago, give or take a tenth of that: 90 to 110 days ago.
    day = (now - dt.timedelta(days=100)).date().isoformat()
    found = search(integration_client, "/fhir/QuestionnaireResponse", authored=f"ap{day}")
    assert ids(found) == [str(near.pk)]


def test_patients_by_name_family_given_and_birthdate(integration_client, organization, library):
    ana = ClientFactory(
        organization=organization,
        given_name="Ana Maria",
        family_name="Silva",
        birth_date=dt.date(1990, 4, 2),
    )
    ClientFactory(
        organization=organization,
        given_name="Rui",
        family_name="Silvano",
        birth_date=dt.date(1985, 1, 1),
    )
    find = lambda **p: ids(search(integration_client, "/fhir/Patient", **p))  # noqa: E731
    assert find(given="maria") == [str(ana.pk)]
    assert len(find(family="silva")) == 2  # starts with
    assert find(name="ana") == [str(ana.pk)]
    assert find(birthdate="1990-04-02") == [str(ana.pk)]
    assert find(birthdate="1990") == [str(ana.pk)]
    assert find(birthdate="lt1990", family="Silva") != [str(ana.pk)]
    assert find(birthdate="1990-04-03") == []


def test_post_search_with_a_form_body(integration_client, organization, client_record, library):
    screening = submitted_phq9(organization, client_record)
    response = integration_client.post(
        "/fhir/QuestionnaireResponse/_search?status=completed",
        f"patient=Patient/{client_record.pk}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    found = body(response)
    assert ids(found) == [str(screening.pk)]
    assert found["link"][0]["url"].startswith(f"{BASE}/QuestionnaireResponse?status=completed")


def test_post_search_with_a_json_body_is_a_415(integration_client, client_record, library):
    response = integration_client.post(
        "/fhir/Patient/_search", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 415
    assert body(response)["resourceType"] == "OperationOutcome"


def test_pretty_indents_a_search(integration_client, library):
    response = integration_client.get("/fhir/Questionnaire", {"_pretty": "true", "_count": 1})
    assert response.status_code == 200
    assert b'\n  "resourceType"' in response.content


def test_lenient_handling_ignores_unknown_parameters_and_says_what_was_applied(
    integration_client, organization, client_record, library
):
    submitted_phq9(organization, client_record)
    response = integration_client.get(
        "/fhir/Observation",
        {"patinet": "1", "code:text": "x", "code": "44261-6"},
        headers={"Prefer": "handling=lenient"},
    )
    found = body(response)
    assert len(found["entry"]) == 1
    assert found["link"][0]["url"] == f"{BASE}/Observation?code=44261-6"


def test_strict_handling_refuses_unknown_parameters(integration_client, library):
    response = integration_client.get(
        "/fhir/Observation", {"patinet": "1"}, headers={"Prefer": "handling=strict"}
    )
    assert response.status_code == 400


def test_searches_start_from_the_callers_organization(
    integration_client, organization, other_organization, library
):
    stranger = ClientFactory(organization=other_organization)
    submitted_phq9(other_organization, stranger)
    assert Client.objects.filter(organization=other_organization).exists()
    for path, params in (
        ("/fhir/Patient", {"_id": stranger.pk}),
        ("/fhir/Observation", {"subject": f"Patient/{stranger.pk}"}),
        ("/fhir/Observation", {"_summary": "count"}),
    ):
        found = search(integration_client, path, **params)
        assert found["entry"] == []
        assert found.get("total", 0) == 0

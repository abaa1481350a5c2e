"""Search parameters, paging, and conditional create's match counting."""

import datetime as dt

from django.utils import timezone

from screening.models import Screening
from tests.factories import ClientFactory, ClientIdentifierFactory
from tests.fhir_api.helpers import MRN, body, patient, post, submitted_phq9


def ids(bundle):
    return [e["resource"]["id"] for e in bundle["entry"]]


def test_conditional_create_with_several_matches_is_a_412(integration_client, organization):
    for system in ("https://a.example.org/mrn", "https://b.example.org/mrn"):
        ClientIdentifierFactory(
            client=ClientFactory(organization=organization), system=system, value="123"
        )
    response = post(
        integration_client, "/fhir/Patient", patient(), {"If-None-Exist": "identifier=123"}
    )
    assert response.status_code == 412
    assert body(response)["issue"][0]["code"] == "multiple-matches"
    # Other criteria than identifier are not offered.
    other = post(integration_client, "/fhir/Patient", patient(), {"If-None-Exist": "name=Silva"})
    assert other.status_code == 400


def test_patient_search_by_identifier(integration_client, organization, client_record):
    ClientIdentifierFactory(
        client=ClientFactory(organization=organization), system=MRN, value="MRN-9"
    )
    assert ids(body(integration_client.get("/fhir/Patient", {"identifier": f"{MRN}|MRN-77"}))) == [
        str(client_record.pk)
    ]
    assert ids(body(integration_client.get("/fhir/Patient", {"identifier": "MRN-77"}))) == [
        str(client_record.pk)
    ]
    both = body(integration_client.get("/fhir/Patient", {"identifier": "MRN-77,MRN-9"}))
    assert len(both["entry"]) == 2
    assert (
        body(integration_client.get("/fhir/Patient", {"identifier": "https://other|MRN-77"}))[
            "entry"
        ]
        == []
    )


def test_response_search_by_patient_questionnaire_authored_status(
    integration_client, organization, client_record, library
):
    other = ClientFactory(organization=organization)
    first = submitted_phq9(organization, client_record)
    second = submitted_phq9(organization, client_record, each=1)
    third = submitted_phq9(organization, other)
    Screening.objects.filter(pk=first.pk).update(
        submitted_at=dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    )
    Screening.objects.filter(pk=second.pk).update(
        submitted_at=dt.datetime(2024, 6, 15, 10, tzinfo=dt.UTC)
    )
    search = lambda **p: ids(body(integration_client.get("/fhir/QuestionnaireResponse", p)))  # noqa: E731
    assert search(patient=f"Patient/{client_record.pk}") == [str(second.pk), str(first.pk)]
    assert search(patient=client_record.pk, authored="2024-05") == [str(first.pk)]
    assert search(patient=client_record.pk, authored="ge2024-06-01") == [str(second.pk)]
    assert search(patient=client_record.pk, authored="lt2024-06-15") == [str(first.pk)]
    assert search(patient=client_record.pk, authored="le2024-06-15") == [
        str(second.pk),
        str(first.pk),
    ]
    assert search(patient=client_record.pk, authored="gt2024-05-01T10:00:00Z") == [str(second.pk)]
    between = search(authored=["ge2024-05-01", "lt2024-07-01"])
    assert between == [str(second.pk), str(first.pk)]
    assert str(third.pk) in search(questionnaire="http://testserver/fhir/Questionnaire/phq9|1.1.0")
    assert search(questionnaire="http://testserver/fhir/Questionnaire/gad7") == []
    assert search(status="completed", patient=other.pk) == [str(third.pk)]
    assert search(status="in-progress") == []


def test_observation_search(integration_client, organization, client_record, library):
    screening = submitted_phq9(organization, client_record, each=2)
    gad = ClientFactory(organization=organization)
    search = lambda **p: body(integration_client.get("/fhir/Observation", p))  # noqa: E731
    by_code = search(code="http://loinc.org|44261-6")
    assert len(by_code["entry"]) == 1
    assert by_code["entry"][0]["resource"]["valueInteger"] == 16
    assert search(code="44261-6", patient=gad.pk)["entry"] == []
    assert len(search(**{"derived-from": f"QuestionnaireResponse/{screening.pk}"})["entry"]) == 1
    today = timezone.now().date().isoformat()
    assert len(search(date=today)["entry"]) == 1
    assert search(date=f"lt{today}")["entry"] == []
    assert len(search(status="final")["entry"]) == 1
    assert search(status="cancelled")["entry"] == []


def test_our_own_scale_codes_for_scales_without_one(
    integration_client, organization, client_record, library
):
    from screening.models import InstrumentVersion
    from screening.services.screenings import screening_start

    version = InstrumentVersion.objects.get(instrument__code="hisi")
    definition = version.definition
    answers = [
        {"link_id": item["link_id"], "value": 1 if item["type"] == "choice" else False}
        for item in definition["items"]
    ]
    screening_start(
        organization=organization,
        client=client_record,
        version=version,
        mode="self_report",
        actor=None,
        answers=answers,
        submit=True,
    )
    found = body(
        integration_client.get(
            "/fhir/Observation",
            {"code": "https://screening.example.org/fhir/CodeSystem/scale|hisi/total"},
        )
    )
    (observation,) = [e["resource"] for e in found["entry"]]
    assert observation["code"]["coding"] == [
        {"system": "https://screening.example.org/fhir/CodeSystem/scale", "code": "hisi/total"}
    ]


def test_pages_link_to_the_next(integration_client, organization, library):
    records = ClientFactory.create_batch(5, organization=organization)
    for record in records:
        submitted_phq9(organization, record)
    seen = []
    url = "/fhir/Observation?_count=2"
    while url:
        page = body(integration_client.get(url))
        assert len(page["entry"]) <= 2
        seen += ids(page)
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        url = nxt[0].replace("http://testserver", "") if nxt else None
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen, key=int, reverse=True)


def test_flags_search_urgent_first(integration_client, organization, client_record, library):
    submitted_phq9(organization, client_record, each=2, item9=1)
    flags = body(integration_client.get("/fhir/Flag", {"patient": client_record.pk}))
    codes = [e["resource"]["code"]["coding"][0]["code"] for e in flags["entry"]]
    assert codes == ["self-harm-risk", "depression"]
    assert len(body(integration_client.get("/fhir/Flag", {"status": "active"}))["entry"]) == 2
    assert body(integration_client.get("/fhir/Flag", {"status": "inactive"}))["entry"] == []


def test_a_date_past_the_end_of_time_is_a_400_not_a_500(integration_client, library):
    response = integration_client.get("/fhir/Observation", {"date": "9999-12-31T23:59:59-05:00"})
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"

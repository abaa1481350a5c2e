"""_include and _revinclude: the references we hold, each one more search of the other type,
from the caller's organization and audited like any search."""

from clients.models import AuditEvent
from screening.fhir_api import includes
from tests.factories import ClientFactory
from tests.fhir_api.helpers import body, submitted_phq9


def entries(bundle, mode):
    return [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == mode]


def kinds(bundle, mode):
    return sorted((r["resourceType"], r["id"]) for r in entries(bundle, mode))


def test_responses_include_their_patients_and_questionnaires(
    integration_client, organization, client_record, library
):
    screenings = [submitted_phq9(organization, client_record) for _ in range(2)]
    found = body(
        integration_client.get(
            "/fhir/QuestionnaireResponse",
            {"_include": ["QuestionnaireResponse:subject", "QuestionnaireResponse:questionnaire"]},
        )
    )
    assert len(entries(found, "match")) == 2
    # Each referenced resource once, however many matches refer to it.
    assert kinds(found, "include") == [
        ("Patient", str(client_record.pk)),
        ("Questionnaire", "phq9-1.1.0"),
    ]
    assert {r["id"] for r in entries(found, "match")} == {str(s.pk) for s in screenings}


def test_observations_include_the_responses_they_derive_from(
    integration_client, organization, client_record, library
):
    screening = submitted_phq9(organization, client_record)
    found = body(
        integration_client.get(
            "/fhir/Observation",
            {"code": "44261-6", "_include": "Observation:derived-from:QuestionnaireResponse"},
        )
    )
    assert kinds(found, "include") == [("QuestionnaireResponse", str(screening.pk))]


def test_flags_include_their_patient(integration_client, organization, client_record, library):
    submitted_phq9(organization, client_record, each=2, item9=1)
    found = body(integration_client.get("/fhir/Flag", {"_include": "Flag:subject"}))
    assert kinds(found, "include") == [("Patient", str(client_record.pk))]


def test_patients_revinclude_their_responses_and_flags(
    integration_client, organization, client_record, library
):
    screening = submitted_phq9(organization, client_record, each=2, item9=1)
    submitted_phq9(organization, ClientFactory(organization=organization), each=2, item9=1)
    found = body(
        integration_client.get(
            "/fhir/Patient",
            {
                "_id": client_record.pk,
                "_revinclude": ["QuestionnaireResponse:subject", "Flag:subject"],
            },
        )
    )
    included = entries(found, "include")
    assert ("QuestionnaireResponse", str(screening.pk)) in kinds(found, "include")
    assert {r["subject"]["reference"] for r in included} == {f"Patient/{client_record.pk}"}
    assert [r["resourceType"] for r in included].count("Flag") == 2


def test_responses_revinclude_their_observations(
    integration_client, organization, client_record, library
):
    screening = submitted_phq9(organization, client_record)
    found = body(
        integration_client.get(
            "/fhir/QuestionnaireResponse", {"_revinclude": "Observation:derived-from"}
        )
    )
    (observation,) = entries(found, "include")
    assert observation["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{screening.pk}"}]


def test_included_reads_are_audited_with_their_clients(
    integration_client, organization, client_record, library
):
    submitted_phq9(organization, client_record)
    before = AuditEvent.objects.count()
    integration_client.get("/fhir/Observation", {"_include": "Observation:subject"})
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.object_type, e.detail.get("search")) for e in events] == [
        ("scale_score", ["_include"]),
        ("client", ["_include"]),
    ]
    assert events[1].client_ids == [client_record.pk]


def test_a_revinclude_past_its_bound_says_so(
    integration_client, organization, client_record, library, monkeypatch
):
    monkeypatch.setattr(includes, "MAX_COUNT", 1)
    for _ in range(2):
        submitted_phq9(organization, client_record)
    found = body(
        integration_client.get("/fhir/Patient", {"_revinclude": "QuestionnaireResponse:subject"})
    )
    assert len(entries(found, "include")) == 1
    (outcome,) = entries(found, "outcome")
    assert "only the first 1" in outcome["issue"][0]["diagnostics"]


def test_a_bundle_entry_search_takes_includes(
    integration_client, organization, client_record, library
):
    submitted_phq9(organization, client_record)
    response = integration_client.post(
        "/fhir/",
        {
            "resourceType": "Bundle",
            "type": "batch",
            "entry": [
                {
                    "request": {
                        "method": "GET",
                        "url": "Observation?_include=Observation:patient",
                    }
                }
            ],
        },
        format="json",
    )
    (entry,) = body(response)["entry"]
    assert kinds(entry["resource"], "include") == [("Patient", str(client_record.pk))]

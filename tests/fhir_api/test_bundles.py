"""POST /fhir/: transaction (all or nothing) and batch (entry by entry) Bundles."""

from clients.models import Client
from screening.models import Screening
from tests.fhir_api.helpers import MRN, body, issue_expressions, patient, phq9_response, post

ANA = "urn:uuid:9a3c7a62-6f3b-4bde-8f1e-3f6a1b2c4d5e"


def entry(resource, url, full_url=None, **request):
    out = {"resource": resource, "request": {"method": "POST", "url": url, **request}}
    if full_url:
        out["fullUrl"] = full_url
    return out


def transaction(*entries, kind="transaction"):
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


def test_a_patient_and_two_responses_in_one_transaction(integration_client, library):
    bundle = transaction(
        # The responses come first: the server still creates the Patient before them.
        entry(phq9_response(ANA, each=1, identifier="a"), "QuestionnaireResponse"),
        entry(phq9_response(ANA, each=3, item9=2, identifier="b"), "QuestionnaireResponse"),
        entry(patient(), "Patient", ANA, ifNoneExist=f"identifier={MRN}|MRN-1"),
    )
    response = post(integration_client, "/fhir/", bundle)
    assert response.status_code == 200, response.content
    result = body(response)
    assert result["type"] == "transaction-response"
    statuses = [e["response"]["status"] for e in result["entry"]]
    assert statuses == ["201 Created", "201 Created", "201 Created"]
    patient_id = result["entry"][2]["resource"]["id"]
    assert result["entry"][2]["response"]["location"] == f"Patient/{patient_id}"
    for e in result["entry"][:2]:
        assert e["resource"]["subject"] == {"reference": f"Patient/{patient_id}"}
        assert e["response"]["location"] == f"QuestionnaireResponse/{e['resource']['id']}"
    assert Client.objects.count() == 1
    assert Screening.objects.filter(client_id=patient_id, status="completed").count() == 2


def test_one_bad_response_rolls_the_whole_transaction_back(integration_client, library):
    bad = phq9_response(ANA, each=1)
    bad["item"][3]["answer"] = [{"valueCoding": {"system": "http://loinc.org", "code": "LA-nope"}}]
    bundle = transaction(
        entry(patient(), "Patient", ANA),
        entry(phq9_response(ANA, each=1), "QuestionnaireResponse"),
        entry(bad, "QuestionnaireResponse"),
    )
    response = post(integration_client, "/fhir/", bundle)
    assert response.status_code == 422
    outcome = body(response)
    assert issue_expressions(outcome) == ["Bundle.entry[2].resource.item[3].answer[0].valueCoding"]
    assert outcome["issue"][0]["diagnostics"].startswith("entry[2] (POST QuestionnaireResponse)")
    assert Client.objects.count() == 0
    assert Screening.objects.count() == 0


def test_a_transaction_can_read_what_it_wrote(integration_client, library):
    bundle = transaction(
        entry(patient(), "Patient", ANA),
        {"request": {"method": "GET", "url": f"Patient?identifier={MRN}|MRN-1"}},
    )
    result = body(post(integration_client, "/fhir/", bundle))
    search = result["entry"][1]["resource"]
    assert search["type"] == "searchset"
    assert len(search["entry"]) == 1


def test_a_reference_to_an_unknown_urn_fails_the_transaction(integration_client, library):
    bundle = transaction(
        entry(patient(), "Patient", ANA),
        entry(
            phq9_response("urn:uuid:00000000-0000-0000-0000-000000000000"), "QuestionnaireResponse"
        ),
    )
    response = post(integration_client, "/fhir/", bundle)
    assert response.status_code == 422
    assert issue_expressions(body(response)) == ["Bundle.entry[1].resource.subject"]
    assert Client.objects.count() == 0


def test_a_batch_processes_each_entry_on_its_own(integration_client, client_record, library):
    bad = phq9_response(f"Patient/{client_record.pk}")
    bad["item"].append({"linkId": "phq9-99", "answer": [{"valueInteger": 1}]})
    bundle = transaction(
        entry(phq9_response(f"Patient/{client_record.pk}", each=1), "QuestionnaireResponse"),
        entry(bad, "QuestionnaireResponse"),
        entry(patient("MRN-2"), "Patient"),
        {"request": {"method": "GET", "url": f"Patient/{client_record.pk}"}},
        {"request": {"method": "DELETE", "url": f"Patient/{client_record.pk}"}},
        kind="batch",
    )
    response = post(integration_client, "/fhir/", bundle)
    assert response.status_code == 200
    result = body(response)
    assert result["type"] == "batch-response"
    statuses = [e["response"]["status"] for e in result["entry"]]
    assert statuses == [
        "201 Created",
        "422 Unprocessable Entity",
        "201 Created",
        "200 OK",
        "405 Method Not Allowed",
    ]
    outcome = result["entry"][1]["response"]["outcome"]
    assert issue_expressions(outcome) == ["Bundle.entry[1].resource.item[10].linkId"]
    assert Screening.objects.count() == 1
    assert Client.objects.count() == 2


def test_a_batch_does_not_resolve_urn_references(integration_client, library):
    bundle = transaction(
        entry(patient(), "Patient", ANA),
        entry(phq9_response(ANA), "QuestionnaireResponse"),
        kind="batch",
    )
    result = body(post(integration_client, "/fhir/", bundle))
    assert [e["response"]["status"] for e in result["entry"]] == [
        "201 Created",
        "422 Unprocessable Entity",
    ]


def test_only_transactions_and_batches_are_taken(integration_client):
    response = post(integration_client, "/fhir/", {"resourceType": "Bundle", "type": "collection"})
    assert response.status_code == 400
    assert issue_expressions(body(response)) == ["Bundle.type"]
    response = post(integration_client, "/fhir/", patient())
    assert response.status_code == 400
    wrong = transaction(entry(patient(), "QuestionnaireResponse"), {"fullUrl": "urn:uuid:x"})
    response = post(integration_client, "/fhir/", wrong)
    assert response.status_code == 400
    assert issue_expressions(body(response)) == ["Bundle.entry[0].resource.resourceType"]
    wrong = transaction({"resource": patient()}, kind="batch")
    outcome = body(post(integration_client, "/fhir/", wrong))["entry"][0]["response"]["outcome"]
    assert issue_expressions(outcome) == ["Bundle.entry[0].request"]

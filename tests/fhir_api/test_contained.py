"""`contained` resources are refused with an OperationOutcome where a create would drop them
(issue 14, section 2); a Questionnaire's contained answerValueSets are still read on import."""

from clients.models import Client
from screening.models import Screening
from tests.fhir_api.helpers import body, issue_expressions, patient, phq9_response, post

CONTAINED = [{"resourceType": "Practitioner", "id": "gp", "name": [{"family": "Okafor"}]}]


def test_a_patient_with_contained_resources_is_refused_naming_the_element(integration_client):
    response = post(integration_client, "/fhir/Patient", patient(contained=CONTAINED))
    assert response.status_code == 422
    outcome = body(response)
    assert issue_expressions(outcome) == ["Patient.contained"]
    assert outcome["issue"][0]["code"] == "not-supported"
    assert Client.objects.count() == 0


def test_a_response_with_contained_resources_is_refused(integration_client, client_record, library):
    resource = phq9_response(f"Patient/{client_record.pk}") | {"contained": CONTAINED}
    response = post(integration_client, "/fhir/QuestionnaireResponse", resource)
    assert response.status_code == 422
    assert issue_expressions(body(response)) == ["QuestionnaireResponse.contained"]
    assert Screening.objects.count() == 0


def test_a_bundle_entry_with_contained_resources_is_refused_in_its_entry(integration_client):
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": patient(contained=CONTAINED),
                "request": {"method": "POST", "url": "Patient"},
            }
        ],
    }
    response = post(integration_client, "/fhir/", bundle)
    assert response.status_code == 422
    assert issue_expressions(body(response)) == ["Bundle.entry[0].resource.contained"]
    assert Client.objects.count() == 0

"""The FHIR base answers with and without its trailing slash."""

from django.test import override_settings


def test_a_transaction_bundle_can_be_posted_to_the_bare_base_url(integration_client, library):
    bundle = {"resourceType": "Bundle", "type": "batch", "entry": []}
    response = integration_client.post("/fhir", bundle, format="json")
    assert response.status_code == 200
    assert response.json()["type"] == "batch-response"


@override_settings(FHIR_BASE_URL="https://screening.example.org/fhir")
def test_canonical_urls_follow_the_configured_base(integration_client, library):
    response = integration_client.get("/fhir/Questionnaire/phq9-1.1.0")
    assert response.json()["url"] == "https://screening.example.org/fhir/Questionnaire/phq9"

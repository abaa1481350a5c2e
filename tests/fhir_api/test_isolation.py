"""Another organization's resources answer 404 and never appear in searches."""

from screening.models import Flag, ScaleScore
from tests.fhir_api.helpers import body, issue_expressions, phq9_response, post, submitted_phq9


def test_another_organizations_resources_are_not_found(
    integration_client, other_organization, other_client_record, library
):
    screening = submitted_phq9(other_organization, other_client_record, each=3, item9=2)
    score = ScaleScore.objects.get(screening=screening)
    flag = Flag.objects.filter(screening=screening).first()
    for path in (
        f"/fhir/Patient/{other_client_record.pk}",
        f"/fhir/QuestionnaireResponse/{screening.pk}",
        f"/fhir/Observation/{score.pk}",
        f"/fhir/Flag/{flag.pk}",
    ):
        response = integration_client.get(path)
        assert response.status_code == 404, path
        assert body(response)["issue"][0]["code"] == "not-found"
    for path in ("/fhir/Patient", "/fhir/QuestionnaireResponse", "/fhir/Observation", "/fhir/Flag"):
        assert body(integration_client.get(path))["entry"] == [], path
    searched = body(
        integration_client.get("/fhir/Observation", {"patient": other_client_record.pk})
    )
    assert searched["entry"] == []


def test_a_response_cannot_name_another_organizations_patient(
    integration_client, other_client_record, library
):
    response = post(
        integration_client,
        "/fhir/QuestionnaireResponse",
        phq9_response(f"Patient/{other_client_record.pk}"),
    )
    assert response.status_code == 422
    assert issue_expressions(body(response)) == ["QuestionnaireResponse.subject"]


def test_conditional_create_sees_only_the_callers_patients(integration_client, other_organization):
    from tests.factories import ClientFactory, ClientIdentifierFactory
    from tests.fhir_api.helpers import MRN, patient

    theirs = ClientFactory(organization=other_organization)
    ClientIdentifierFactory(client=theirs, system=MRN, value="MRN-1")
    created = post(
        integration_client,
        "/fhir/Patient",
        patient("MRN-1"),
        {"If-None-Exist": f"identifier={MRN}|MRN-1"},
    )
    assert created.status_code == 201
    assert body(created)["id"] != str(theirs.pk)

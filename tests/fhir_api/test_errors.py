"""Every error is an OperationOutcome with the FHIRPath of the bad element; never a 500."""

import json

import pytest

from tests.fhir_api.helpers import body, issue_expressions, patient, phq9_response, post


def raw(api, path, text, content_type="application/fhir+json"):
    return api.post(path, text, content_type=content_type)


def test_malformed_json(integration_client):
    response = raw(integration_client, "/fhir/Patient", '{"resourceType": "Patient",')
    assert response.status_code == 400
    assert body(response)["issue"][0]["code"] == "structure"


def test_a_body_that_is_not_an_object(integration_client):
    response = raw(integration_client, "/fhir/QuestionnaireResponse", "[1, 2]")
    assert response.status_code == 400


def test_wrong_resource_type(integration_client, client_record, library):
    response = post(integration_client, "/fhir/QuestionnaireResponse", patient())
    assert response.status_code == 400
    assert issue_expressions(body(response)) == ["QuestionnaireResponse.resourceType"]


def test_an_unknown_item(integration_client, client_record, library):
    response = phq9_response(f"Patient/{client_record.pk}")
    response["item"].insert(3, {"linkId": "phq9-11", "answer": [{"valueInteger": 2}]})
    answer = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert answer.status_code == 422
    outcome = body(answer)
    assert issue_expressions(outcome) == ["QuestionnaireResponse.item[3].linkId"]
    assert "phq9-11" in outcome["issue"][0]["diagnostics"]


def test_every_problem_at_once_with_its_path(integration_client, client_record, library):
    response = phq9_response(f"Patient/{client_record.pk}")
    response["item"][3]["answer"] = [{"valueInteger": 7}]
    response["item"][5]["answer"] = [{"valueString": "often"}]
    del response["item"][8]  # item 9 unanswered: not an error (see below)
    answer = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert answer.status_code == 422
    assert issue_expressions(body(answer)) == [
        "QuestionnaireResponse.item[5].answer[0].valueString"
    ]
    response["item"][5]["answer"] = [{"valueInteger": 1}]
    answer = post(integration_client, "/fhir/QuestionnaireResponse", response)
    # Item 9 unanswered is no error: a completed response is completed with its gaps (issue 13).
    assert issue_expressions(body(answer)) == ["QuestionnaireResponse.item[3].answer[0]"]


def test_structurally_invalid_fhir(integration_client, client_record, library):
    response = phq9_response(f"Patient/{client_record.pk}")
    response["item"][0]["answer"][0]["valueCoding"]["code"] = 12
    response["authored"] = "yesterday"
    answer = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert answer.status_code == 400
    expressions = issue_expressions(body(answer))
    assert "QuestionnaireResponse.authored" in expressions
    assert any(
        e.startswith("QuestionnaireResponse.item[0].answer[0].valueCoding") for e in expressions
    )


def test_required_elements(integration_client, library):
    answer = post(
        integration_client,
        "/fhir/QuestionnaireResponse",
        {"resourceType": "QuestionnaireResponse", "status": "completed"},
    )
    assert answer.status_code == 422
    assert issue_expressions(body(answer)) == [
        "QuestionnaireResponse.questionnaire",
        "QuestionnaireResponse.subject",
    ]


def test_unknown_questionnaire_and_patient(integration_client, client_record, library):
    response = phq9_response(
        f"Patient/{client_record.pk}", questionnaire="http://elsewhere.org/Questionnaire/phq9"
    )
    answer = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert answer.status_code == 422
    assert issue_expressions(body(answer)) == ["QuestionnaireResponse.questionnaire"]
    response = phq9_response(
        f"Patient/{client_record.pk}", questionnaire="http://testserver/fhir/Questionnaire/phq9|9.9"
    )
    assert post(integration_client, "/fhir/QuestionnaireResponse", response).status_code == 422
    response = phq9_response("Patient/999999")
    answer = post(integration_client, "/fhir/QuestionnaireResponse", response)
    assert answer.status_code == 422
    assert issue_expressions(body(answer)) == ["QuestionnaireResponse.subject"]


def test_a_patient_without_what_we_need(integration_client):
    bad = patient(birthDate="1990", gender="woman")
    bad["name"] = [{"given": ["Ana"]}]
    bad["identifier"] = [{"value": "x"}]
    answer = post(integration_client, "/fhir/Patient", bad)
    assert answer.status_code == 422
    assert issue_expressions(body(answer)) == [
        "Patient.name",
        "Patient.birthDate",
        "Patient.gender",
        "Patient.identifier[0].system",
    ]


def test_domain_rules_are_reported_on_the_element(integration_client):
    future = patient(birthDate="2999-01-01")
    future["identifier"][0]["system"] = "not a uri"
    answer = post(integration_client, "/fhir/Patient", future)
    assert answer.status_code == 422
    assert sorted(issue_expressions(body(answer))) == [
        "Patient.birthDate",
        "Patient.identifier[0].system",
    ]
    assert post(integration_client, "/fhir/Patient", patient()).status_code == 201
    duplicate = post(integration_client, "/fhir/Patient", patient())
    assert duplicate.status_code == 422
    assert body(duplicate)["issue"][0]["code"] == "duplicate"
    assert issue_expressions(body(duplicate)) == ["Patient.identifier[0].value"]


def test_unknown_resource_types_and_paths_are_404(integration_client):
    for path in ("/fhir/Encounter", "/fhir/Encounter/1", "/fhir/Patient/1/_history", "/fhir/x/y/z"):
        response = integration_client.get(path)
        assert response.status_code == 404, path
        assert body(response)["issue"][0]["code"] == "not-found"
    assert (
        post(integration_client, "/fhir/Encounter", {"resourceType": "Encounter"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/fhir/Patient/1"),
        ("delete", "/fhir/Patient/1"),
        ("patch", "/fhir/Observation/1"),
        ("post", "/fhir/Observation"),
        ("post", "/fhir/Flag"),
        ("get", "/fhir/"),
    ],
)
def test_unsupported_interactions_are_405(integration_client, method, path):
    response = getattr(integration_client, method)(path, {}, format="json")
    assert response.status_code == 405
    assert body(response)["issue"][0]["code"] == "not-supported"


def test_authentication_and_roles(anonymous_client, org_admin_client, client_record):
    response = anonymous_client.get(f"/fhir/Patient/{client_record.pk}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body(response)["issue"][0]["code"] == "login"
    # The capability statement is public, as FHIR clients expect.
    assert anonymous_client.get("/fhir/metadata").status_code == 200
    # Organization admins manage credentials, not clinical records.
    forbidden = org_admin_client.get(f"/fhir/Patient/{client_record.pk}")
    assert forbidden.status_code == 403
    assert body(forbidden)["issue"][0]["code"] == "forbidden"
    # The role is checked before the request is: a bad search or body is still a 403.
    assert org_admin_client.get("/fhir/Observation", {"patinet": "1"}).status_code == 403
    assert post(org_admin_client, "/fhir/Patient", {}).status_code == 403
    assert post(org_admin_client, "/fhir/", {}).status_code == 403


def test_search_parameters_are_checked(integration_client):
    for params, code in [
        ({"patinet": "1"}, "not-supported"),
        ({"patient:missing": "true"}, "not-supported"),
        ({"date": "yesterday"}, "invalid"),
        ({"date": "xy2024"}, "invalid"),
        ({"_sort": "code"}, "not-supported"),
        ({"_summary": "text"}, "not-supported"),
        ({"_total": "always"}, "not-supported"),
        ({"_elements": "status,valueQuantity.value"}, "invalid"),
        ({"_include": "Observation:code"}, "not-supported"),
        ({"_revinclude": "Flag:subject"}, "not-supported"),
        ({"_pretty": "yes"}, "invalid"),
        ({"date": "2024-01-01T10:00"}, "invalid"),
        ({"status": "open"}, "code-invalid"),
        ({"_count": "0"}, "invalid"),
        ({"_cursor": "bm9wZQ"}, "invalid"),
        ({"_cursor": "WzEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwXQ"}, "invalid"),
    ]:
        response = integration_client.get("/fhir/Observation", params)
        assert response.status_code == 400, params
        assert body(response)["issue"][0]["code"] == code, params


def test_formats(integration_client):
    assert integration_client.get("/fhir/metadata", {"_format": "xml"}).status_code == 406
    assert (
        integration_client.get("/fhir/metadata", HTTP_ACCEPT="application/fhir+xml").status_code
        == 406
    )
    plain = integration_client.get("/fhir/metadata", HTTP_ACCEPT="application/json")
    assert plain["Content-Type"].startswith("application/json")
    fhir = integration_client.get("/fhir/metadata", HTTP_ACCEPT="application/fhir+json")
    assert fhir["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    # Bodies may come as application/json too; other media types are a 415.
    accepted = raw(integration_client, "/fhir/Patient", json.dumps(patient()), "application/json")
    assert accepted.status_code == 201
    refused = raw(integration_client, "/fhir/Patient", "<Patient/>", "application/fhir+xml")
    assert refused.status_code == 415
    assert body(refused)["issue"][0]["code"] == "not-supported"

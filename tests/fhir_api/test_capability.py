"""GET /fhir/metadata lists exactly what the interface serves."""

from screening.fhir_api.registry import RESOURCES
from tests.fhir_api.helpers import body


def test_the_capability_statement(anonymous_client):
    statement = body(anonymous_client.get("/fhir/metadata"))
    assert statement["fhirVersion"] == "4.0.1"
    assert "application/fhir+json" in statement["format"]
    (rest,) = statement["rest"]
    assert {i["code"] for i in rest["interaction"]} == {"transaction", "batch"}
    listed = {r["type"]: r for r in rest["resource"]}
    assert set(listed) == {
        "Patient",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "Flag",
        "Subscription",  # served by the notifications app
    }
    assert [i["code"] for i in listed["Observation"]["interaction"]] == ["read", "search-type"]
    assert [i["code"] for i in listed["Patient"]["interaction"]] == [
        "read",
        "search-type",
        "create",
    ]
    assert listed["Patient"]["conditionalCreate"] is True
    assert {p["name"] for p in listed["Observation"]["searchParam"]} == {
        "patient",
        "code",
        "date",
        "derived-from",
        "status",
    }
    assert {p["name"] for p in listed["Questionnaire"]["searchParam"]} == {
        "url",
        "version",
        "code",
        "status",
        "name",
    }
    assert statement["implementation"]["url"] == "http://testserver/fhir"


def test_every_declared_search_parameter_is_accepted(integration_client, library):
    samples = {
        "token": "x",
        "reference": "Patient/1",
        "date": "2024",
        "uri": "http://x",
        "string": "a",
    }
    for resource in RESOURCES.values():
        for param in resource.search_params:
            value = samples[param.type]
            if param.name == "status":
                value = {
                    "Questionnaire": "active",
                    "QuestionnaireResponse": "completed",
                    "Observation": "final",
                    "Flag": "active",
                    "Subscription": "active",
                }[resource.name]
            if param.name == "derived-from":
                value = "QuestionnaireResponse/1"
            response = integration_client.get(f"/fhir/{resource.name}", {param.name: value})
            assert response.status_code == 200, (resource.name, param.name, response.content)
            body(response)

"""GET /fhir/metadata lists exactly what the interface serves."""

import pytest

from screening.fhir_api.context import Caller
from screening.fhir_api.includes import search_query
from screening.fhir_api.registry import RESOURCES
from tests.fhir_api.helpers import body

SAMPLES = {
    "token": "x",
    "reference": "Patient/1",
    "date": "2024",
    "uri": "http://x",
    "string": "a",
}
STATUS = {
    "Questionnaire": "active",
    "QuestionnaireResponse": "completed",
    "Observation": "final",
    "Flag": "active",
    "Subscription": "active",
}


def sample(resource: str, param: dict) -> str:
    if param["name"] == "status":
        return STATUS[resource]
    if param["name"] == "derived-from":
        return "QuestionnaireResponse/1"
    if param["name"] == "category":
        return "survey"
    return SAMPLES[param["type"]]


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
        "_id",
        "_lastUpdated",
        "patient",
        "subject",
        "category",
        "code",
        "date",
        "derived-from",
        "status",
    }
    assert {p["name"] for p in listed["Patient"]["searchParam"]} == {
        "_id",
        "_lastUpdated",
        "identifier",
        "name",
        "family",
        "given",
        "birthdate",
    }
    assert listed["QuestionnaireResponse"]["searchInclude"] == [
        "QuestionnaireResponse:subject",
        "QuestionnaireResponse:patient",
        "QuestionnaireResponse:questionnaire",
    ]
    assert "Observation:derived-from" in listed["QuestionnaireResponse"]["searchRevInclude"]
    assert "Flag:subject" in listed["Patient"]["searchRevInclude"]
    assert {p["name"] for p in listed["Questionnaire"]["searchParam"]} == {
        "url",
        "version",
        "code",
        "status",
        "name",
    }
    assert statement["implementation"]["url"] == "http://testserver/fhir"


def test_every_declared_search_parameter_is_accepted(integration_client, library):
    statement = body(integration_client.get("/fhir/metadata"))
    for resource in statement["rest"][0]["resource"]:
        for param in resource["searchParam"]:
            value = sample(resource["type"], param)
            response = integration_client.get(f"/fhir/{resource['type']}", {param["name"]: value})
            assert response.status_code == 200, (resource["type"], param, response.content)
            body(response)
        for key in ("searchInclude", "searchRevInclude"):
            for value in resource.get(key, []):
                name = "_include" if key == "searchInclude" else "_revinclude"
                response = integration_client.get(f"/fhir/{resource['type']}", {name: value})
                assert response.status_code == 200, (resource["type"], value, response.content)


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_each_search_reads_exactly_the_parameters_the_capability_statement_lists(
    anonymous_client, integration, organization, library, resource
):
    """A parameter listed but never read would be silently ignored (a widened search); one read
    but not listed cannot be, since Query refuses to read what is not declared."""
    statement = body(anonymous_client.get("/fhir/metadata"))
    (listed,) = [r for r in statement["rest"][0]["resource"] if r["type"] == resource]
    found = RESOURCES[resource]
    query = search_query(found, [(p["name"], sample(resource, p)) for p in listed["searchParam"]])
    caller = Caller(integration, organization, "integration", "http://testserver/fhir")
    found.search(caller, query)
    assert query.read == {p["name"] for p in listed["searchParam"]}


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_a_parameter_the_capability_statement_does_not_list_is_refused(
    integration_client, library, resource
):
    response = integration_client.get(f"/fhir/{resource}", {"patinet": "1"})
    assert response.status_code == 400
    assert "patinet" in body(response)["issue"][0]["diagnostics"]

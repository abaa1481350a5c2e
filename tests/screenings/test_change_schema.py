"""The schema documents change between screenings: real responses match what /api/schema/ says."""

import yaml

from tests.foundation.test_schema_docs import validator
from tests.screenings.helpers import phq9_total, start


def schema_document(api) -> dict:
    return yaml.safe_load(api.get("/api/schema/").content)


def response_schema(document: dict, path: str) -> dict:
    responses = document["paths"][path]["get"]["responses"]
    return responses["200"]["content"]["application/json"]["schema"]


def test_a_timeline_with_change_matches_its_documented_schema(
    clinician_client, client_record, library
):
    for total in (18, 7):
        start(clinician_client, client_record.pk, "phq9", phq9_total(total), submit=True)
    body = clinician_client.get(f"/api/v1/clients/{client_record.pk}/timeline/").json()
    assert body["trends"][0]["outcome"]["reliable_change"] == "improved"
    assert body["screenings"][0]["result"]["change"][0]["criteria"]["reliable_change"]
    document = schema_document(clinician_client)
    schema = response_schema(document, "/api/v1/clients/{id}/timeline/")
    errors = list(validator(document, schema).iter_errors(body))
    assert not errors, errors[0].message


def test_the_outcomes_report_matches_its_documented_schema(
    org_admin_client, clinician_client, client_record, library
):
    for total in (18, 7):
        start(clinician_client, client_record.pk, "phq9", phq9_total(total), submit=True)
    body = org_admin_client.get("/api/v1/outcomes/").json()
    assert body["results"]
    document = schema_document(org_admin_client)
    errors = list(
        validator(document, response_schema(document, "/api/v1/outcomes/")).iter_errors(body)
    )
    assert not errors, errors[0].message


def test_the_schema_names_the_change_fields(clinician_client, library):
    components = schema_document(clinician_client)["components"]["schemas"]
    assert {"change"} <= set(components["Result"]["properties"])
    assert {"outcome"} <= set(components["Trend"]["properties"])
    change = components["ScaleChange"]["properties"]
    assert {"reliable_change", "response", "remission", "recovery", "criteria"} <= set(change)
    enums = [schema.get("enum") for schema in components.values()]
    assert ["improved", "no_reliable_change", "deteriorated", "not_defined"] in enums

"""One domain exception hierarchy and one table (issue 14, section 3): services raise domain
errors, never DRF's; REST and FHIR read the same table, and no interface matches message text."""

import ast
import pathlib

import pytest

from config.errors import (
    ERROR_TABLE,
    Conflict,
    DomainError,
    DuplicateIdentifier,
    InvalidAnswers,
    InvalidInput,
    MultipleMatches,
    NotFound,
    error_mapping,
)
from screening.fhir_api.http import classify
from tests.fhir_api.helpers import MRN, body, patient, post

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICE_DIRS = ["clients/services", "screening/services", "notifications/services", "outbox"]


def test_no_service_imports_drf():
    offenders = []
    for folder in SERVICE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "rest_framework"
                ):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    ("error", "rest", "fhir"),
    [
        (InvalidInput(fields={"a": ["x"]}), (400, "invalid"), (422, "business-rule")),
        (InvalidAnswers(fields={"answers": ["x"]}), (400, "invalid"), (422, "business-rule")),
        (
            DuplicateIdentifier(fields={"identifiers.0.value": ["x"]}),
            (400, "invalid"),
            (422, "duplicate"),
        ),
        (NotFound("gone"), (404, "not_found"), (404, "not-found")),
        (Conflict("frozen"), (409, "conflict"), (409, "conflict")),
        (MultipleMatches(2), (409, "multiple_matches"), (412, "multiple-matches")),
    ],
)
def test_each_domain_error_maps_once_for_rest_and_fhir(error, rest, fhir):
    mapping = error_mapping(error)
    assert (mapping.status, mapping.code) == rest
    status, issues, _ = classify(error)
    assert (status, {issue.code for issue in issues}) == (fhir[0], {fhir[1]})


def test_every_domain_error_has_a_row_or_a_base_with_one():
    kinds = {DomainError, *DomainError.__subclasses__()}
    for kind in list(kinds):
        kinds |= set(kind.__subclasses__())
    assert all(any(k in ERROR_TABLE for k in kind.__mro__) for kind in kinds)


def test_a_duplicate_identifier_is_a_fhir_duplicate_whatever_its_wording(integration_client):
    assert post(integration_client, "/fhir/Patient", patient("MRN-9")).status_code == 201
    again = post(integration_client, "/fhir/Patient", patient("MRN-9"))
    assert again.status_code == 422
    assert {issue["code"] for issue in body(again)["issue"]} == {"duplicate"}


def test_a_duplicate_identifier_keeps_its_field_message_on_rest(clinician_client):
    client = {
        "given_name": "Ana",
        "family_name": "Silva",
        "birth_date": "1990-04-02",
        "identifiers": [{"system": MRN, "value": "7"}],
    }
    assert clinician_client.post("/api/v1/clients/", client, format="json").status_code == 201
    again = clinician_client.post("/api/v1/clients/", client, format="json")
    assert again.status_code == 400
    assert list(again.json()["fields"]) == ["identifiers.0.value"]

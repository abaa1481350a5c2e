"""Builders and checks shared by the FHIR interface tests."""

from __future__ import annotations

import json
from typing import Any

from screening.fhir import validate_resource
from screening.models import InstrumentVersion, Screening
from screening.services.screenings import screening_start

BASE = "http://testserver/fhir"
MRN = "https://ehr.example.org/mrn"
PHQ9 = f"{BASE}/Questionnaire/phq9"
FHIR_JSON = "application/fhir+json"
PHQ9_LINK_IDS = [f"phq9-{n}" for n in range(1, 11)]
FREQUENCY = {0: "LA6568-5", 1: "LA6569-3", 2: "LA6570-1", 3: "LA6571-9"}


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    """`resource`, after checking it (and each resource a Bundle holds) with the R4B models."""
    validate_resource(resource)
    if resource.get("resourceType") == "Bundle":
        for entry in resource.get("entry", []):
            for key in ("resource",):
                if key in entry:
                    valid(entry[key])
            outcome = entry.get("response", {}).get("outcome")
            if outcome:
                valid(outcome)
    return resource


def body(response) -> dict[str, Any]:
    """The JSON body of a FHIR response, checked to be valid FHIR R4(B)."""
    assert response["Content-Type"].startswith(FHIR_JSON), response["Content-Type"]
    return valid(response.json())


def issue_expressions(outcome: dict[str, Any]) -> list[str]:
    assert outcome["resourceType"] == "OperationOutcome", outcome
    return [e for issue in outcome["issue"] for e in issue.get("expression", [])]


def patient(mrn: str = "MRN-1", **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": MRN, "value": mrn}],
        "name": [{"family": "Silva", "given": ["Ana", "Maria"]}],
        "birthDate": "1990-04-02",
        "gender": "female",
    } | extra


def phq9_response(
    subject: str,
    *,
    each: int = 0,
    item9: int = 0,
    identifier: str | None = None,
    questionnaire: str = f"{PHQ9}|1.1.0",
    status: str = "completed",
) -> dict[str, Any]:
    """A completed PHQ-9 QuestionnaireResponse answering by LOINC answer codes."""
    items = []
    for n, link_id in enumerate(PHQ9_LINK_IDS, start=1):
        value = item9 if n == 9 else each
        coding = {"system": "http://loinc.org", "code": FREQUENCY[value]}
        if n == 10:
            coding = {"system": "http://loinc.org", "code": "LA6572-7"}
        items.append({"linkId": link_id, "answer": [{"valueCoding": coding}]})
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire,
        "status": status,
        "subject": {"reference": subject},
        "item": items,
    }
    if identifier:
        response["identifier"] = {"system": "https://ehr.example.org/qr", "value": identifier}
    return response


def post(api, path: str, resource: Any, headers: dict[str, str] | None = None):
    """POST a resource as application/fhir+json."""
    return api.post(
        path,
        json.dumps(resource),
        content_type="application/fhir+json",
        headers=headers or {},
    )


def submitted_phq9(organization, client, *, each: int = 0, item9: int = 0) -> Screening:
    """A completed PHQ-9 screening written through the domain service (fast test set-up)."""
    version = InstrumentVersion.objects.get(instrument__code="phq9", status="published")
    answers = [{"link_id": f"phq9-{n}", "value": each} for n in range(1, 9)]
    answers.append({"link_id": "phq9-9", "value": item9})
    return screening_start(
        organization=organization,
        client=client,
        version=version,
        mode="self_report",
        actor=None,
        answers=answers,
        submit=True,
    )

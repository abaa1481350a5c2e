"""GET /fhir/metadata: the CapabilityStatement, built from the registry so it lists exactly what
the views serve."""

from __future__ import annotations

from typing import Any

from .registry import RESOURCES
from .search import CONTROL

SOFTWARE_VERSION = "1.0.0"
RELEASED = "2026-11-22"


def capability_statement(base_url: str) -> dict[str, Any]:
    resources = []
    for resource in RESOURCES.values():
        entry: dict[str, Any] = {
            "type": resource.name,
            "documentation": resource.documentation,
            "interaction": [{"code": code} for code in resource.interactions()],
            "versioning": "no-version",
            "readHistory": False,
            "updateCreate": False,
            "conditionalCreate": resource.conditional_create,
            "conditionalRead": "not-supported",
            "conditionalUpdate": False,
            "conditionalDelete": "not-supported",
            "searchParam": [
                {"name": p.name, "type": p.type, "documentation": p.documentation}
                for p in resource.search_params
            ],
        }
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": RELEASED,
        "publisher": "Screening API",
        "kind": "instance",
        "software": {"name": "Screening API", "version": SOFTWARE_VERSION},
        "implementation": {
            "description": "Clinician-facing screening service: Questionnaires, scored "
            "QuestionnaireResponses, Observations and Flags for clinician review (never a "
            "diagnosis).",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "JSON only. Every POST accepts an Idempotency-Key header: a retry with the "
                    "same key and body replays the first response; the same key with another "
                    "body is a 422. Search results page by _count (default 50, at most 200) "
                    f"and the next link's _cursor; {', '.join(CONTROL)} are the only control "
                    "parameters and unknown parameters are a 400. Errors are "
                    "OperationOutcomes with the FHIRPath of the element concerned."
                ),
                "security": {
                    "cors": False,
                    "description": "Authorization: Bearer <API token> (issued per user by an "
                    "organization admin). Every request acts inside the caller's organization; "
                    "another organization's resources answer 404. Clinical resources need the "
                    "clinician or integration role; Questionnaire import needs an instrument "
                    "admin.",
                },
                "resource": resources,
                "interaction": [
                    {
                        "code": "transaction",
                        "documentation": "POST / with a transaction Bundle: POST (create, "
                        "conditional create via request.ifNoneExist) and GET entries, all or "
                        "nothing in one database transaction; urn:uuid fullUrls of created "
                        "Patients resolve in the other entries.",
                    },
                    {
                        "code": "batch",
                        "documentation": "POST / with a batch Bundle: each entry processed on "
                        "its own, with its own status.",
                    },
                ],
            }
        ],
    }

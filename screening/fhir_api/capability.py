"""GET /fhir/metadata: the CapabilityStatement, built from the registry so it lists exactly what
the views serve."""

from __future__ import annotations

from typing import Any

from .includes import includes_of, revincludes_of
from .registry import RESOURCES
from .search import CONTROL, MAX_COUNT, MAX_SEARCH_VALUES

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
        if includes_of(resource.name):
            entry["searchInclude"] = includes_of(resource.name)
        if revincludes_of(resource.name):
            entry["searchRevInclude"] = revincludes_of(resource.name)
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
                    "body is a 422. Searches: GET [type]?... or POST [type]/_search with a "
                    "form body; commas are alternatives (OR), a repeated parameter must match "
                    f"both (AND), at most {MAX_SEARCH_VALUES} values in all. Result "
                    f"parameters: {', '.join(CONTROL)}. Pages of _count (default 50, at most "
                    f"{MAX_COUNT}) linked by the next link's _cursor; _sort by the parameters "
                    "documented as sortable (- for descending); _summary=count or false; "
                    "_total=none, estimate or accurate (accurate gives Bundle.total); "
                    "_elements=a,b (top-level elements, tagged SUBSETTED); _include and "
                    "_revinclude as listed per resource (at most 200 resources each); "
                    "_pretty=true indents. Unknown parameters are a 400 unless the request "
                    "says Prefer: handling=lenient (then ignored, and left out of the self "
                    "link). Errors are OperationOutcomes with the FHIRPath of the element "
                    "concerned."
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

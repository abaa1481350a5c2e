"""FHIR R4 mapping (pure functions; no Django, no HTTP).

Instruments (see docs/fhir.md, "Questionnaire mapping"):
- `questionnaire_from_definition`: our definition -> SDC Questionnaire JSON;
- `definition_from_questionnaire`: an SDC Questionnaire -> a draft definition, with warnings;
- `validate_resource`: parse a resource with the fhir.resources R4B models (raises with paths).

Clinical resources (see docs/fhir.md, "Clinical resources"), in their own modules:
`response` (screening <-> QuestionnaireResponse), `observation` (scale score -> Observation),
`flag` (flag -> Flag), `patient` (client <-> Patient), `outcome` (OperationOutcome), `bundle`,
`search` (search parameter values), `systems` (our code systems and extensions).
"""

from .questionnaire import canonical_url, questionnaire_from_definition
from .questionnaire_import import (
    QuestionnaireImportError,
    QuestionnaireImportWarning,
    definition_from_questionnaire,
    link_id_map,
)
from .validation import FhirValidationError, ResourceIssue, resource_issues, validate_resource

__all__ = [
    "FhirValidationError",
    "QuestionnaireImportError",
    "QuestionnaireImportWarning",
    "ResourceIssue",
    "canonical_url",
    "definition_from_questionnaire",
    "link_id_map",
    "questionnaire_from_definition",
    "resource_issues",
    "validate_resource",
]

"""FHIR R4 mapping of instruments (pure functions over definition dicts; no Django, no HTTP).

- `questionnaire_from_definition`: our definition -> SDC Questionnaire JSON;
- `definition_from_questionnaire`: an SDC Questionnaire -> a draft definition, with warnings;
- `validate_resource`: parse a resource with the fhir.resources R4B models (raises with paths).

See docs/fhir.md, "Questionnaire mapping".
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

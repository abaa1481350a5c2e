"""Code systems and extensions of the clinical resources (QuestionnaireResponse, Observation, Flag,
Patient). The Questionnaire mapping's own URLs are in `constants.py`.

Ours live under `https://screening.example.org/fhir/`, fixed whatever base URL the server runs
under: they name definitions, not server locations. See docs/fhir.md, "Codes and extensions".
"""

from __future__ import annotations

from .constants import OUR_BASE

OUR_SYSTEMS = "https://screening.example.org/fhir/CodeSystem/"

# Our code systems.
SCALE_SYSTEM = OUR_SYSTEMS + "scale"  # `<instrument>/<scale>`: a scale with no standard code
ITEM_SYSTEM = OUR_SYSTEMS + "item"  # `<instrument>/<link_id>`: an item with no standard code
BAND_SYSTEM = OUR_SYSTEMS + "band"  # `<instrument>/<scale>/<band>`: a score band
CONDITION_SYSTEM = OUR_SYSTEMS + "condition"  # knowledge-base condition codes (`depression`)
FLAG_SEVERITY_SYSTEM = OUR_SYSTEMS + "flag-severity"  # info | review | urgent
RESPONSE_QUALITY_SYSTEM = OUR_SYSTEMS + "response-quality"  # straight_lining | ...
# Change between screenings (issue 16): improved | no_reliable_change | deteriorated | not_defined
RELIABLE_CHANGE_SYSTEM = OUR_SYSTEMS + "reliable-change"
# response | no-response | remission | no-remission | recovery | no-recovery
CHANGE_OUTCOME_SYSTEM = OUR_SYSTEMS + "change-outcome"

# Our extensions (base as in constants.OUR_BASE).
FLAG_SEVERITY = OUR_BASE + "flag-severity"  # Flag, valueCode: info | review | urgent
FLAG_REVIEW_STATUS = OUR_BASE + "flag-review-status"  # Flag, valueCode: open | acknowledged | ...
CLINICIAN_REVIEW = OUR_BASE + "clinician-review-notice"  # Flag, valueString
FLAG_EXPLANATION = OUR_BASE + "flag-explanation"  # Flag, valueString: the rule's message
FLAG_RULE = OUR_BASE + "flag-rule"  # Flag, valueString: the rule's id and source
# Flag, valueString: the rule's thresholds and, for each item and scale, its answer or score and
# whether it met them (issue 13)
FLAG_EVIDENCE = OUR_BASE + "flag-evidence"
# Flag, valueBoolean: the rule held for every answer the unanswered items could still be given
FLAG_PARTIAL = OUR_BASE + "flag-determined-from-partial"
FOLLOW_UP_INSTRUMENT = OUR_BASE + "follow-up-instrument"  # Flag, valueCanonical (Questionnaire)
FOLLOW_UP_NOTE = OUR_BASE + "follow-up-note"  # Flag, valueString
INSTRUMENT_VALIDATED = OUR_BASE + "instrument-validated"  # Flag, valueBoolean
# Flag: one per warning, valueCoding (our response-quality code system,
# the warning's code, display = its message)
RESPONSE_QUALITY = OUR_BASE + "response-quality-warning"
SUPERSEDED_BY = OUR_BASE + "superseded-by"  # QuestionnaireResponse / Observation, valueReference
REPLACES = OUR_BASE + "replaces"  # QuestionnaireResponse, valueReference
STATUS_REASON = OUR_BASE + "status-reason"  # QuestionnaireResponse, valueString
SCORE_COMPLETE = OUR_BASE + "score-complete"  # Observation, valueBoolean
SCORE_PRORATED = OUR_BASE + "score-prorated"  # Observation, valueBoolean
BANDS_PROVISIONAL = OUR_BASE + "bands-provisional"  # Observation, valueBoolean

# Standard code systems and extensions.
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"
FLAG_PRIORITY = "http://hl7.org/fhir/StructureDefinition/flag-priority"
FLAG_PRIORITY_SYSTEM = "http://hl7.org/fhir/flag-priority-code"
PRONOUNS = "http://hl7.org/fhir/StructureDefinition/individual-pronouns"
OBSERVATION_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"

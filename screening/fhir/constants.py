"""URLs of the FHIR extensions and code systems the instrument mapping reads and writes."""

from __future__ import annotations

# Standard extensions (FHIR core / extensions pack).
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"  # R4 name
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"  # R5 / SDC 3+ name
ISO21090_CO_VALUE = "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value"  # STU3-era forms
VARIABLE = "http://hl7.org/fhir/StructureDefinition/variable"
CQF_CITATION = "http://hl7.org/fhir/StructureDefinition/cqf-citation"

# Where an option's numeric value may be found, in order of preference.
VALUE_EXTENSIONS = (ORDINAL_VALUE, ITEM_WEIGHT, ISO21090_CO_VALUE)

# SDC (Structured Data Capture) extensions.
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
CALCULATED_EXPRESSION = SDC + "sdc-questionnaire-calculatedExpression"
# The pre-SDC core extension with the same meaning, still found in older forms.
CALCULATED_EXPRESSION_CORE = (
    "http://hl7.org/fhir/StructureDefinition/questionnaire-calculatedExpression"
)
CALCULATED_EXPRESSIONS = (CALCULATED_EXPRESSION, CALCULATED_EXPRESSION_CORE)
ENABLE_WHEN_EXPRESSION = SDC + "sdc-questionnaire-enableWhenExpression"
FHIRPATH = "text/fhirpath"

# Our own extensions, only for what has no FHIR home. Their canonical base is fixed (it names the
# definition of the extension), whatever base URL the server's resources are published under.
OUR_BASE = "https://screening.example.org/fhir/StructureDefinition/"
CRITICAL_ITEM = OUR_BASE + "critical-item"  # valueBoolean, on Questionnaire.item
INDICATOR = OUR_BASE + "indicator"  # valueCode, repeated, on Questionnaire.item
VALIDATED_INSTRUMENT = OUR_BASE + "validated-instrument"  # valueBoolean, on Questionnaire

"""The scoring engine: pure Python (stdlib + jsonschema), no Django.

Definitions are data (see docs/instrument-format.md). Typical use::

    errors = validate(definition)          # every problem, with $-paths
    compiled = compile(definition)         # once per instrument version
    problems = check_answers(compiled, answers, for_submit=True)
    result = score(compiled, answers)      # many times; result.to_dict() for JSON
"""

from .answers import check_answers
from .canonical import canonical_json, checksum
from .compiled import (
    CompiledInstrument,
    CompiledItem,
    CompiledRule,
    CompiledScale,
    Option,
    compile,
)
from .errors import AnswerError, DefinitionError, InvalidAnswersError, ValidationError
from .examples import ExampleFailure, run_example, run_examples
from .result import Band, Flag, ItemEvidence, ScaleEvidence, ScaleResult, ScoreResult
from .schema_check import load_schema
from .scoring import score
from .validate import validate

__all__ = [
    "AnswerError",
    "Band",
    "CompiledInstrument",
    "CompiledItem",
    "CompiledRule",
    "CompiledScale",
    "DefinitionError",
    "ExampleFailure",
    "Flag",
    "InvalidAnswersError",
    "ItemEvidence",
    "Option",
    "ScaleEvidence",
    "ScaleResult",
    "ScoreResult",
    "ValidationError",
    "canonical_json",
    "check_answers",
    "checksum",
    "compile",
    "load_schema",
    "run_example",
    "run_examples",
    "score",
    "validate",
]

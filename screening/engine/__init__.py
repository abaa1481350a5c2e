"""The scoring engine: pure Python (stdlib + jsonschema), no Django.

Definitions are data (see docs/instrument-format.md). Typical use::

    errors = validate(definition)          # every problem, with $-paths
    compiled = compile(definition)         # once per instrument version
    problems = check_answers(compiled, answers, for_submit=True)
    result = score(compiled, answers)      # many times; result.to_dict() for JSON
    outcomes = compare(compiled, [{"total": 18}, {"total": 7}])  # change between screenings
"""

from .answers import check_answers
from .canonical import canonical_json, checksum
from .change import (
    DETERIORATED,
    IMPROVED,
    NO_RELIABLE_CHANGE,
    NOT_DEFINED,
    RELIABLE_CHANGE_VALUES,
    ScaleChange,
    compare,
)
from .change_criteria import ChangeCriteria, jacobson_truax_threshold
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
    "DETERIORATED",
    "IMPROVED",
    "NOT_DEFINED",
    "NO_RELIABLE_CHANGE",
    "RELIABLE_CHANGE_VALUES",
    "AnswerError",
    "Band",
    "ChangeCriteria",
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
    "ScaleChange",
    "ScaleEvidence",
    "ScaleResult",
    "ScoreResult",
    "ValidationError",
    "canonical_json",
    "check_answers",
    "checksum",
    "compare",
    "compile",
    "jacobson_truax_threshold",
    "load_schema",
    "run_example",
    "run_examples",
    "score",
    "validate",
]

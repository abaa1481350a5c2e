"""Scoring answers against a version without saving anything: the REST score preview and the
admin's draft page use this one function."""

from collections.abc import Mapping, Sequence
from typing import Any

from screening import engine
from screening.answer_input import answers_to_values
from screening.compiled import compiled_version
from screening.models import InstrumentVersion


def score_preview(
    *, version: InstrumentVersion, answers: Sequence[Mapping[str, Any]]
) -> engine.ScoreResult:
    """Scores, bands and the flags the rules would raise for `answers` (as API clients send
    them). Raises Django's ValidationError, keyed `answers.<n>...`, for answers that do not fit."""
    compiled = compiled_version(version)
    return engine.score(compiled, answers_to_values(compiled, answers))

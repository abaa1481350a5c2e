"""Scoring answers against a version without saving anything: the REST score preview and the
admin's draft page use this one function."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening import engine
from screening.answer_input import answers_to_values
from screening.compiled import compiled_version
from screening.models import InstrumentVersion
from screening.selectors.instruments import flag_labels


def score_preview(
    *, version: InstrumentVersion, answers: Sequence[Mapping[str, Any]]
) -> engine.ScoreResult:
    """Scores, bands and the flags the rules would raise for `answers` (as API clients send
    them). Raises Django's ValidationError, keyed `answers.<n>...`, for answers that do not fit."""
    compiled = compiled_version(version)
    return engine.score(compiled, answers_to_values(compiled, answers))


@dataclass(frozen=True, slots=True)
class PreviewFlag:
    """A flag the rules would raise, with the attribute names of a saved `Flag`, so a preview
    and a saved flag are rendered by the same serializer fields and have one shape."""

    rule_id: str
    condition_code: str
    condition_name: str
    severity: str
    rule_source: str
    instrument_validated: bool
    message: str
    evidence: dict[str, Any]
    follow_up_instrument: str
    follow_up_note: str
    response_quality: dict[str, Any]


def preview_flags(result: engine.ScoreResult) -> list[PreviewFlag]:
    """The flags of a previewed result, labelled as a saved flag would be."""
    flags = [flag.to_dict() for flag in result.flags]
    labels = flag_labels(flags)
    return [
        PreviewFlag(
            rule_id=flag["rule_id"],
            condition_code=flag["condition"],
            condition_name=labels[flag["rule_id"]],
            severity=flag["severity"],
            rule_source=flag["source"] or "",
            instrument_validated=flag["instrument_validated"],
            message=flag["message"],
            evidence=flag["evidence"],
            follow_up_instrument=flag["follow_up"] or "",
            follow_up_note=flag["follow_up_note"] or "",
            response_quality=flag.get("response_quality") or {},
        )
        for flag in flags
    ]

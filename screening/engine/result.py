"""What `score()` returns: values with `to_dict()` giving plain JSON.

Pieces shared between results (bands, item evidence) are frozen because compile() builds them
once. The per-call records (ScoreResult, ScaleResult, Flag, ScaleEvidence) are fresh objects
for each call and are plain slotted dataclasses: a frozen dataclass costs about three times as
much to construct, which matters at the engine's scoring rate. Treat them as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .numbers import Number


@dataclass(frozen=True, slots=True)
class Band:
    code: str
    label: str
    min: Number
    max: Number
    interpretation: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "min": self.min,
            "max": self.max,
            "interpretation": self.interpretation,
            "source": self.source,
        }


@dataclass(slots=True)
class ScaleResult:
    """One scale's outcome.

    `score` is None when the missing-data rule refuses to score. `complete` is False when any
    enabled item of the scale is unanswered (the score, if any, was then prorated: `prorated`).
    `answered` / `expected` count the scale's enabled items; disabled items are not applicable.
    """

    id: str
    title: str
    method: str
    score: Number | None
    band: Band | None
    bands_provisional: bool
    complete: bool
    prorated: bool
    answered: int
    expected: int
    range: tuple[Number, Number]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "method": self.method,
            "score": self.score,
            "band": self.band.to_dict() if self.band is not None else None,
            "bands_provisional": self.bands_provisional,
            "complete": self.complete,
            "prorated": self.prorated,
            "answered": self.answered,
            "expected": self.expected,
            "range": {"min": self.range[0], "max": self.range[1]},
        }


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    """An item a fired rule refers to, with the answer it had (value None when unanswered).

    In a flag, `threshold` states what the rule asks of the item (`>= 3 (Often)`) and `met`
    whether the answer meets it (an unanswered item meets no threshold). The records compile()
    builds once per answer leave both None; `score()` fills them in for each flag.
    """

    link_id: str
    text: str
    answered: bool
    value: Number | bool | None
    label: str | None
    critical: bool
    met: bool | None = None
    threshold: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "link_id": self.link_id,
            "text": self.text,
            "answered": self.answered,
            "value": self.value,
            "label": self.label,
            "critical": self.critical,
            "met": self.met,
            "threshold": self.threshold,
        }


@dataclass(slots=True)
class ScaleEvidence:
    """A scale a fired rule refers to. `met`: the rule's threshold on it holds for every score
    it can still reach; `reachable`: that range (None when the scale is complete)."""

    id: str
    title: str
    score: Number | None
    band: str | None
    met: bool | None = None
    threshold: str | None = None
    reachable: tuple[Number, Number] | None = None

    def to_dict(self) -> dict[str, Any]:
        reachable = self.reachable
        return {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "band": self.band,
            "met": self.met,
            "threshold": self.threshold,
            "reachable": (
                {"min": reachable[0], "max": reachable[1]} if reachable is not None else None
            ),
        }


@dataclass(slots=True)
class Flag:
    """A fired rule, for clinician review: never a diagnosis."""

    rule_id: str
    condition: str
    severity: str
    message: str
    follow_up: str | None
    follow_up_note: str | None
    source: str | None
    items: tuple[ItemEvidence, ...]
    scales: tuple[ScaleEvidence, ...]
    label: str | None = None
    # False for a flag from an instrument that is not validated (our own inventory): every
    # rendering of the flag carries it, so "not validated" cannot be lost on the way.
    instrument_validated: bool = True
    # The result's response-quality check, repeated on each flag (issue 13).
    response_quality: dict[str, Any] | None = None
    # The rule in words (its thresholds), e.g. "Total score >= 10".
    criteria: str = ""
    # True when an answer the rule depends on is missing and the rule was found to hold for every
    # answer those items could still be given; `unanswered` lists them.
    determined_from_partial: bool = False
    unanswered: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "condition": self.condition,
            "label": self.label,
            "instrument_validated": self.instrument_validated,
            "response_quality": self.response_quality,
            "severity": self.severity,
            "message": self.message,
            "follow_up": self.follow_up,
            "follow_up_note": self.follow_up_note,
            "source": self.source,
            "determined_from_partial": self.determined_from_partial,
            "evidence": {
                "criteria": self.criteria,
                "determined_from_partial": self.determined_from_partial,
                "unanswered": list(self.unanswered),
                "items": [item.to_dict() for item in self.items],
                "scales": [scale.to_dict() for scale in self.scales],
            },
        }


@dataclass(slots=True)
class ScoreResult:
    """The outcome of scoring one answer set against one definition (identified by `checksum`).

    `flags` are ordered urgent, review, info, then in the definition's rule order. `complete` is
    False when a scale is incomplete or a required enabled item is unanswered.
    """

    instrument: str
    version: str
    checksum: str
    scales: dict[str, ScaleResult]
    flags: tuple[Flag, ...]
    complete: bool
    disabled_items: tuple[str, ...]
    # `{"checked": bool, "warnings": [...]}` (screening.engine.quality).
    response_quality: dict[str, Any] | None = None
    # Answers to unscored items, reported with the result and never scored (PHQ-9 question 10).
    reported_items: tuple[dict[str, Any], ...] = ()
    # Enabled (or not yet decidable) items that are unanswered and count: required or scored.
    missing_items: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "checksum": self.checksum,
            "complete": self.complete,
            "missing_items": list(self.missing_items),
            "disabled_items": list(self.disabled_items),
            "response_quality": self.response_quality,
            "reported_items": list(self.reported_items),
            "scales": {scale_id: scale.to_dict() for scale_id, scale in self.scales.items()},
            "flags": [flag.to_dict() for flag in self.flags],
        }

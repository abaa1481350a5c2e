"""`score()`: answers in, scale scores, bands and flags for clinician review out.

Pure and deterministic. It expects answers already passed through `check_answers()`:
- answers to unknown link ids are ignored (never an error here);
- answers to disabled items are ignored (the item is not applicable);
- a None value means unanswered;
- a value that is no valid answer for a known item raises InvalidAnswersError, because a wrong
  value must never turn into a plausible-looking score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .answers import invalid_value_error, resolve
from .compiled import CompiledInstrument, CompiledRule, CompiledScale, ensure_compiled
from .errors import InvalidAnswersError
from .numbers import Number, divide, multiply, plain, round_cents, round_integer
from .quality import check_quality
from .reported import reported_items
from .result import Flag, ScaleEvidence, ScaleResult, ScoreResult
from .templates import Placeholder


def score(
    definition_or_compiled: CompiledInstrument | Mapping[str, Any],
    answers: Mapping[str, Any],
) -> ScoreResult:
    """Score `answers` (link id -> option value, or True/False for boolean items)."""
    compiled = ensure_compiled(definition_or_compiled)
    values, disabled, invalid, pending = resolve(compiled, answers)
    if invalid:
        raise InvalidAnswersError(
            [invalid_value_error(item, answers[item.link_id]) for item in invalid]
        )
    # Pending items (their enable-when waits on an unanswered item) count as missing.
    skip = frozenset(disabled) - pending if pending else frozenset(disabled)

    scores: dict[str, Number | None] = {}
    results: dict[str, ScaleResult] = {}
    complete = True
    for scale in compiled.scales:
        result = _score_scale(scale, values, skip)
        scores[scale.id] = result.score
        results[scale.id] = result
        complete = complete and result.complete
    if complete:
        for link_id in compiled.required_items:
            if link_id not in values and link_id not in skip:
                complete = False
                break

    quality = check_quality(compiled.quality, values, compiled.item_by_id)
    flags = tuple(
        _flag(rule, compiled, values, results, quality)
        for rule in compiled.rules
        if rule.test(values, scores) is True
    )
    return ScoreResult(
        instrument=compiled.code,
        version=compiled.version,
        checksum=compiled.checksum,
        scales=results,
        flags=flags,
        complete=complete,
        disabled_items=tuple(disabled),
        response_quality=quality,
        reported_items=reported_items(compiled, values),
    )


def _score_scale(
    scale: CompiledScale, values: Mapping[str, Any], skip: frozenset[str]
) -> ScaleResult:
    total: Any = 0
    answered = 0
    get = values.get
    if skip:
        expected = 0
        for link_id, contributions in scale.entries:
            if link_id not in skip:
                expected += 1
                value = get(link_id)
                if value is not None:
                    answered += 1
                    total += contributions[value]
    else:
        # The common case (nothing disabled) skips the per-item membership test.
        expected = len(scale.entries)
        for link_id, contributions in scale.entries:
            value = get(link_id)
            if value is not None:
                answered += 1
                total += contributions[value]

    method = scale.method
    prorated = False
    score: Number | None
    if answered == expected:
        if method == "mean":
            score = round_cents(divide(total, answered)) if answered else None
        else:
            # All items disabled leaves total at 0: "not applicable" scores 0 for sum/count.
            score = total if scale.exact_integers else round_integer(total)
    elif scale.missing_rule == "refuse" or answered < (scale.min_answered or 0):
        score = None
    else:
        prorated = True
        if method == "mean":
            score = round_cents(divide(total, answered))
        else:
            score = round_integer(divide(multiply(total, expected), answered))
            # Items with unequal ranges can prorate past the derived range; a score outside
            # the range would match no band, so it is held at the range's ends.
            low, high = scale.range
            score = min(max(score, low), high)

    return ScaleResult(
        id=scale.id,
        title=scale.title,
        method=method,
        score=score,
        band=scale.band_for(score),
        bands_provisional=scale.bands_provisional,
        complete=answered == expected,
        prorated=prorated,
        answered=answered,
        expected=expected,
        range=scale.range,
    )


def _flag(
    rule: CompiledRule,
    compiled: CompiledInstrument,
    values: Mapping[str, Any],
    results: Mapping[str, ScaleResult],
    quality: dict[str, Any],
) -> Flag:
    item_by_id = compiled.item_by_id
    items = tuple(item_by_id[link_id].evidence[values.get(link_id)] for link_id in rule.item_refs)
    scales = []
    for scale_id in rule.scale_refs:
        result = results[scale_id]
        band = result.band.code if result.band is not None else None
        scales.append(ScaleEvidence(scale_id, result.title, result.score, band))
    return Flag(
        rule_id=rule.id,
        condition=rule.condition,
        severity=rule.severity,
        message=_render(rule, compiled, values, results),
        follow_up=rule.follow_up,
        follow_up_note=rule.follow_up_note,
        source=rule.source,
        items=items,
        scales=tuple(scales),
        label=rule.label,
        instrument_validated=compiled.validated,
        response_quality=quality,
    )


def _render(
    rule: CompiledRule,
    compiled: CompiledInstrument,
    values: Mapping[str, Any],
    results: Mapping[str, ScaleResult],
) -> str:
    out = []
    for part in rule.message:
        if isinstance(part, Placeholder):
            out.append(_placeholder_text(part, compiled, values, results))
        else:
            out.append(part)
    return "".join(out)


def _placeholder_text(
    part: Placeholder,
    compiled: CompiledInstrument,
    values: Mapping[str, Any],
    results: Mapping[str, ScaleResult],
) -> str:
    if part.kind == "scale":
        result = results[part.key]
        if result.score is None:
            return "not scored"
        return f"{result.score:.2f}" if result.method == "mean" else str(result.score)
    value = values.get(part.key)
    if value is None:
        return "unanswered"
    if part.kind == "item_label":
        return compiled.item_by_id[part.key].labels[value]
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(plain(value))

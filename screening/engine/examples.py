"""Running a definition's own examples: each is an answer set with its expected outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .answers import check_answers
from .compiled import CompiledInstrument, ensure_compiled
from .scoring import score


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    example: str
    message: str


def run_example(compiled: CompiledInstrument, example: Mapping[str, Any]) -> list[ExampleFailure]:
    """Score one example and compare with its `expect`; an empty list means it holds."""
    name = example["name"]
    answers = example["answers"]
    failures = [
        ExampleFailure(name, f"answers: {error.path} {error.code}: {error.message}")
        for error in check_answers(compiled, answers)
    ]
    if failures:
        return failures
    result = score(compiled, answers)
    expect = example["expect"]
    for scale_id, expected in expect.get("scales", {}).items():
        actual = result.scales[scale_id]
        got = {
            "score": actual.score,
            "band": actual.band.code if actual.band is not None else None,
            "complete": actual.complete,
        }
        for key, want in expected.items():
            if got[key] != want:
                failures.append(
                    ExampleFailure(
                        name, f"scale {scale_id!r} {key}: expected {want}, got {got[key]}"
                    )
                )
    if "flags" in expect:
        fired = sorted(flag.rule_id for flag in result.flags)
        wanted = sorted(expect["flags"])
        if fired != wanted:
            failures.append(ExampleFailure(name, f"flags: expected {wanted}, got {fired}"))
    if "response_quality" in expect:
        warned = sorted(w["code"] for w in (result.response_quality or {}).get("warnings", []))
        wanted = sorted(expect["response_quality"])
        if warned != wanted:
            failures.append(
                ExampleFailure(name, f"response_quality: expected {wanted}, got {warned}")
            )
    if "determined_from_partial" in expect:
        partial = sorted(flag.rule_id for flag in result.flags if flag.determined_from_partial)
        wanted = sorted(expect["determined_from_partial"])
        if partial != wanted:
            failures.append(
                ExampleFailure(name, f"determined_from_partial: expected {wanted}, got {partial}")
            )
    for key in ("complete", "missing_items"):
        if key in expect:
            got = getattr(result, key)
            got = list(got) if isinstance(got, tuple) else got
            if got != expect[key]:
                failures.append(ExampleFailure(name, f"{key}: expected {expect[key]}, got {got}"))
    return failures


def run_examples(
    definition_or_compiled: CompiledInstrument | Mapping[str, Any],
) -> list[ExampleFailure]:
    """Run every example of a (valid) definition; raises DefinitionError if it is invalid."""
    compiled = ensure_compiled(definition_or_compiled)
    failures: list[ExampleFailure] = []
    for example in compiled.definition()["examples"]:
        failures.extend(run_example(compiled, example))
    return failures

"""Change between screenings -> Observation.interpretation (pure; issue 16).

A later screening's Observation of a scale carries, after its band, how the score compares with
the client's first completed, comparable screening of the instrument (the baseline), by the
scale's declared criteria (screening/selectors/change.py gives the outcome): one
CodeableConcept for reliable change (our `reliable-change` code, and HL7's B "Better" or W "Worse"
when the change is reliable) and one each for response, remission and recovery when the scale
declares them. The text says the scores, dates, points and the criterion's source, so a reader
without our code systems still understands it. A first screening has none of these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .search import instant
from .systems import CHANGE_OUTCOME_SYSTEM, OBSERVATION_INTERPRETATION, RELIABLE_CHANGE_SYSTEM

RELIABLE_CHANGE_DISPLAY = {
    "improved": "Reliable improvement",
    "no_reliable_change": "No reliable change",
    "deteriorated": "Reliable deterioration",
    "not_defined": "Reliable change not defined for this scale",
}
STANDARD = {
    "improved": {"system": OBSERVATION_INTERPRETATION, "code": "B", "display": "Better"},
    "deteriorated": {"system": OBSERVATION_INTERPRETATION, "code": "W", "display": "Worse"},
}
OUTCOMES = {
    # name: (code when true, display, code when false, display)
    "response": ("response", "Response", "no-response", "No response"),
    "remission": ("remission", "Remission", "no-remission", "Not in remission"),
    "recovery": ("recovery", "Recovery", "no-recovery", "No recovery"),
}


def _points(value: Any) -> str:
    return f"{value:+}" if isinstance(value, int | float) else str(value)


def change_interpretations(change: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The interpretation entries of one scale's change outcome."""
    baseline, latest = change["baseline"], change["latest"]
    criteria = change.get("criteria") or {}
    rule = criteria.get("reliable_change")
    summary = (
        f"{change['title']}: {latest['score']} against {baseline['score']} at baseline "
        f"({instant(baseline['date'])}), {_points(change['change_since_baseline'])} points"
    )
    if rule:
        summary += f"; reliable change is {rule['threshold']} points or more ({rule['source']})"
    else:
        summary += "; the scale declares no reliable change criterion"
    code = change["reliable_change"]
    codings = [
        {"system": RELIABLE_CHANGE_SYSTEM, "code": code, "display": RELIABLE_CHANGE_DISPLAY[code]}
    ]
    if code in STANDARD:
        codings.append(STANDARD[code])
    entries = [{"coding": codings, "text": f"{RELIABLE_CHANGE_DISPLAY[code]}. {summary}."}]
    for name, (yes, yes_display, no, no_display) in OUTCOMES.items():
        value = change.get(name)
        if value is None:
            continue
        display = yes_display if value else no_display
        source = (criteria.get(name) or criteria.get("caseness") or {}).get("source", "")
        entries.append(
            {
                "coding": [
                    {
                        "system": CHANGE_OUTCOME_SYSTEM,
                        "code": yes if value else no,
                        "display": display,
                    }
                ],
                "text": f"{display} ({source})" if source else display,
            }
        )
    return entries

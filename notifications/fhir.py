"""FHIR R4 Subscription <-> our fields (pure: no database, no HTTP)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from screening.fhir.outcome import ResourceError, error

ROOT = "Subscription"
# criteria -> (resource type, the `status` it requires or "")
CRITERIA = {
    "Flag": ("Flag", ""),
    "Flag?status=active": ("Flag", "active"),
    "QuestionnaireResponse": ("QuestionnaireResponse", ""),
    "QuestionnaireResponse?status=completed": ("QuestionnaireResponse", "completed"),
}
PAYLOADS = ("application/fhir+json", "application/json")
MAX_HEADERS = 10
_HEADER = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}:[ \t]*[^\r\n\x00]{1,1000}$")
HIDDEN = "[hidden]"


@dataclass(frozen=True)
class SubscriptionInput:
    criteria: str
    resource_type: str
    status_filter: str
    reason: str
    endpoint: str
    payload: str
    headers: list[str]
    end: datetime | None


def read_subscription(resource: dict[str, Any], *, now: datetime) -> SubscriptionInput:
    """Our fields of a (structurally valid) Subscription, or ResourceError naming every problem
    with its FHIRPath."""
    issues = []
    status = resource.get("status")
    if status != "requested":
        issues.append(
            error(
                "business-rule",
                f"status is {status!r}: a new Subscription is 'requested' (the server activates "
                "it once its endpoint checks out)",
                f"{ROOT}.status",
            )
        )
    criteria = str(resource.get("criteria", "")).strip()
    if criteria not in CRITERIA:
        issues.append(
            error(
                "not-supported",
                f"criteria {criteria!r} is not supported: use one of {', '.join(CRITERIA)}",
                f"{ROOT}.criteria",
            )
        )
    channel = resource.get("channel") or {}
    if channel.get("type") != "rest-hook":
        issues.append(
            error(
                "not-supported",
                f"channel.type {channel.get('type')!r}: only rest-hook is offered",
                f"{ROOT}.channel.type",
            )
        )
    endpoint = str(channel.get("endpoint") or "")
    if not endpoint:
        issues.append(error("required", "A rest-hook needs channel.endpoint", f"{ROOT}.channel"))
    payload = str(channel.get("payload") or "").split(";")[0].strip()
    if payload and payload not in PAYLOADS:
        issues.append(
            error(
                "not-supported",
                f"channel.payload {payload!r}: use application/fhir+json, or leave it out to be "
                "notified without a body",
                f"{ROOT}.channel.payload",
            )
        )
    headers = channel.get("header") or []
    if len(headers) > MAX_HEADERS:
        issues.append(error("too-long", f"At most {MAX_HEADERS} headers", f"{ROOT}.channel.header"))
    for index, header in enumerate(headers):
        if not isinstance(header, str) or not _HEADER.match(header):
            issues.append(
                error(
                    "value",
                    "A header is 'Name: value' on one line",
                    f"{ROOT}.channel.header[{index}]",
                )
            )
    end = _instant(resource.get("end"))
    if resource.get("end") and end is None:
        issues.append(error("value", "end is not an instant", f"{ROOT}.end"))
    elif end is not None and end <= now:
        issues.append(error("business-rule", "end is in the past", f"{ROOT}.end"))
    if issues:
        raise ResourceError(issues)
    resource_type, status_filter = CRITERIA[criteria]
    return SubscriptionInput(
        criteria=criteria,
        resource_type=resource_type,
        status_filter=status_filter,
        reason=str(resource.get("reason", "")),
        endpoint=endpoint,
        payload="application/fhir+json" if payload else "",
        headers=[h.strip() for h in headers],
        end=end,
    )


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _instant_text(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def subscription_resource(subscription: Any, *, header_names: list[str]) -> dict[str, Any]:
    """The Subscription resource of our row. Header values are secrets: shown as [hidden]."""
    channel: dict[str, Any] = {"type": "rest-hook", "endpoint": subscription.endpoint}
    if subscription.payload:
        channel["payload"] = subscription.payload
    if header_names:
        channel["header"] = [f"{name}: {HIDDEN}" for name in header_names]
    resource: dict[str, Any] = {
        "resourceType": "Subscription",
        "id": str(subscription.pk),
        "meta": {"lastUpdated": _instant_text(subscription.updated_at)},
        "status": subscription.status,
        "reason": subscription.reason,
        "criteria": subscription.criteria,
        "channel": channel,
    }
    if subscription.end is not None:
        resource["end"] = _instant_text(subscription.end)
    if subscription.error:
        resource["error"] = subscription.error
    return resource

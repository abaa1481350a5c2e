"""What a delivery sends: the Standard Webhooks body of an event, and the e-mails (pure)."""

import json
from datetime import datetime
from typing import Any

from outbox.events import EventType

NOT_A_DIAGNOSIS = "A screening flag is for clinician review; it is not a diagnosis."
NO_CLIENT_DATA = "This message names no client on purpose: sign in to see the details."


def _instant(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def webhook_body(
    *, event_id: int, event_type: str, occurred_at: datetime, organization: str, data: dict
) -> bytes:
    """The JSON body of a webhook, the same bytes on every attempt (so the signature of a retry
    covers exactly what the first attempt sent, but for the timestamp)."""
    payload: dict[str, Any] = {
        "type": event_type,
        "timestamp": _instant(occurred_at),
        "id": f"evt_{event_id}",
        "organization": organization,
        "data": data,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def email_message(
    *,
    event_type: str,
    data: dict,
    organization: str,
    occurred_at: datetime,
    base_url: str,
) -> tuple[str, str]:
    """(subject, body) of the e-mail for an event: ids and codes, a link to act on, no client
    name, no answers, no scores."""
    flag = data.get("flag") or {}
    link = f"{base_url}/api/v1/flags/{flag.get('id')}/" if flag else ""
    when = occurred_at.strftime("%Y-%m-%d %H:%M UTC")
    if event_type == EventType.FLAG_RAISED:
        subject = f"[Urgent] A screening flag needs clinician review ({organization})"
        lines = [
            f"An urgent screening flag was raised at {organization} at {when} and is waiting "
            "for a clinician to review it.",
            "",
            f"Flag {flag.get('id')}: rule {flag.get('rule')}, condition {flag.get('condition')}.",
            f"Open it (sign-in required): {link}",
        ]
    elif event_type == EventType.FLAG_ESCALATED:
        escalation = data.get("escalation") or {}
        subject = f"[Escalation] An urgent flag is still not acknowledged ({organization})"
        lines = [
            f"Urgent flag {flag.get('id')} at {organization} has not been acknowledged by a "
            f"clinician {escalation.get('minutes_open')} minutes after it was raised "
            f"(escalation notice {escalation.get('notice')}).",
            "",
            f"Rule {flag.get('rule')}, condition {flag.get('condition')}.",
            f"Open it and acknowledge it (sign-in required): {link}",
            "You will be told again at every escalation interval until a clinician does.",
        ]
    elif event_type == EventType.WEBHOOK_DISABLED:
        endpoint = data.get("endpoint") or {}
        subject = f"A webhook endpoint was disabled ({organization})"
        lines = [
            f"Webhook endpoint {endpoint.get('id')} (host {endpoint.get('host')}) of "
            f"{organization} was disabled at {when} after {endpoint.get('failures')} failed "
            f"deliveries in a row. Last error: {endpoint.get('reason')}.",
            "",
            "Events are not sent to it until an organization admin fixes the receiver and "
            "re-enables the endpoint:",
            f"{base_url}/api/v1/webhooks/{endpoint.get('id')}/ (PATCH with active: true).",
        ]
    else:
        raise ValueError(f"no e-mail for {event_type}")
    lines += ["", NO_CLIENT_DATA]
    if flag:
        lines.append(NOT_A_DIAGNOSIS)
    return subject, "\n".join(lines) + "\n"

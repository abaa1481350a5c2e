"""Writes of an organization's safety settings (org admins, through the API or the admin)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from clients.models import Organization, SafetySettings, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import InvalidInput

MAX_RECIPIENTS = 20
MAX_CRISIS_TEXT = 2000
MINUTES = (1, 7 * 24 * 60)  # escalation delay and interval: a minute to a week
FIELDS = (
    "crisis_text",
    "on_call_emails",
    "escalation_emails",
    "escalation_delay_minutes",
    "escalation_interval_minutes",
)


def _emails(field: str, value: Any, errors: dict[str, list[str]]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[field] = ["A list of e-mail addresses."]
        return []
    cleaned = []
    for address in value:
        address = address.strip()
        try:
            validate_email(address)
        except DjangoValidationError:  # validate_email's
            errors.setdefault(field, []).append(f"{address!r} is not an e-mail address.")
            continue
        if address.lower() not in {a.lower() for a in cleaned}:
            cleaned.append(address)
    if len(cleaned) > MAX_RECIPIENTS:
        errors.setdefault(field, []).append(f"At most {MAX_RECIPIENTS} addresses.")
    return cleaned


def safety_settings_clean(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes checked and normalised (addresses trimmed, duplicates dropped), or a
    ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in FIELDS:
            errors[field] = ["Unknown field."]
        elif field == "crisis_text":
            if not isinstance(value, str) or not value.strip():
                errors[field] = ["Crisis guidance cannot be empty: a client must see some."]
            elif len(value) > MAX_CRISIS_TEXT:
                errors[field] = [f"At most {MAX_CRISIS_TEXT} characters."]
            else:
                cleaned[field] = value.strip()
        elif field.endswith("_emails"):
            cleaned[field] = _emails(field, value, errors)
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (MINUTES[0] <= value <= MINUTES[1])
        ):
            errors[field] = [f"Whole minutes from {MINUTES[0]} to {MINUTES[1]}."]
        else:
            cleaned[field] = value
    if errors:
        raise InvalidInput(fields=errors)
    return cleaned


def safety_settings_update(
    *, organization: Organization, actor: User | None, changes: Mapping[str, Any]
) -> SafetySettings:
    """Change some of the organization's safety settings (the others stay as they are).
    One transaction with its audit row, which names the fields changed (not their values:
    addresses are staff contact details)."""
    cleaned = safety_settings_clean(changes)
    with transaction.atomic():
        current, _ = SafetySettings.objects.select_for_update().get_or_create(
            organization=organization
        )
        changed = sorted(f for f, v in cleaned.items() if getattr(current, f) != v)
        for field, value in cleaned.items():
            setattr(current, field, value)
        current.updated_by = actor if actor is not None and actor.is_authenticated else None
        current.save()
        audit_record(
            actor=actor,
            organization=organization,
            action=AuditAction.UPDATE,
            object_type="safety_settings",
            object_id=organization.pk,
            detail={"changed": changed},
        )
    return current

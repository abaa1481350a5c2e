"""Writes to the instrument library: import, draft, edit, publish, retire.

Every function is one transaction that writes its audit row. Drafts are always valid definitions
(an invalid one is refused with every error and its path), so publishing only has to check that the
definition's own examples hold.
"""

import copy
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import Conflict, InvalidInput
from content.models import Condition
from screening import engine
from screening.models import Instrument, InstrumentVersion, VersionStatus


def definition_errors(definition: Any) -> dict[str, list[str]]:
    """Engine validation errors keyed by field path, as the API reports them."""
    errors: dict[str, list[str]] = {}
    for error in engine.validate(definition):
        key = "definition" + error.path[1:] if error.path.startswith("$") else error.path
        errors.setdefault(key, []).append(f"{error.message} ({error.code})")
    return errors


def _require_valid(definition: Any) -> None:
    errors = definition_errors(definition)
    if errors:
        raise InvalidInput(fields=errors)


def _reference_errors(definition: dict) -> dict[str, list[str]]:
    """Rules must name conditions the knowledge base has and follow-ups the library has: a flag
    that points nowhere cannot explain itself to a clinician."""
    rules = definition.get("rules", [])
    conditions = {rule["condition"] for rule in rules}
    known = set(
        Condition.objects.filter(code__in=conditions, retired_at__isnull=True).values_list(
            "code", flat=True
        )
    )
    follow_ups = {rule["follow_up"] for rule in rules if rule.get("follow_up")}
    instruments = set(
        Instrument.objects.filter(code__in=follow_ups).values_list("code", flat=True)
    ) | {definition["code"]}
    errors: dict[str, list[str]] = {}
    for index, rule in enumerate(rules):
        if rule["condition"] not in known:
            errors.setdefault(f"definition.rules[{index}].condition", []).append(
                f"No condition {rule['condition']!r} in the knowledge base."
            )
        if rule.get("follow_up") and rule["follow_up"] not in instruments:
            errors.setdefault(f"definition.rules[{index}].follow_up", []).append(
                f"No instrument {rule['follow_up']!r} in the library."
            )
    return errors


def _wording_errors(definition: dict) -> dict[str, list[str]]:
    """A flag label names a possible pattern as a screen, never a diagnosis, and every message of
    an unvalidated instrument says so (issue 13): many EHR banners show only the label, and a
    message may travel alone, so each must carry its qualifier itself."""
    errors: dict[str, list[str]] = {}
    unvalidated = definition.get("validated") is False
    for index, rule in enumerate(definition.get("rules", [])):
        if unvalidated and "not validated" not in rule["message"]:
            # A clinician may see only the message (an e-mail, an EHR note): it must say it.
            errors.setdefault(f"definition.rules[{index}].message", []).append(
                'A flag of an instrument that is not validated says "not validated" in its message.'
            )
        label = rule.get("label")
        if label is not None and not (label.startswith("Possible ") and "not a diagnosis" in label):
            errors.setdefault(f"definition.rules[{index}].label", []).append(
                'A flag label starts with "Possible " and says "not a diagnosis", e.g. '
                '"Possible avoidant pattern (screen, not a diagnosis)".'
            )
    return errors


def _audit(version: InstrumentVersion, actor: User | None, action: str, **detail) -> None:
    audit_record(
        actor=actor,
        organization=None,
        action=action,
        object_type="instrument_version",
        object_id=version.pk,
        detail={"instrument": version.instrument.code, "version": version.version, **detail},
    )


def _create_version(
    *, instrument: Instrument, definition: dict, actor: User | None
) -> InstrumentVersion:
    version_label = definition["version"]
    if instrument.versions.filter(version=version_label).exists():
        raise InvalidInput(
            fields={
                "definition.version": [f"Version {version_label!r} of {instrument.code} exists."]
            }
        )
    try:
        with transaction.atomic():
            version = InstrumentVersion.objects.create(
                instrument=instrument,
                version=version_label,
                definition=definition,
                created_by=actor if actor and actor.is_authenticated else None,
            )
    except IntegrityError as exc:
        # A concurrent request created the same label between the check and the insert.
        raise InvalidInput(
            fields={
                "definition.version": [f"Version {version_label!r} of {instrument.code} exists."]
            }
        ) from exc
    _audit(version, actor, AuditAction.CREATE)
    return version


def instrument_import(*, definition: Any, actor: User | None) -> InstrumentVersion:
    """Create a draft from a whole definition; the instrument is created on first import."""
    _require_valid(definition)
    with transaction.atomic():
        instrument, created = Instrument.objects.get_or_create(
            code=definition["code"], defaults={"title": definition["title"]}
        )
        if created:
            audit_record(
                actor=actor,
                organization=None,
                action=AuditAction.CREATE,
                object_type="instrument",
                object_id=instrument.pk,
                detail={"instrument": instrument.code},
            )
        return _create_version(instrument=instrument, definition=definition, actor=actor)


def next_version_label(label: str) -> str:
    """`1.0.0` → `1.0.1`; a label without a trailing number gets `.1`."""
    match = re.search(r"(\d+)$", label)
    if match is None:
        return f"{label}.1"
    return f"{label[: match.start()]}{int(match.group(1)) + 1}"


def instrument_version_create(
    *,
    instrument: Instrument,
    actor: User | None,
    definition: dict | None = None,
    version: str | None = None,
) -> InstrumentVersion:
    """A new draft: the given definition, or a copy of the newest version with a new label."""
    with transaction.atomic():
        if definition is None:
            latest = instrument.versions.order_by("-created_at", "-id").first()
            if latest is None:
                raise InvalidInput(
                    fields={"definition": ["The instrument has no version to copy."]}
                )
            definition = copy.deepcopy(latest.definition)
            label = version or next_version_label(latest.version)
            while version is None and instrument.versions.filter(version=label).exists():
                label = next_version_label(label)
            definition["version"] = label
        elif version is not None:
            definition = {**definition, "version": version}
        _require_valid(definition)
        if definition["code"] != instrument.code:
            raise InvalidInput(
                fields={"definition.code": [f"The definition's code must be {instrument.code!r}."]}
            )
        return _create_version(instrument=instrument, definition=definition, actor=actor)


def _lock(version: InstrumentVersion) -> InstrumentVersion:
    return (
        InstrumentVersion.objects.select_for_update()
        .select_related("instrument")
        .get(pk=version.pk)
    )


def instrument_version_update(
    *, version: InstrumentVersion, definition: Any, actor: User | None
) -> InstrumentVersion:
    with transaction.atomic():
        version = _lock(version)
        if version.is_frozen:
            raise Conflict(f"Version {version.version} is {version.status}: it cannot change.")
        _require_valid(definition)
        if definition["code"] != version.instrument.code:
            raise InvalidInput(
                fields={
                    "definition.code": [
                        f"The definition's code must be {version.instrument.code!r}."
                    ]
                }
            )
        if (
            definition["version"] != version.version
            and version.instrument.versions.filter(version=definition["version"]).exists()
        ):
            raise InvalidInput(
                fields={"definition.version": [f"Version {definition['version']!r} exists."]}
            )
        version.definition = definition
        version.version = definition["version"]
        version.save(update_fields=["definition", "version"])
        _audit(version, actor, AuditAction.UPDATE)
    return version


def instrument_version_publish(
    *, version: InstrumentVersion, actor: User | None
) -> InstrumentVersion:
    with transaction.atomic():
        version = _lock(version)
        if version.status != VersionStatus.DRAFT:
            raise Conflict(f"Only a draft can be published; this version is {version.status}.")
        _require_valid(version.definition)
        references = _reference_errors(version.definition) | _wording_errors(version.definition)
        if references:
            raise InvalidInput(fields=references)
        failures = engine.run_examples(version.definition)
        if failures:
            raise InvalidInput(
                fields={
                    "definition.examples": [
                        f"{failure.example}: {failure.message}" for failure in failures
                    ]
                }
            )
        version.status = VersionStatus.PUBLISHED
        version.checksum = engine.checksum(version.definition)
        version.published_at = timezone.now()
        version.save(update_fields=["status", "checksum", "published_at"])
        _audit(version, actor, AuditAction.UPDATE, status="published", checksum=version.checksum)
    return version


def instrument_version_retire(
    *, version: InstrumentVersion, actor: User | None
) -> InstrumentVersion:
    with transaction.atomic():
        version = _lock(version)
        if version.status != VersionStatus.PUBLISHED:
            raise Conflict(
                f"Only a published version can be retired; this one is {version.status}."
            )
        version.status = VersionStatus.RETIRED
        version.retired_at = timezone.now()
        version.save(update_fields=["status", "retired_at"])
        _audit(version, actor, AuditAction.UPDATE, status="retired")
    return version


def instrument_version_delete(*, version: InstrumentVersion, actor: User | None) -> None:
    """Drafts may be thrown away; published versions are history and stay."""
    with transaction.atomic():
        version = _lock(version)
        if version.status != VersionStatus.DRAFT:
            raise Conflict(f"Only a draft can be deleted; this version is {version.status}.")
        _audit(version, actor, AuditAction.UPDATE, status="deleted")
        version.delete()

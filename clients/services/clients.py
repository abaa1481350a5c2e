"""Creating and changing client records. Clients are never deleted: `active` turns them off.

`data` is the validated input of the API (or any caller): keys that are absent leave the stored
value alone on update and take the default on create. Identifiers and the care team, when given,
replace the whole set.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Q

from clients.models import Client, ClientIdentifier, Organization, Role, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import DuplicateIdentifier, InvalidInput

OBJECT_TYPE = "client"
# Plain fields a caller may set; everything else on the row is owned by the server.
PLAIN_FIELDS = (
    "given_name",
    "family_name",
    "birth_date",
    "administrative_sex",
    "pronouns",
    "active",
)
DUPLICATE_IDENTIFIER = "Another client of your organization already has this identifier."
REPEATED_IDENTIFIER = "This identifier appears more than once."


class IdentifierData(TypedDict):
    system: str
    value: str


class ClientData(TypedDict, total=False):
    given_name: str
    family_name: str
    birth_date: datetime.date
    administrative_sex: str | None
    pronouns: str | None
    active: bool
    identifiers: list[IdentifierData]
    care_team: list[int]


def client_create(*, organization: Organization, actor: User | None, data: ClientData) -> Client:
    with transaction.atomic():
        client = Client(organization=organization, **_plain_values(data))
        _check_relations(client=client, data=data)
        client.save()
        _replace_identifiers(client=client, identifiers=data.get("identifiers", []))
        _replace_care_team(client=client, user_ids=data.get("care_team", []))
        audit_record(
            actor=actor,
            organization=organization,
            action=AuditAction.CREATE,
            object_type=OBJECT_TYPE,
            object_id=client.pk,
            client_ids=[client.pk],
        )
    return client


def client_update(*, client: Client, actor: User | None, data: ClientData) -> Client:
    with transaction.atomic():
        # Lock the row so two concurrent updates of one client apply one after the other, and
        # each replaces identifiers and the care team from what the other left.
        client = Client.objects.select_for_update().get(pk=client.pk)
        _check_relations(client=client, data=data)
        changed = []
        for field, value in _plain_values(data).items():
            if getattr(client, field) != value:
                setattr(client, field, value)
                changed.append(field)
        if "identifiers" in data and _replace_identifiers(
            client=client, identifiers=data["identifiers"]
        ):
            changed.append("identifiers")
        if "care_team" in data and _replace_care_team(client=client, user_ids=data["care_team"]):
            changed.append("care_team")
        if changed:
            # updated_at moves with identifiers and the care team too: they are part of the record.
            plain = [field for field in changed if field in PLAIN_FIELDS]
            client.save(update_fields=[*plain, "updated_at"])
        # Field names only: the audit trail must not become a second copy of the record.
        audit_record(
            actor=actor,
            organization=client.organization,
            action=AuditAction.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=client.pk,
            client_ids=[client.pk],
            detail={"fields": sorted(changed)},
        )
    return client


def client_deactivate(*, client: Client, actor: User | None) -> Client:
    """Take a client out of active care. The record and its history stay."""
    return client_update(client=client, actor=actor, data={"active": False})


def client_reactivate(*, client: Client, actor: User | None) -> Client:
    return client_update(client=client, actor=actor, data={"active": True})


def _plain_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {field: data[field] for field in PLAIN_FIELDS if field in data}
    # Text columns store "not recorded" as "" (Django's convention); callers may say None.
    for field in ("administrative_sex", "pronouns"):
        if field in values and values[field] is None:
            values[field] = ""
    return values


def _check_relations(*, client: Client, data: Mapping[str, Any]) -> None:
    """Every identifier and care-team error at once, before anything is written."""
    errors: dict[str, list[str]] = {}
    duplicate = False
    if "identifiers" in data:
        found, duplicate = _identifier_errors(client=client, wanted=_pairs(data["identifiers"]))
        errors.update(found)
    if "care_team" in data:
        strangers = _not_clinicians_here(client=client, user_ids=set(data["care_team"]))
        if strangers:
            # The same message whether the user exists elsewhere or not at all: no probing ids.
            errors["care_team"] = [
                f"User {pk} is not a clinician of your organization." for pk in strangers
            ]
    if errors:
        raise (DuplicateIdentifier if duplicate else InvalidInput)(fields=errors)


def _pairs(identifiers: Iterable[Mapping[str, str]]) -> list[tuple[str, str]]:
    return [(item["system"], item["value"]) for item in identifiers]


def _replace_identifiers(*, client: Client, identifiers: Iterable[Mapping[str, str]]) -> bool:
    """Make the client's identifiers exactly `identifiers` (checked); True when anything changed."""
    wanted = _pairs(identifiers)
    existing = {(row.system, row.value): row.pk for row in client.identifiers.all()}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    new = [key for key in wanted if key not in existing]
    if stale:
        ClientIdentifier.objects.filter(pk__in=stale).delete()
    if new:
        try:
            # A savepoint, so a lost race leaves the outer transaction usable for the check below.
            with transaction.atomic():
                ClientIdentifier.objects.bulk_create(
                    ClientIdentifier(
                        client=client, organization_id=client.organization_id, system=s, value=v
                    )
                    for s, v in new
                )
        except IntegrityError as exc:
            # Another request took one of these identifiers between our check and our insert.
            errors, _ = _identifier_errors(client=client, wanted=wanted)
            raise DuplicateIdentifier(
                fields=errors or {"identifiers": [DUPLICATE_IDENTIFIER]}
            ) from exc
    return bool(stale or new)


def _identifier_errors(
    *, client: Client, wanted: list[tuple[str, str]]
) -> tuple[dict[str, list[str]], bool]:
    """Errors keyed `identifiers.<index>.value`, the way the API names nested fields; and whether
    one of them is an identifier another client holds (DuplicateIdentifier)."""
    errors: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for index, key in enumerate(wanted):
        if key in seen:
            errors[f"identifiers.{index}.value"] = [REPEATED_IDENTIFIER]
        seen.add(key)
    taken = _identifiers_taken(client=client, wanted=seen)
    for index, key in enumerate(wanted):
        if key in taken:
            errors[f"identifiers.{index}.value"] = [DUPLICATE_IDENTIFIER]
    return errors, bool(taken)


def _identifiers_taken(*, client: Client, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of `wanted` other clients of the organization already hold."""
    if not wanted:
        return set()
    match = Q()
    for system, value in wanted:
        match |= Q(system=system, value=value)
    rows = ClientIdentifier.objects.filter(match, organization_id=client.organization_id)
    if client.pk is not None:
        rows = rows.exclude(client_id=client.pk)
    return set(rows.values_list("system", "value"))


def _not_clinicians_here(*, client: Client, user_ids: set[int]) -> list[int]:
    """The ids in `user_ids` that are not clinicians of the client's organization."""
    clinicians = set(
        User.objects.filter(
            pk__in=user_ids,
            membership__organization_id=client.organization_id,
            membership__role=Role.CLINICIAN,
        ).values_list("pk", flat=True)
    )
    return sorted(user_ids - clinicians)


def _replace_care_team(*, client: Client, user_ids: Iterable[int]) -> bool:
    """Make the care team exactly `user_ids` (checked); True when anything changed."""
    wanted = set(user_ids)
    if set(client.care_team.values_list("pk", flat=True)) == wanted:
        return False
    client.care_team.set(wanted)
    return True

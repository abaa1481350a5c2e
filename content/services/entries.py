"""Edits of one knowledge-base entry (the Django admin's path to a change).

The data files stay the source of truth: `content_load` restores their text on the next load and
reports the entry as updated. An admin edit is for a correction that cannot wait; the lasting fix
belongs in `content/data/`, where the originality and integrity tests check it.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from clients.models import User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import InvalidInput
from content.models import CitedEntry, ContentEntry, Source
from content.services.citations import citation_errors, cited_source_codes

# Stable identity and load bookkeeping: never edited by hand.
NOT_EDITABLE = frozenset({"id", "code", "position", "retired_at", "sources"})


def entry_errors(model: type[ContentEntry], changes: Mapping[str, Any]) -> dict[str, list[str]]:
    """Problems with proposed changes, keyed by field, for the admin form and the service."""
    errors: dict[str, list[str]] = {}
    if "citations" in changes and issubclass(model, CitedEntry):
        sections = dict(
            Source.objects.filter(retired_at__isnull=True).values_list("code", "sections")
        )
        messages = citation_errors(changes["citations"], sections)
        if messages:
            errors["citations"] = messages
    for name in ("examples", "sections"):
        if name in changes and not _is_list_of_text(changes[name]):
            errors[name] = ["Use a list of non-empty strings."]
    return errors


def _is_list_of_text(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def content_entry_update(
    *, entry: ContentEntry, changes: Mapping[str, Any], actor: User | None
) -> ContentEntry:
    """Apply `changes` (field name → value; many-to-many fields take a list of objects)."""
    if not changes:
        return entry
    refused = NOT_EDITABLE & set(changes)
    if refused:
        raise InvalidInput(fields={name: ["This field cannot be edited."] for name in refused})
    errors = entry_errors(type(entry), changes)
    if errors:
        raise InvalidInput(fields=errors)
    many_to_many = {f.name for f in entry._meta.many_to_many}
    with transaction.atomic():
        for name, value in changes.items():
            if name not in many_to_many:
                setattr(entry, name, value)
        entry.save()
        for name, value in changes.items():
            if name in many_to_many:
                getattr(entry, name).set(value)
        if "citations" in changes:
            # `sources` mirrors the citations so lists can filter by source; keep them in step.
            entry.sources.set(
                Source.objects.filter(code__in=cited_source_codes(changes["citations"]))
            )
        audit_record(
            actor=actor,
            organization=None,
            action=AuditAction.UPDATE,
            object_type=f"content_{entry._meta.model_name}",
            object_id=entry.pk,
            detail={"code": entry.code, "fields": sorted(changes)},
        )
    return entry

"""Writes behind the FHIR interface, on top of the domain services.

- `patient_create_if_none_exist`: FHIR conditional create of a client (0 matches: create, 1:
  return it, 2 or more: `MultipleMatches`), safe against a concurrent create of the same
  identifier;
- `response_create`: file a QuestionnaireResponse as a screening (scored at once when completed),
  once per source identifier in the organization;
- `questionnaire_import`: an external SDC Questionnaire as a draft instrument version;
- `idempotency_record_save`: keep the first response to an `Idempotency-Key` for replays;
  `idempotency_records_purge`: delete the expired ones of every caller.

Each runs in one transaction with its audit rows (written by the domain services it calls).
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from clients.models import Client, Organization, User
from clients.services.clients import client_create
from config.errors import Conflict, DuplicateIdentifier, MultipleMatches
from screening.fhir import definition_from_questionnaire
from screening.fhir.questionnaire_import import QuestionnaireImportWarning
from screening.models import IdempotencyRecord, InstrumentVersion, Screening
from screening.selectors.fhir import response_by_identifier
from screening.services.instruments import instrument_import
from screening.services.screenings import screening_start

IDEMPOTENCY_TTL = timedelta(hours=24)


def patient_create_if_none_exist(
    *,
    organization: Organization,
    actor: User,
    data: Mapping[str, Any],
    matches: Callable[[], Sequence[Client]] | None,
) -> tuple[Client, bool]:
    """(client, created). `matches` returns at most two clients matching the conditional
    create's criteria (None: an unconditional create)."""
    if matches is not None:
        found = list(matches())
        if len(found) > 1:
            raise MultipleMatches(len(found))
        if found:
            return found[0], False
    try:
        with transaction.atomic():
            return client_create(organization=organization, actor=actor, data=data), True
    except DuplicateIdentifier:
        # A concurrent request may have created the same patient between our search and our
        # insert: its identifier is now taken. Then the search finds it, as a retry would.
        if matches is None:
            raise
        found = list(matches())
        if len(found) == 1:
            return found[0], False
        if len(found) > 1:
            raise MultipleMatches(len(found)) from None
        raise


def response_create(
    *,
    organization: Organization,
    actor: User,
    client: Client,
    version: InstrumentVersion,
    answers: Sequence[Mapping[str, Any]],
    submit: bool,
    mode: str,
    source_identifier: str = "",
    allow_incomplete: bool = False,
) -> tuple[Screening, bool]:
    """(screening, created). A response whose identifier the organization has already filed
    is not stored twice: the screening filed for it is returned (Conflict if that one is for
    another client or instrument, since the identifier then names two different responses)."""
    if source_identifier:
        existing = response_by_identifier(organization=organization, identifier=source_identifier)
        if existing is not None:
            return _same_response(existing, client, version), False
    try:
        with transaction.atomic():
            screening = screening_start(
                organization=organization,
                client=client,
                version=version,
                mode=mode,
                actor=actor,
                answers=answers,
                submit=submit,
                allow_incomplete=allow_incomplete,
                source_identifier=source_identifier,
            )
    except IntegrityError:
        # The same identifier was filed concurrently (the unique constraint caught it).
        existing = (
            response_by_identifier(organization=organization, identifier=source_identifier)
            if source_identifier
            else None
        )
        if existing is None:
            raise
        return _same_response(existing, client, version), False
    return screening, True


def _same_response(existing: Screening, client: Client, version: InstrumentVersion) -> Screening:
    if existing.client_id != client.pk or existing.instrument_version_id != version.pk:
        raise Conflict(
            "This identifier was already used for a response about another patient or "
            f"Questionnaire (QuestionnaireResponse/{existing.pk})."
        )
    return existing


def questionnaire_import(
    *, questionnaire: Mapping[str, Any], actor: User
) -> tuple[InstrumentVersion, list[QuestionnaireImportWarning]]:
    """Import an SDC Questionnaire as a draft version (QuestionnaireImportError when no faithful
    draft can be made; InvalidInput on `definition.version` when the version exists)."""
    definition, warnings = definition_from_questionnaire(questionnaire)
    version = instrument_import(definition=definition, actor=actor)
    return version, warnings


def idempotency_record_save(
    *,
    organization: Organization | None,
    actor: User,
    key: str,
    request_hash: str,
    status: int,
    body: str,
    headers: Mapping[str, str],
    client_ids: Sequence[int],
) -> IdempotencyRecord:
    """Keep a response for replays (in the caller's transaction, with the writes it reports).
    The caller's expired records go at the same time. A concurrent save of the same key
    raises IntegrityError: the caller then replays the record that won."""
    now = timezone.now()
    with transaction.atomic():
        _expired_records(now).filter(actor=actor).delete()
        return IdempotencyRecord.objects.create(
            organization=organization,
            actor=actor,
            key=key,
            request_hash=request_hash,
            status=status,
            body=body,
            headers=dict(headers),
            client_ids=sorted(set(client_ids)),
            created_at=now,
        )


def idempotency_records_purge() -> int:
    """Delete every expired idempotency record, of every caller; returns how many went.

    A caller's expired records are otherwise cleared only when that caller stores a new one, so
    the response bodies (client data) of a caller that stopped sending keys would stay forever.
    Run daily (`manage.py purge_idempotency_records`). No audit row: these are copies of
    responses kept for retries, and deleting them changes no client record.
    """
    deleted, _ = _expired_records(timezone.now()).delete()
    return deleted


def _expired_records(now: datetime) -> QuerySet[IdempotencyRecord]:
    return IdempotencyRecord.objects.filter(created_at__lte=now - IDEMPOTENCY_TTL)

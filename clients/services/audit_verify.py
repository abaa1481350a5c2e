"""Checking the audit trail: the chain recomputed from its events, against signed checkpoints.

The walk goes through the seals in sequence order: each sequence follows the previous one by 1
from 1, each `prev_hash` is the previous seal's hash, and each hash is recomputed from the event
as it is now (`event_digest`) and must match; an event's client index rows must be its
`client_ids`. That finds an edited, deleted or reordered event, unless whoever changed it also
recomputed every later hash with the app's own functions. The checkpoints catch that: each is
signed with a key the database does not hold, and the chain's head at its sequence must be the
head it signed. A chain shorter than a checkpoint was cut; a checkpoint whose signature fails
was forged. Checked against an exported file (`checkpoints=`), this holds even when the
database's own checkpoints were deleted or rewritten.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from clients.models import AuditEvent
from clients.models.audit import AuditCheckpoint, AuditEventClient, AuditSeal
from clients.services.audit_chain import (
    GENESIS_HASH,
    Checkpoint,
    event_digest,
    seal_hash,
    signature_valid,
    verification_keys,
)

CHUNK = 2000
# Problems and unsealed ids reported in full; past these, counted.
SHOWN = 20


@dataclass(frozen=True)
class AuditProblem:
    sequence: int
    problem: str
    event_id: int | None = None

    def __str__(self) -> str:
        event = f", event id {self.event_id}" if self.event_id is not None else ""
        return f"sequence {self.sequence}{event}: {self.problem}"


@dataclass
class AuditVerification:
    sealed: int = 0
    checkpoints: int = 0
    problems: list[AuditProblem] = field(default_factory=list)
    unsealed: int = 0
    unsealed_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: AuditProblem) -> None:
        self.problems.append(problem)


def audit_verify(checkpoints: Iterable[Checkpoint] | None = None) -> AuditVerification:
    """Walk the chain and check it against `checkpoints` (default: the database's)."""
    if checkpoints is None:
        checkpoints = [Checkpoint.of(row) for row in AuditCheckpoint.objects.order_by("sequence")]
    result = AuditVerification()
    expected = _signed_heads(list(checkpoints), result)
    sequence, head = 0, GENESIS_HASH
    last_good_checkpoint = 0
    for seal, event, client_ids in _seals():
        result.sealed += 1
        if seal.sequence != sequence + 1:
            result.add(
                AuditProblem(
                    seal.sequence,
                    f"expected sequence {sequence + 1}: sealed events are missing or were inserted",
                    seal.event_id,
                )
            )
        elif seal.prev_hash != head:
            result.add(
                AuditProblem(
                    seal.sequence,
                    "prev_hash is not the previous seal's hash (an event was removed or moved)",
                    seal.event_id,
                )
            )
        elif seal_hash(seal.sequence, head, event_digest(event)) != seal.hash:
            result.add(
                AuditProblem(
                    seal.sequence,
                    "the event no longer matches its seal (its content, id or place changed)",
                    seal.event_id,
                )
            )
        elif client_ids != sorted(set(event.client_ids)):
            result.add(
                AuditProblem(
                    seal.sequence,
                    f"client index rows {client_ids} differ from client_ids {event.client_ids}",
                    seal.event_id,
                )
            )
        sequence, head = seal.sequence, seal.hash
        signed = expected.pop(sequence, None)
        if signed is not None:
            if signed != head:
                result.add(
                    AuditProblem(
                        sequence,
                        "the chain's head differs from the signed checkpoint: an event between "
                        f"sequence {last_good_checkpoint + 1} and {sequence} was changed, removed, "
                        "reordered or re-hashed",
                    )
                )
            else:
                last_good_checkpoint = sequence
    for missing in sorted(expected):
        if missing < sequence:
            problem = "a signed checkpoint names this sequence, but the chain has no seal for it"
        else:
            problem = (
                f"a signed checkpoint covers sequence {missing} but the chain ends at "
                f"{sequence}: its tail was cut"
            )
        result.add(AuditProblem(missing, problem))
    if sequence > last_good_checkpoint and not result.problems:
        result.add(
            AuditProblem(
                sequence,
                f"sequences {last_good_checkpoint + 1} to {sequence} are covered by no signed "
                "checkpoint (seals the sealer did not sign)",
            )
        )
    _list_unsealed(result)
    return result


def _signed_heads(checkpoints: list[Checkpoint], result: AuditVerification) -> dict[int, str]:
    """{sequence: head} of the checkpoints whose signature holds; the others are problems."""
    keys = verification_keys()
    heads: dict[int, str] = {}
    for checkpoint in sorted(checkpoints, key=lambda c: c.sequence):
        result.checkpoints += 1
        if not signature_valid(checkpoint, keys):
            known = "" if checkpoint.key_id in keys else f" (unknown key {checkpoint.key_id})"
            result.add(
                AuditProblem(
                    checkpoint.sequence, f"the checkpoint's signature does not verify{known}"
                )
            )
        elif heads.get(checkpoint.sequence, checkpoint.head_hash) != checkpoint.head_hash:
            result.add(AuditProblem(checkpoint.sequence, "two signed checkpoints disagree"))
        else:
            heads[checkpoint.sequence] = checkpoint.head_hash
    return heads


def _seals() -> Iterator[tuple[AuditSeal, AuditEvent, list[int]]]:
    """The seals in sequence order with their events and client index rows, a chunk at a time
    (keyset on the sequence, so memory stays flat however long the chain)."""
    after = 0
    while True:
        chunk = list(
            AuditSeal.objects.filter(sequence__gt=after)
            .select_related("event")
            .order_by("sequence")[:CHUNK]
        )
        if not chunk:
            return
        indexed: dict[int, list[int]] = defaultdict(list)
        links = AuditEventClient.objects.filter(event__in=[seal.event_id for seal in chunk])
        for event_id, client_id in links.values_list("event_id", "client_id"):
            indexed[event_id].append(client_id)
        for seal in chunk:
            yield seal, seal.event, sorted(indexed.get(seal.event_id, []))
        after = chunk[-1].sequence


def _list_unsealed(result: AuditVerification) -> None:
    unsealed = AuditEvent.objects.filter(seal__isnull=True)
    result.unsealed = unsealed.count()
    result.unsealed_ids = list(unsealed.order_by("pk").values_list("pk", flat=True)[:SHOWN])

"""Checking the audit trail: every chain, in sequence order, recomputed from its rows.

A chain is one organization's events (or the global chain of events outside any organization).
For each event, in sequence order, the check recomputes the hash (`event_digest`) and compares it
and the linkage: the sequence continues the previous one by 1 from 1, `prev_hash` is the previous
event's hash (the genesis hash for the first), the chain key matches the organization, and the
client index rows (`AuditEventClient`) are exactly the event's `client_ids`. The first difference
is reported; a changed, inserted or deleted row anywhere but the very end of a chain shows as one.

What the chain cannot show on its own: events cut off the end of a chain. Record the heads
(`chain_heads`) somewhere the database's writers cannot reach to catch that too.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from clients.models import AuditEvent
from clients.models.audit import AuditEventClient
from clients.services.audit import GENESIS_HASH, chain_key_for, event_digest

CHUNK = 2000


@dataclass(frozen=True)
class AuditBreak:
    chain_key: str
    sequence: int
    event_id: int
    problem: str

    def __str__(self) -> str:
        return (
            f"chain {self.chain_key}, sequence {self.sequence}, event id {self.event_id}: "
            f"{self.problem}"
        )


@dataclass(frozen=True)
class AuditVerification:
    events: int
    chains: int
    first_break: AuditBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def chain_heads() -> dict[str, tuple[int, str]]:
    """{chain key: (last sequence, last hash)}: what to record outside the database."""
    heads: dict[str, tuple[int, str]] = {}
    for chain_key in _chain_keys():
        last = (
            AuditEvent.objects.filter(chain_key=chain_key)
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        if last is not None:
            heads[chain_key] = last
    return heads


def audit_verify() -> AuditVerification:
    """Walk every chain; stop at the first break."""
    events = 0
    chains = 0
    for chain_key in _chain_keys():
        chains += 1
        expected_sequence, expected_prev = 1, GENESIS_HASH
        for event, client_ids in _events_of(chain_key):
            events += 1
            problem = _problem(event, client_ids, expected_sequence, expected_prev)
            if problem is not None:
                return AuditVerification(
                    events=events,
                    chains=chains,
                    first_break=AuditBreak(chain_key, event.sequence, event.pk, problem),
                )
            expected_sequence, expected_prev = event.sequence + 1, event.hash
    return AuditVerification(events=events, chains=chains, first_break=None)


def _chain_keys() -> list[str]:
    return list(
        AuditEvent.objects.order_by("chain_key").values_list("chain_key", flat=True).distinct()
    )


def _events_of(chain_key: str) -> Iterator[tuple[AuditEvent, list[int]]]:
    """The chain's events in sequence order, each with its client index rows, a chunk at a time
    (keyset on the sequence, so memory stays flat however long the chain)."""
    after = 0
    while True:
        chunk = list(
            AuditEvent.objects.filter(chain_key=chain_key, sequence__gt=after).order_by("sequence")[
                :CHUNK
            ]
        )
        if not chunk:
            return
        indexed: dict[int, list[int]] = defaultdict(list)
        links = AuditEventClient.objects.filter(event__in=[event.pk for event in chunk])
        for event_id, client_id in links.values_list("event_id", "client_id"):
            indexed[event_id].append(client_id)
        for event in chunk:
            yield event, sorted(indexed.get(event.pk, []))
        after = chunk[-1].sequence


def _problem(
    event: AuditEvent, client_ids: list[int], expected_sequence: int, expected_prev: str
) -> str | None:
    if event.sequence != expected_sequence:
        return (
            f"sequence is {event.sequence}, expected {expected_sequence} "
            "(an event is missing or was inserted)"
        )
    if event.prev_hash != expected_prev:
        return (
            f"prev_hash is {event.prev_hash[:12]}…, but the previous event's hash is "
            f"{expected_prev[:12]}… (the previous event was changed or replaced)"
        )
    recomputed = event_digest(event)
    if recomputed != event.hash:
        return (
            f"stored hash {event.hash[:12]}… differs from the recomputed {recomputed[:12]}… "
            "(this event's content was changed)"
        )
    expected_key = chain_key_for(event.organization_id)
    if event.chain_key != expected_key:
        return f"chain key {event.chain_key!r} does not match its organization ({expected_key!r})"
    if client_ids != sorted(set(event.client_ids)):
        return (
            f"client index rows {client_ids} differ from the event's client_ids "
            f"{sorted(set(event.client_ids))}"
        )
    return None

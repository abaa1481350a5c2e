"""The audit chain's arithmetic: event digests, seal hashes, and signed checkpoints.

One chain covers every event (after RFC 9162's log and Trillian: one sequencer orders the leaves,
then signs the head). `seal_hash` links each sealed event to the one before it; a checkpoint is
the head at a sequence, signed with Ed25519 by a key kept outside the database. The message signed
is plain text, so anyone with the public key can check an exported checkpoint with any Ed25519
tool.
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.dateparse import parse_datetime

from clients.models import AuditEvent
from config.signing_keys import key_id

GENESIS_HASH = "0" * 64
CHECKPOINT_FORMAT = "screening-audit-checkpoint/v1"


class SigningKeyMissing(RuntimeError):
    """Sealing needs AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE."""


def event_digest(event: AuditEvent) -> str:
    """SHA-256 of the event's content and id, canonical JSON. The id is in it so that swapping
    two events' contents (a reorder) changes both digests."""
    payload = {
        "id": event.pk,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organization_id": event.organization_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "client_ids": event.client_ids,
        "request_id": event.request_id,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "outcome": event.outcome,
        "detail": event.detail,
        "credential": event.credential,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def seal_hash(sequence: int, prev_hash: str, digest: str) -> str:
    return hashlib.sha256(f"audit-seal/v1:{sequence}:{prev_hash}:{digest}".encode()).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """A signed head, as the database and the exported file hold it."""

    sequence: int
    head_hash: str
    signed_at: datetime
    key_id: str
    signature: str

    def message(self) -> bytes:
        return checkpoint_message(self.sequence, self.head_hash, self.signed_at)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": CHECKPOINT_FORMAT,
                "sequence": self.sequence,
                "head_hash": self.head_hash,
                "signed_at": self.signed_at.isoformat(),
                "key_id": self.key_id,
                "signature": self.signature,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, line: str) -> "Checkpoint":
        """One line of an exported checkpoint file; ValueError when it is not one."""
        data = json.loads(line)
        if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
            raise ValueError("not a checkpoint line")
        signed_at = parse_datetime(str(data["signed_at"]))
        if signed_at is None or not isinstance(data["sequence"], int):
            raise ValueError("not a checkpoint line")
        return cls(
            sequence=data["sequence"],
            head_hash=str(data["head_hash"]),
            signed_at=signed_at,
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )

    @classmethod
    def of(cls, row) -> "Checkpoint":
        return cls(row.sequence, row.head_hash, row.signed_at, row.key_id, row.signature)


def checkpoint_message(sequence: int, head_hash: str, signed_at: datetime) -> bytes:
    return f"{CHECKPOINT_FORMAT}\n{sequence}\n{head_hash}\n{signed_at.isoformat()}\n".encode()


def signing_key() -> Ed25519PrivateKey:
    key = settings.AUDIT_SIGNING_KEY
    if key is None:
        raise SigningKeyMissing(
            "No audit signing key: set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE "
            "(manage.py audit_keygen writes one)."
        )
    return key


def sign(sequence: int, head_hash: str, signed_at: datetime) -> Checkpoint:
    key = signing_key()
    signature = key.sign(checkpoint_message(sequence, head_hash, signed_at))
    return Checkpoint(
        sequence=sequence,
        head_hash=head_hash,
        signed_at=signed_at,
        key_id=key_id(key.public_key()),
        signature=base64.b64encode(signature).decode(),
    )


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """{key id: public key}: the signing key's, and every retired one in AUDIT_VERIFY_KEYS."""
    keys = [*settings.AUDIT_VERIFY_KEYS]
    if settings.AUDIT_SIGNING_KEY is not None:
        keys.append(settings.AUDIT_SIGNING_KEY.public_key())
    return {key_id(key): key for key in keys}


def signature_valid(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> bool:
    key = keys.get(checkpoint.key_id)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True

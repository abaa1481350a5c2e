"""`Idempotency-Key` on any POST that creates, REST and FHIR alike: a retry replays the first
response. The one copy; each interface only says how its errors look (REST: the common error
shape; FHIR: an OperationOutcome) and what its response is.

The key is the caller's (scoped to the user; an integration's keys never meet a clinician's, and
one caller's REST and FHIR keys share one space: the request hash names the path). The first
successful response (status, body, Location) is stored in the same transaction as the writes it
reports, so a response is never stored for writes that rolled back, nor writes kept without their
response. A retry with the same key and the same request gets it back, marked
`Idempotent-Replayed: true`; the same key with a different request is a 422. A failed request
wrote nothing and stores nothing: its retry runs again. Keys expire after IDEMPOTENCY_TTL. Two
concurrent requests with one key: the second waits on the unique key, finds the first's record
once it commits, and replays it. A replay shows client data again, so it is audited as a read of
the clients the stored response showed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import encoders

from clients.access import RequestReader, audit_read, request_credential
from clients.models import Organization, User
from clients.permissions import request_membership
from screening.selectors.fhir import idempotency_record_get
from screening.services.fhir import IDEMPOTENCY_TTL, idempotency_record_save

HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
# Request headers that change what a POST does, hence part of what a key stands for.
_MEANINGFUL = ("If-None-Exist", "Prefer")

KEY_MESSAGE = f"{HEADER}: 1 to 255 visible ASCII characters"
REUSED_MESSAGE = (
    f"This {HEADER} was already used for a different request: use a new key for a new request "
    "(a retry must repeat the request exactly)"
)

HEADER_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Makes a retry safe: the first successful response to this key is stored for "
    "24 hours and replayed to a retry of the same request (marked `Idempotent-Replayed: true`), "
    "which creates nothing again. The same key with a different request is a 422. Keys are "
    "yours alone (scoped to the caller). 1 to 255 visible ASCII characters.",
)


class IdempotencyKeyInvalid(ValueError):
    """The header is not a key (400)."""


class IdempotencyKeyReused(ValueError):
    """The key was used for a different request (422)."""


@dataclass
class Outcome:
    """What a POST answered, as the interface-neutral part a replay needs."""

    status: int
    body: Any  # JSON-able, or None
    headers: dict[str, str] = field(default_factory=dict)
    client_ids: Sequence[int] = ()


def run_idempotent(
    request: Request,
    *,
    user: User,
    organization: Organization | None,
    run: Callable[[], Outcome],
    replay_type: str,
) -> Outcome:
    """Run `run` once per key: in one transaction with the record of its response when the
    request has a key (and is 2xx); a replay of that record when the key was seen. Raises
    IdempotencyKeyInvalid or IdempotencyKeyReused; `replay_type` names a replay's audit row."""
    key = request.headers.get(HEADER)
    if key is None:
        with transaction.atomic():
            return run()
    if not _KEY.fullmatch(key):
        raise IdempotencyKeyInvalid(KEY_MESSAGE)
    digest = _digest(request)
    replayed = _replay(user, organization, key, digest, replay_type, request_credential(request))
    if replayed is not None:
        return replayed
    try:
        with transaction.atomic():
            outcome = run()
            if 200 <= outcome.status < 300:
                idempotency_record_save(
                    organization=organization,
                    actor=user,
                    key=key,
                    request_hash=digest,
                    status=outcome.status,
                    body="" if outcome.body is None else _json(outcome.body),
                    headers={k: v for k, v in outcome.headers.items() if k == "Location"},
                    client_ids=list(outcome.client_ids),
                )
    except IntegrityError:
        replayed = _replay(
            user, organization, key, digest, replay_type, request_credential(request)
        )
        if replayed is None:
            raise
        return replayed
    return outcome


def _json(body: Any) -> str:
    # DRF's encoder, so a replayed body is the rendered body (Decimals, dates as rendered).
    return json.dumps(body, cls=encoders.JSONEncoder, separators=(",", ":"))


def _digest(request: Request) -> str:
    payload = {
        "method": request.method,
        "path": request.path,
        "query": sorted(request.query_params.lists()),
        "headers": {name: request.headers.get(name) for name in _MEANINGFUL},
        "body": request.data,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(
    user: User,
    organization: Organization | None,
    key: str,
    digest: str,
    replay_type: str,
    credential: str,
) -> Outcome | None:
    record = idempotency_record_get(actor=user, key=key, ttl=IDEMPOTENCY_TTL)
    if record is None:
        return None
    if record.request_hash != digest:
        raise IdempotencyKeyReused(REUSED_MESSAGE)
    body = json.loads(record.body) if record.body else None
    if record.client_ids and organization is not None:
        detail: dict[str, Any] = {"replay": True}
        if replay_type == "fhir_replay":
            detail["fhir"] = (body or {}).get("resourceType", "") if isinstance(body, dict) else ""
        audit_read(
            RequestReader(user=user, organization=organization, credential=credential),
            replay_type,
            object_id=record.pk,
            client_ids=record.client_ids,
            detail=detail,
        )
    headers = {**record.headers, "Idempotent-Replayed": "true"}
    return Outcome(record.status, body, headers, record.client_ids)


# --- REST -----------------------------------------------------------------------------------


class KeyReusedError(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = REUSED_MESSAGE


def idempotent(
    client_ids: Callable[[Any], Sequence[int]] | None = None,
    secrets: Sequence[str] = (),
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Honour `Idempotency-Key` on a REST view method that creates (and document the header).
    `client_ids(data)` names the clients a response shows, so a replay is audited as a read.
    `secrets` are response fields shown once (a token, a signing secret): they are not stored
    with the response, since only their digest or ciphertext is kept anywhere, so a replay shows
    them as null; the caller revokes that credential and asks for another."""

    def decorate(method: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(method)
        def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            if request.headers.get(HEADER) is None:
                # No key: the services' own transactions, as without this decorator (an outer
                # atomic block would add a savepoint's two queries to every create).
                return method(view, request, *args, **kwargs)
            first: list[Response] = []

            def run() -> Outcome:
                response = method(view, request, *args, **kwargs)
                first.append(response)
                ok = 200 <= response.status_code < 300
                ids = client_ids(response.data) if client_ids and ok else ()
                stored = response.data
                if secrets and isinstance(stored, dict):
                    stored = {k: (None if k in secrets else v) for k, v in stored.items()}
                return Outcome(response.status_code, stored, dict(response.items()), ids)

            membership = request_membership(request)
            try:
                done = run_idempotent(
                    request,
                    user=request.user,
                    organization=membership.organization if membership else None,
                    run=run,
                    replay_type="rest_replay",
                )
            except IdempotencyKeyInvalid as exc:
                raise serializers.ValidationError({HEADER: [str(exc)]}) from exc
            except IdempotencyKeyReused as exc:
                raise KeyReusedError() from exc
            if first:
                return first[0]
            return Response(done.body, status=done.status, headers=done.headers)

        return extend_schema(parameters=[HEADER_PARAMETER])(wrapper)

    return decorate

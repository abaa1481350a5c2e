"""`Idempotency-Key` on any POST: a retry replays the first response.

The key is the caller's (scoped to the user; an integration's keys never meet a clinician's).
The first successful response (status, body, Location) is stored in the same transaction as the
writes it reports, so a response is never stored for writes that rolled back, nor writes kept
without their response. A retry with the same key and the same request gets it back, marked
`Idempotent-Replayed: true`; the same key with a different request is a 422. A failed request
wrote nothing and stores nothing: its retry runs again. Keys expire after IDEMPOTENCY_TTL.
Two concurrent requests with one key: the second waits on the unique key, finds the first's
record once it commits, and replays it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import encoders

from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from screening.selectors.fhir import idempotency_record_get
from screening.services.fhir import IDEMPOTENCY_TTL, idempotency_record_save

from .context import Caller, Result
from .http import fail

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# Request headers that change what a POST does, hence part of what a key stands for.
_MEANINGFUL = ("If-None-Exist", "Prefer")


def respond(result: Result, caller: Caller) -> Response:
    headers = dict(result.headers)
    if result.location:
        headers["Location"] = caller.url(result.location)
    return Response(result.resource, status=result.status, headers=headers)


def run_idempotent(request: Request, caller: Caller, run: Callable[[], Result]) -> Response:
    key = request.headers.get(HEADER)
    if key is None:
        with transaction.atomic():
            return respond(run(), caller)
    if not _KEY.match(key):
        raise fail(400, "invalid", f"{HEADER}: 1 to 255 visible ASCII characters")
    digest = _digest(request)
    replayed = _replay(caller, key, digest)
    if replayed is not None:
        return replayed
    try:
        with transaction.atomic():
            result = run()
            response = respond(result, caller)
            if 200 <= result.status < 300:
                idempotency_record_save(
                    organization=caller.organization,
                    actor=caller.user,
                    key=key,
                    request_hash=digest,
                    status=result.status,
                    body="" if result.resource is None else _json(result.resource),
                    headers={k: v for k, v in response.headers.items() if k == "Location"},
                    client_ids=result.client_ids,
                )
    except IntegrityError:
        replayed = _replay(caller, key, digest)
        if replayed is None:
            raise
        return replayed
    return response


def _json(resource: dict) -> str:
    # DRF's encoder, so a replayed body is the rendered body (Decimals as numbers, not strings).
    return json.dumps(resource, cls=encoders.JSONEncoder, separators=(",", ":"))


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


def _replay(caller: Caller, key: str, digest: str) -> Response | None:
    record = idempotency_record_get(actor=caller.user, key=key, ttl=IDEMPOTENCY_TTL)
    if record is None:
        return None
    if record.request_hash != digest:
        raise fail(
            422,
            "business-rule",
            f"This {HEADER} was already used for a different request: use a new key for a new "
            "request (a retry must repeat the request exactly)",
        )
    body = json.loads(record.body) if record.body else None
    if record.client_ids and caller.organization is not None:
        audit_record(
            actor=caller.user,
            organization=caller.organization,
            action=AuditAction.READ,
            object_type="fhir_replay",
            object_id=record.pk,
            client_ids=record.client_ids,
            detail={"fhir": (body or {}).get("resourceType", ""), "replay": True},
        )
    headers = {**record.headers, "Idempotent-Replayed": "true"}
    return Response(body, status=record.status, headers=headers)

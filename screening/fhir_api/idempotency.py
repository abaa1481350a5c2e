"""`Idempotency-Key` on any FHIR POST: the one implementation (config/idempotency.py), answering
its errors as OperationOutcomes."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.request import Request
from rest_framework.response import Response

from config.idempotency import (
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    Outcome,
)
from config.idempotency import (
    run_idempotent as run_once,
)

from .context import Caller, Result
from .http import fail


def respond(result: Result, caller: Caller) -> Response:
    headers = dict(result.headers)
    if result.location:
        headers["Location"] = caller.url(result.location)
    return Response(result.resource, status=result.status, headers=headers)


def run_idempotent(request: Request, caller: Caller, run: Callable[[], Result]) -> Response:
    def outcome() -> Outcome:
        result = run()
        response = respond(result, caller)
        return Outcome(result.status, result.resource, dict(response.headers), result.client_ids)

    try:
        done = run_once(
            request,
            user=caller.user,
            organization=caller.organization,
            run=outcome,
            replay_type="fhir_replay",
        )
    except IdempotencyKeyInvalid as exc:
        raise fail(400, "invalid", str(exc)) from exc
    except IdempotencyKeyReused as exc:
        raise fail(422, "business-rule", str(exc)) from exc
    return Response(done.body, status=done.status, headers=done.headers)

"""POST /fhir/ with a transaction or batch Bundle.

transaction: every entry or none, in one database transaction. POST entries run first (Patients
before the others, so that `urn:uuid:` fullUrls of new Patients resolve in the responses that
refer to them), then GET entries; the first failure rolls everything back and is answered with
its status and an OperationOutcome naming the entry (`Bundle.entry[2].resource.item[3]...`).

batch: each entry on its own (its own savepoint), each with its own status and, on failure,
its own OperationOutcome; `urn:uuid:` references between entries are not resolved (FHIR: batch
entries must not depend on each other).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from config.ids import is_fhir_id
from screening.fhir.bundle import response_entry
from screening.fhir.outcome import Issue, operation_outcome

from .context import Caller, Result
from .http import FhirError, classify, fail
from .includes import run_search, search_query
from .registry import resource_type
from .search import query_pairs

MAX_ENTRIES = 100


def process(caller: Caller, bundle: Any) -> Result:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise fail(400, "invalid", "POST / takes a Bundle", "Bundle.resourceType")
    kind = bundle.get("type")
    if kind not in ("transaction", "batch"):
        raise fail(
            400,
            "not-supported",
            f"Bundle type {kind!r}: POST / takes a transaction or a batch",
            "Bundle.type",
        )
    entries = bundle.get("entry") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise fail(400, "structure", "Bundle.entry is a list of entries", "Bundle.entry")
    if len(entries) > MAX_ENTRIES:
        raise fail(413, "too-costly", f"At most {MAX_ENTRIES} entries per Bundle", "Bundle.entry")
    order = sorted(range(len(entries)), key=lambda i: (_rank(entries[i]), i))
    if kind == "transaction":
        return _transaction(caller, entries, order)
    return _batch(caller, entries, order)


def _rank(entry: dict[str, Any]) -> int:
    request = entry.get("request") or {}
    method = request.get("method") if isinstance(request, dict) else None
    if method == "POST":
        resource = entry.get("resource") or {}
        return 0 if isinstance(resource, dict) and resource.get("resourceType") == "Patient" else 1
    return 2 if method == "GET" else 3


def _transaction(caller: Caller, entries: list[dict[str, Any]], order: list[int]) -> Result:
    references: dict[str, str] = {}
    results: dict[int, Result] = {}
    with transaction.atomic():
        for i in order:
            entry = entries[i]
            try:
                result = _run(caller, entry, references)
            except Exception as exc:
                status, issues, headers = classify(exc)
                raise FhirError(status, _at_entry(issues, entry, i), headers) from exc
            results[i] = result
            full_url = entry.get("fullUrl")
            if isinstance(full_url, str) and full_url.startswith("urn:uuid:") and result.location:
                references[full_url] = result.location
    response = {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [_entry(results[i], caller) for i in range(len(entries))],
    }
    ids = [pk for result in results.values() for pk in result.client_ids]
    return Result(200, response, client_ids=ids)


def _batch(caller: Caller, entries: list[dict[str, Any]], order: list[int]) -> Result:
    answered: dict[int, dict[str, Any]] = {}
    ids: list[int] = []
    for i in order:
        entry = entries[i]
        try:
            with transaction.atomic():
                result = _run(caller, entry, None)
        except Exception as exc:
            status, issues, _ = classify(exc)
            outcome = operation_outcome(_at_entry(issues, entry, i))
            answered[i] = response_entry(status, outcome=outcome)
            continue
        answered[i] = _entry(result, caller)
        ids.extend(result.client_ids)
    response = {
        "resourceType": "Bundle",
        "type": "batch-response",
        "entry": [answered[i] for i in range(len(entries))],
    }
    return Result(200, response, client_ids=ids)


def _entry(result: Result, caller: Caller) -> dict[str, Any]:
    return response_entry(
        result.status, location=result.location, resource=result.resource, base_url=caller.base_url
    )


def _at_entry(issues: list[Issue], entry: dict[str, Any], index: int) -> list[Issue]:
    """The issues of one entry, located in the Bundle and naming the entry."""
    request = entry.get("request") if isinstance(entry.get("request"), dict) else {}
    resource = entry.get("resource") if isinstance(entry.get("resource"), dict) else {}
    root = resource.get("resourceType") or "resource"
    where = f"Bundle.entry[{index}]"
    label = f"entry[{index}] ({request.get('method', '?')} {request.get('url', '?')})"
    located = []
    for issue in issues:
        moved = issue.rebased(str(root), f"{where}.resource")
        # Paths of the entry itself (`request`, `resource.resourceType`) are relative to it.
        expression = tuple(
            e if e.startswith("Bundle.") else f"{where}.{e}" for e in moved.expression
        ) or (where,)
        located.append(
            Issue(moved.severity, moved.code, f"{label}: {moved.diagnostics}", expression)
        )
    return located


def _run(caller: Caller, entry: dict[str, Any], references: dict[str, str] | None) -> Result:
    request = entry.get("request")
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise fail(400, "required", "an entry needs request.method and request.url", "request")
    method, url = request.get("method"), request["url"].lstrip("/")
    path, _, query = url.partition("?")
    parts = path.rstrip("/").split("/")
    found = resource_type(parts[0])
    if found is None:
        raise fail(404, "not-found", f"Unknown resource type {parts[0]!r}")
    if method == "POST":
        resource = entry.get("resource")
        if len(parts) != 1 or found.create is None:
            raise fail(405, "not-supported", f"POST {url} is not supported")
        if not isinstance(resource, dict) or resource.get("resourceType") != found.name:
            raise fail(
                400,
                "invalid",
                f"POST {found.name} needs a {found.name} resource",
                "resource.resourceType",
            )
        found.refuse_unread(resource)
        if_none_exist = request.get("ifNoneExist")
        return found.create(
            caller,
            resource,
            if_none_exist=if_none_exist if isinstance(if_none_exist, str) else None,
            references=references,
        )
    if method == "GET":
        if len(parts) == 1:
            # An entry's search (with its includes) as GET /fhir/{type}?... would answer it.
            return run_search(caller, found, search_query(found, query_pairs(query)))
        if len(parts) == 2 and not query:
            if not is_fhir_id(parts[1]):  # the same ids as /fhir/<type>/<id> (config/ids.py)
                raise fail(404, "not-found", f"{found.name}/{parts[1][:64]} is not known")
            return found.read(caller, parts[1])
        raise fail(404, "not-found", f"GET {url} is not an interaction of this server")
    raise fail(
        405,
        "not-supported",
        f"{method} entries are not supported (only POST create and GET read/search)",
    )

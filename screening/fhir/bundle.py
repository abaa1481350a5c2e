"""Bundles the server returns: search results and transaction / batch responses (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any


def status_line(status: int) -> str:
    """`201 Created`: Bundle.entry.response.status."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def searchset(
    resources: Iterable[dict[str, Any]],
    *,
    base_url: str,
    self_url: str,
    next_url: str | None = None,
    total: int | None = None,
) -> dict[str, Any]:
    """A searchset Bundle of `resources` (each with its `fullUrl` on `base_url`); `total` the
    number of matches, when the search counted them."""
    base = base_url.rstrip("/")
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    counted = {"total": total} if total is not None else {}
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        **counted,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }


def response_entry(
    status: int,
    *,
    location: str | None = None,
    resource: dict[str, Any] | None = None,
    outcome: dict[str, Any] | None = None,
    base_url: str | None = None,
) -> dict[str, Any]:
    """One entry of a transaction-response / batch-response Bundle."""
    response: dict[str, Any] = {"status": status_line(status)}
    if location:
        response["location"] = location
    if outcome is not None:
        response["outcome"] = outcome
    entry: dict[str, Any] = {}
    if resource is not None:
        if base_url and resource.get("id") and resource.get("resourceType") != "Bundle":
            entry["fullUrl"] = f"{base_url.rstrip('/')}/{resource['resourceType']}/{resource['id']}"
        entry["resource"] = resource
    entry["response"] = response
    return entry

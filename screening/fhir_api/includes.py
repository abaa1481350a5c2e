"""`_include` and `_revinclude`: the resources a page of matches refers to, or that refer to it.

Each is declared once here (the CapabilityStatement lists them as searchInclude and
searchRevInclude, and `Query` accepts exactly these), and each runs as one more search of the
other resource type through that type's own search: starting from the caller's organization,
checked against the caller's role, audited (as `_include` / `_revinclude`), bounded by a page
(MAX_COUNT rows), and costing the same number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from screening.fhir.outcome import Issue, operation_outcome

from .context import Caller, Result
from .search import MAX_COUNT, Query


@dataclass(frozen=True)
class Include:
    source: str  # the resource type holding the reference
    param: str  # its search parameter for it
    target: str  # the resource type referred to
    # The values the target's search takes for what a source resource refers to (`_id`s, or a
    # Questionnaire's canonical url|version)...
    refers_to: Callable[[dict[str, Any]], list[str]]
    target_param: str
    # ... and the value the source's `param` takes for a target resource (for _revinclude).
    named_as: Callable[[dict[str, Any]], str]

    @property
    def key(self) -> str:
        return f"{self.source}:{self.param}"


def _reference_ids(element: str, kind: str) -> Callable[[dict[str, Any]], list[str]]:
    def ids(resource: dict[str, Any]) -> list[str]:
        found = resource.get(element)
        found = found if isinstance(found, list) else [found]
        prefix = f"{kind}/"
        return [
            r["reference"][len(prefix) :]
            for r in found
            if isinstance(r, dict) and str(r.get("reference", "")).startswith(prefix)
        ]

    return ids


def _by_id(kind: str) -> Callable[[dict[str, Any]], str]:
    return lambda resource: f"{kind}/{resource['id']}"


def _questionnaire(resource: dict[str, Any]) -> list[str]:
    canonical = resource.get("questionnaire")
    return [canonical] if isinstance(canonical, str) else []


def _canonical(resource: dict[str, Any]) -> str:
    return f"{resource['url']}|{resource['version']}"


INCLUDES = tuple(
    [
        Include(
            source,
            param,
            "Patient",
            _reference_ids("subject", "Patient"),
            "_id",
            _by_id("Patient"),
        )
        for source in ("QuestionnaireResponse", "Observation", "Flag")
        for param in ("subject", "patient")
    ]
    + [
        Include(
            "QuestionnaireResponse",
            "questionnaire",
            "Questionnaire",
            _questionnaire,
            "url",
            _canonical,
        ),
        Include(
            "Observation",
            "derived-from",
            "QuestionnaireResponse",
            _reference_ids("derivedFrom", "QuestionnaireResponse"),
            "_id",
            _by_id("QuestionnaireResponse"),
        ),
    ]
)
_BY_KEY = {include.key: include for include in INCLUDES}


def includes_of(resource_type: str) -> list[str]:
    """The `_include` values a search of `resource_type` takes."""
    return [i.key for i in INCLUDES if i.source == resource_type]


def revincludes_of(resource_type: str) -> list[str]:
    """The `_revinclude` values a search of `resource_type` takes."""
    return [i.key for i in INCLUDES if i.target == resource_type]


def add_included(caller: Caller, query: Query, result: Result) -> Result:
    """`result` (a searchset) with the entries its `_include` and `_revinclude` ask for."""
    from .registry import resource_type  # the registry imports the resource modules

    bundle = result.resource
    if bundle is None or not (query.includes or query.revincludes) or query.summary == "count":
        return result
    matches = [e["resource"] for e in bundle["entry"]]
    seen = {e["fullUrl"] for e in bundle["entry"]}
    client_ids = list(result.client_ids)
    added: list[dict[str, Any]] = []
    warnings: list[Issue] = []
    wanted = [(_BY_KEY[k], False) for k in query.includes]
    wanted += [(_BY_KEY[k], True) for k in query.revincludes]
    for include, reverse in wanted:
        if reverse:
            kind, param = include.source, include.param
            values = [include.named_as(r) for r in matches]
        else:
            kind, param = include.target, include.target_param
            values = [v for r in matches for v in include.refers_to(r)]
        values = list(dict.fromkeys(values))
        if not values:
            continue
        found = resource_type(kind)
        label = f"{'_revinclude' if reverse else '_include'}={include.key}"
        sub = Query(
            kind,
            found.search_params,
            [(param, ",".join(v.replace(",", "\\,") for v in values)), ("_count", str(MAX_COUNT))],
            internal="_revinclude" if reverse else "_include",
        )
        included = found.search(caller, sub)
        client_ids += included.client_ids
        if any(link["relation"] == "next" for link in included.resource["link"]):
            warnings.append(
                Issue(
                    "warning",
                    "too-costly",
                    f"{label}: only the first {MAX_COUNT} resources are included; search "
                    f"{kind}?{param}=... for the rest",
                )
            )
        for entry in included.resource["entry"]:
            if entry["fullUrl"] not in seen:
                seen.add(entry["fullUrl"])
                added.append({**entry, "search": {"mode": "include"}})
    bundle["entry"] += added
    if warnings:
        bundle["entry"].append(
            {"resource": operation_outcome(warnings), "search": {"mode": "outcome"}}
        )
    return Result(result.status, bundle, result.location, client_ids, result.headers)


def search_query(found: Any, pairs: list[tuple[str, str]], *, prefer: str = "") -> Query:
    """The Query of a search of resource type `found` (a registry entry), with the includes it
    offers; `Prefer: handling=lenient` drops unknown parameters instead of refusing them."""
    lenient = any(p.strip() == "handling=lenient" for p in prefer.replace(";", ",").split(","))
    return Query(
        found.name,
        found.search_params,
        pairs,
        lenient=lenient,
        includes=includes_of(found.name),
        revincludes=revincludes_of(found.name),
    )


def run_search(caller: Caller, found: Any, query: Query) -> Result:
    """Search, then add what `_include` / `_revinclude` ask for."""
    return add_included(caller, query, found.search(caller, query))

"""Questionnaire: read, search, and import (create) for instrument admins."""

from __future__ import annotations

from collections.abc import Iterable
from threading import Lock
from typing import Any

from screening.fhir import questionnaire_from_definition
from screening.fhir.outcome import Issue, operation_outcome
from screening.fhir.questionnaire import STATUS, canonical_url, computable_name
from screening.fhir.search import instant
from screening.models import InstrumentVersion
from screening.selectors.fhir import (
    questionnaire_version_for_id,
    questionnaire_versions,
    token_matches,
)
from screening.services.fhir import questionnaire_import

from .context import Caller, Result
from .http import fail
from .search import Query, SearchParam, bundle, page_list

TYPE = "Questionnaire"
SEARCH = (
    SearchParam("url", "uri", "The canonical URL (`url|version` also narrows the version)."),
    SearchParam("version", "token", "The version label, e.g. 1.0.0."),
    SearchParam(
        "code",
        "token",
        "A code of the Questionnaire or of one of its items, e.g. http://loinc.org|44249-1.",
    ),
    SearchParam("status", "token", "draft (instrument admins only), active or retired."),
    SearchParam("name", "string", "The computable name, case-insensitive, starting with."),
)
FHIR_STATUS = {fhir: ours for ours, fhir in STATUS.items()}

_MAX_CACHED = 256
_cache: dict[tuple[int, str, str, str], dict[str, Any]] = {}
_lock = Lock()


def render(version: InstrumentVersion, base_url: str) -> dict[str, Any]:
    """The Questionnaire of a version; frozen versions' are cached (they cannot change)."""
    key = (version.pk, version.checksum, version.status, base_url)
    if version.is_frozen and version.checksum and key in _cache:
        return _cache[key]
    questionnaire = questionnaire_from_definition(
        version.definition,
        status=version.status,
        base_url=base_url,
        published_at=instant(version.published_at) if version.published_at else None,
    )
    if version.is_frozen and version.checksum:
        with _lock:
            if len(_cache) >= _MAX_CACHED:
                _cache.clear()
            _cache[key] = questionnaire
    return questionnaire


def read(caller: Caller, resource_id: str) -> Result:
    caller.library_reader()
    version = questionnaire_version_for_id(user=caller.user, resource_id=resource_id)
    if version is None:
        raise fail(404, "not-found", f"Questionnaire/{resource_id} is not known")
    return Result(200, render(version, caller.base_url))


def search(caller: Caller, query: Query) -> Result:
    caller.library_reader()
    versions = questionnaire_versions(user=caller.user)
    for alternatives in query.values("url"):
        versions = [v for v in versions if any(_url_matches(v, caller, u) for u in alternatives)]
    for alternatives in query.tokens("version"):
        versions = [v for v in versions if any(t.code == v.version for t in alternatives)]
    for alternatives in query.choices("status", tuple(FHIR_STATUS)):
        wanted = {FHIR_STATUS[s] for s in alternatives}
        versions = [v for v in versions if v.status in wanted]
    for alternatives in query.tokens("code"):
        versions = [
            v for v in versions if any(token_matches(t, _codes(v.definition)) for t in alternatives)
        ]
    for alternatives in query.values("name"):
        versions = [
            v
            for v in versions
            if any(
                computable_name(v.definition).lower().startswith(n.lower()) for n in alternatives
            )
        ]
    rows, cursor = page_list(versions, query)
    resources = [render(v, caller.base_url) for v in rows]
    return Result(200, bundle(resources, query, caller.base_url, cursor))


def _url_matches(version: InstrumentVersion, caller: Caller, value: str) -> bool:
    url, _, label = value.partition("|")
    if label and label != version.version:
        return False
    return url == canonical_url(caller.base_url, version.instrument.code)


def _codes(definition: dict[str, Any]) -> Iterable[dict[str, Any]]:
    yield from definition.get("codes", ())
    for item in definition.get("items", ()):
        yield from item.get("codes", ())
    for scale in definition.get("scales", ()):
        yield from scale.get("codes", ())


def create(
    caller: Caller,
    resource: dict[str, Any],
    *,
    prefer: str = "",
    if_none_exist: str | None = None,
    references: dict[str, str] | None = None,
) -> Result:
    """Import an SDC Questionnaire as a draft version. The answer is an OperationOutcome with
    the import's warnings (`Prefer: return=representation` gives the draft's Questionnaire as
    we export it; `return=minimal` nothing); `Location` names the draft either way."""
    caller.instrument_admin()
    if if_none_exist is not None:
        raise fail(400, "not-supported", "Conditional create is offered for Patient only")
    if not isinstance(resource, dict) or resource.get("resourceType") != TYPE:
        raise fail(400, "invalid", "expected a Questionnaire resource", f"{TYPE}.resourceType")
    version, warnings = questionnaire_import(questionnaire=resource, actor=caller.user)
    questionnaire = render(version, caller.base_url)
    location = f"{TYPE}/{questionnaire['id']}"
    if "return=representation" in prefer:
        body: dict[str, Any] | None = questionnaire
    elif "return=minimal" in prefer:
        body = None
    else:
        issues = [
            Issue(
                "information",
                "informational",
                f"Imported as a draft: {location} (instrument {version.instrument.code}, "
                f"version {version.version}). Review it, then publish it with "
                f"POST /api/v1/instruments/{version.instrument.code}/versions/"
                f"{version.version}/publish/.",
            )
        ]
        issues += [
            Issue(
                "warning",
                "business-rule",
                f"{w.code}: {w.message}" + (f" (linkId {w.link_id})" if w.link_id else ""),
                (w.path,) if w.path else (),
            )
            for w in warnings
        ]
        if not version.definition.get("rules"):
            issues.append(
                Issue(
                    "warning",
                    "business-rule",
                    "no_flag_rules: the draft raises no flags. Add the instrument's flag rules "
                    "(a critical item, such as PHQ-9 item 9, must raise an urgent flag) before "
                    "publishing it.",
                )
            )
        body = operation_outcome(issues)
    return Result(201, body, location)

"""Compiled instrument versions (and frozen definitions), cached per process.

A published version is frozen and carries a checksum, so (pk, checksum) names its definition for
good and its compiled form can be kept. Drafts change, so they are compiled on each use. Lists
therefore defer the definition column (5-70 kB of JSON per row): a version is decoded once per
process, on a cache miss.
"""

from collections.abc import Mapping, Sequence
from threading import Lock
from typing import Any

from screening import engine
from screening.models import InstrumentVersion

_MAX_CACHED = 512
_cache: dict[tuple[int, str], engine.CompiledInstrument] = {}
_definitions: dict[tuple[int, str], Mapping[str, Any]] = {}
_lock = Lock()


def compiled_version(version: InstrumentVersion) -> engine.CompiledInstrument:
    if not (version.is_frozen and version.checksum):
        return engine.compile(version.definition)
    key = (version.pk, version.checksum)
    compiled = _cache.get(key)
    if compiled is None:
        compiled = engine.compile(version.definition)
        with _lock:
            if len(_cache) >= _MAX_CACHED:
                _cache.clear()
            _cache[key] = compiled
    return compiled


def version_definition(version: InstrumentVersion) -> Mapping[str, Any]:
    """The definition of `version`, for what the compiled form does not carry (FHIR codes).
    Treat it as read-only: a frozen version's is shared by every request of the process."""
    if not (version.is_frozen and version.checksum):
        return version.definition
    key = (version.pk, version.checksum)
    definition = _definitions.get(key)
    if definition is None:
        definition = version.definition
        with _lock:
            if len(_definitions) >= _MAX_CACHED:
                _definitions.clear()
            _definitions[key] = definition
    return definition


def version_definitions(versions: Sequence[InstrumentVersion]) -> dict[int, Mapping[str, Any]]:
    """The definitions of `versions` (loaded with their definition deferred), by version id:
    from the cache where it has them, the others in one query."""
    found: dict[int, Mapping[str, Any]] = {}
    missing = []
    for version in versions:
        cached = _definitions.get((version.pk, version.checksum)) if version.is_frozen else None
        if cached is None:
            missing.append(version)
        else:
            found[version.pk] = cached
    if missing:
        loaded = dict(
            InstrumentVersion.objects.filter(pk__in=[v.pk for v in missing]).values_list(
                "pk", "definition"
            )
        )
        for version in missing:
            version.definition = loaded[version.pk]
            found[version.pk] = version_definition(version)
    return found

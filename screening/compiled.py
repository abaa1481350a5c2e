"""Compiled instrument versions, cached per process.

A published version is frozen and carries a checksum, so (pk, checksum) names its definition for
good and its compiled form can be kept. Drafts change, so they are compiled on each use.
"""

from threading import Lock

from screening import engine
from screening.models import InstrumentVersion

_MAX_CACHED = 512
_cache: dict[tuple[int, str], engine.CompiledInstrument] = {}
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

"""Canonical JSON and checksums: the identity of a definition, used to freeze published versions.

Two definitions with the same content (whatever their key order or whitespace) have the same
canonical text and so the same checksum.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(definition: Any) -> str:
    """Sorted keys, no whitespace, non-ASCII kept as is (encode as UTF-8 to store or hash).

    Raises TypeError / ValueError for what JSON cannot represent (NaN, non-string keys, ...).
    """
    return json.dumps(
        definition,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def checksum(definition: Any) -> str:
    """SHA-256 hex digest of the canonical JSON encoded as UTF-8."""
    return hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()

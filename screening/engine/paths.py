"""JSON paths (`$.scales[0].items[3]`) for error reports.

Paths are kept as tuples of keys and indices while checking, and formatted only at the end, so
errors can be sorted in document order rather than by their text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Path = tuple[str | int, ...]

# Keys that read naturally after a dot; anything else (hyphens, spaces) is bracketed and quoted so
# the path stays unambiguous.
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_path(path: Iterable[object]) -> str:
    parts = ["$"]
    for key in path:
        if isinstance(key, int) and not isinstance(key, bool):
            parts.append(f"[{key}]")
        elif isinstance(key, str) and _PLAIN_KEY.match(key):
            parts.append(f".{key}")
        else:
            text = str(key).replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{text}']")
    return "".join(parts)


def sort_key(path: Iterable[object]) -> tuple[tuple[int, object], ...]:
    """Order paths by document position: indices numerically, keys alphabetically."""
    key: list[tuple[int, object]] = []
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            key.append((0, part))
        else:
            key.append((1, str(part)))
    return tuple(key)

"""Where each value of a JSON text starts, by its path: so an editor can mark the line an error
points to (`$.scales[0].items[1]` is on line 212).

Python's json module gives values, not positions, so this walks the text once itself. Paths are
formatted as the engine formats its errors' (`screening.engine.paths.format_path`). Pure Python.
"""

from __future__ import annotations

import json
import re

from screening.engine.paths import format_path

_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
# The last step of a formatted path: `.key`, `[3]` or `['odd key']`.
_LAST_STEP = re.compile(r"(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\['(?:[^'\\]|\\.)*'\])$")


def value_lines(text: str) -> dict[str, int]:
    """Formatted path -> 1-based line where its value starts. Empty when `text` is not JSON."""
    starts: dict[str, int] = {}
    try:
        end = _value(text, _skip(text, 0), (), starts)
    except (ValueError, IndexError):
        return {}
    if _skip(text, end) != len(text):
        return {}
    return {path: text.count("\n", 0, offset) + 1 for path, offset in starts.items()}


def line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of `path`, or of its nearest ancestor present (a missing key is reported on the
    path it would have had)."""
    while True:
        if path in lines:
            return lines[path]
        shorter = _LAST_STEP.sub("", path)
        if shorter == path:
            return None
        path = shorter


def _skip(text: str, index: int) -> int:
    return _SPACE.match(text, index).end()


def _value(text: str, index: int, path: tuple, starts: dict[str, int]) -> int:
    starts[format_path(path)] = index
    char = text[index]
    if char == "{":
        return _object(text, index + 1, path, starts)
    if char == "[":
        return _array(text, index + 1, path, starts)
    if char == '"':
        return json.decoder.scanstring(text, index + 1)[1]
    match = _SCALAR.match(text, index)
    if not match:
        raise ValueError(f"no JSON value at {index}")
    return match.end()


def _object(text: str, index: int, path: tuple, starts: dict[str, int]) -> int:
    index = _skip(text, index)
    if text[index] == "}":
        return index + 1
    while True:
        if text[index] != '"':
            raise ValueError(f"expected a key at {index}")
        key, index = json.decoder.scanstring(text, index + 1)
        index = _skip(text, index)
        if text[index] != ":":
            raise ValueError(f"expected ':' at {index}")
        index = _value(text, _skip(text, index + 1), (*path, key), starts)
        index = _skip(text, index)
        if text[index] == "}":
            return index + 1
        if text[index] != ",":
            raise ValueError(f"expected ',' or '}}' at {index}")
        index = _skip(text, index + 1)


def _array(text: str, index: int, path: tuple, starts: dict[str, int]) -> int:
    index = _skip(text, index)
    if text[index] == "]":
        return index + 1
    position = 0
    while True:
        index = _value(text, index, (*path, position), starts)
        index = _skip(text, index)
        if text[index] == "]":
            return index + 1
        if text[index] != ",":
            raise ValueError(f"expected ',' or ']' at {index}")
        index = _skip(text, index + 1)
        position += 1

"""Flag message templates: `{scale:total}`, `{item:phq9-9}`, `{item_label:phq9-9}`.

Templates are parsed once at compile time into literal text and placeholders, so filling a message
while scoring is a join, not a regex pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("scale", "item", "item_label")

# Any `{word:...}` is treated as a placeholder attempt, so a misspelt kind is reported by validation
# instead of being shown to a clinician verbatim.
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+):([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class Placeholder:
    kind: str
    key: str


Part = str | Placeholder


def parse(template: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(template[position : match.start()])
        parts.append(Placeholder(match.group(1), match.group(2)))
        position = match.end()
    if position < len(template):
        parts.append(template[position:])
    return tuple(parts)


def placeholders(template: str) -> list[Placeholder]:
    return [part for part in parse(template) if isinstance(part, Placeholder)]

"""Error values reported by the engine.

Errors are plain data (path, code, message) so the API layer can return them as-is; nothing in
the engine raises for a bad definition or bad answers except `compile()` (DefinitionError) and
`score()` on answers it cannot score (InvalidAnswersError).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ValidationError:
    """One problem in an instrument definition, located by a JSON path such as `$.items[3]`."""

    path: str
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AnswerError:
    """One problem in a set of answers.

    `link_id` names the item concerned; `scale` is set when the problem is that a scale cannot be
    scored under its missing-data rule.
    """

    path: str
    code: str
    message: str
    link_id: str | None
    scale: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DefinitionError(ValueError):
    """Raised by `compile()` for an invalid definition; `errors` holds every problem found."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = list(errors)
        first = self.errors[0] if self.errors else None
        summary = f"{first.path}: {first.message}" if first else "invalid definition"
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"invalid instrument definition: {summary}{more}")


class InvalidAnswersError(ValueError):
    """Raised by `score()` when a known item has a value that is no valid answer.

    `score()` expects answers already passed through `check_answers()`; scoring a value that is no
    option would silently produce a wrong clinical score, so it refuses instead.
    """

    def __init__(self, errors: list[AnswerError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(f"invalid answers: {first.path}: {first.message}")

"""Every shipped instrument in screening/library/ is valid and its own examples hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from screening.engine import compile, run_example, validate

LIBRARY = Path(__file__).resolve().parents[2] / "screening" / "library"
FILES = sorted(LIBRARY.glob("*.json"))


def load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def example_cases() -> list[Any]:
    cases = []
    for path in FILES:
        try:
            examples = load(path).get("examples", [])
        except (ValueError, AttributeError):
            examples = []  # an unreadable file fails test_a_library_definition_is_valid instead
        for index, example in enumerate(examples if isinstance(examples, list) else []):
            name = example.get("name", index) if isinstance(example, dict) else index
            cases.append(pytest.param(path, index, id=f"{path.stem}: {name}"))
    return cases


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_a_library_definition_is_valid(path: Path) -> None:
    errors = validate(load(path))
    assert errors == [], "\n".join(f"{e.path} {e.code}: {e.message}" for e in errors)


@pytest.mark.parametrize(("path", "index"), example_cases())
def test_a_library_example_holds(path: Path, index: int) -> None:
    definition = load(path)
    failures = run_example(compile(definition), definition["examples"][index])
    assert failures == [], "\n".join(failure.message for failure in failures)

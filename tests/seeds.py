"""The source articles, for the tests that prove our texts are in our own words."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


def seeds_dir() -> Path:
    env = os.environ.get("SEEDS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def seed_texts() -> dict[str, str]:
    """Every article by file name; skips the calling test when the articles are not beside us."""
    folder = seeds_dir()
    if not folder.is_dir():
        pytest.skip(f"seed articles not found at {folder}")
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
    if not texts:
        pytest.skip(f"no seed articles (*.txt) in {folder}")
    return texts


def walk_strings(value: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple, str]]:
    """Every string inside nested dicts and lists, with the path that leads to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, (*path, i))

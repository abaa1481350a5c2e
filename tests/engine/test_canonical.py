"""Canonical JSON, checksums, immutability of compiled instruments, and engine purity."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from screening.engine import canonical_json, checksum, compile, load_schema

from .builders import definition

REPO = Path(__file__).resolve().parents[2]


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    assert (
        canonical_json({"b": [1, {"d": 2, "c": 3}], "a": "x"}) == '{"a":"x","b":[1,{"c":3,"d":2}]}'
    )


def test_canonical_json_keeps_non_ascii_text() -> None:
    assert canonical_json({"t": "Über • naïve"}) == '{"t":"Über • naïve"}'


def test_checksum_is_the_sha256_of_the_utf8_canonical_json() -> None:
    value = {"t": "é", "n": 1}
    assert checksum(value) == hashlib.sha256('{"n":1,"t":"é"}'.encode()).hexdigest()


def test_checksum_ignores_key_order() -> None:
    defn = definition()
    reordered = dict(reversed(list(defn.items())))
    assert checksum(reordered) == checksum(defn)


def test_checksum_changes_with_content() -> None:
    assert checksum(definition()) != checksum(definition(version="1.0.1"))


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="JSON"):
        canonical_json({"x": float("nan")})


def test_a_compiled_instrument_carries_the_definition_checksum() -> None:
    defn = definition()
    assert compile(defn).checksum == checksum(defn)


def test_a_compiled_instrument_cannot_be_changed() -> None:
    compiled = compile(definition())
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.code = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        compiled.item_by_id["q1"] = compiled.items[1]  # type: ignore[index]


def test_a_compiled_instrument_is_not_affected_by_later_changes_to_its_dict() -> None:
    defn = definition()
    compiled = compile(defn)
    defn["items"][0]["text"] = "changed"
    assert compiled.items[0].text == "Question q1"
    assert compiled.definition() == definition()


def test_the_published_json_schema_is_a_valid_draft_2020_12_schema() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(load_schema())


def test_the_engine_imports_without_django() -> None:
    # A fresh interpreter, because this test process may already have imported Django.
    code = "import sys, screening.engine; sys.exit('django' in sys.modules)"
    process = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False)  # noqa: S603
    assert process.returncode == 0


def test_the_schema_file_is_plain_json() -> None:
    path = REPO / "screening" / "engine" / "definition.schema.json"
    assert json.loads(path.read_text("utf-8"))["$schema"].endswith("2020-12/schema")

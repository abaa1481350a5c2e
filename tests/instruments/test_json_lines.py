"""Locating a JSON path's line in a definition's text, for the admin editor's error marks."""

import json
from pathlib import Path

from screening.engine import validate
from screening.json_lines import line_of, value_lines

TEXT = """{
  "code": "tiny",
  "scales": [
    {
      "id": "total",
      "items": ["t1", "ghost"]
    }
  ],
  "odd-key": {"a b": [1, -2.5e3, true, null]}
}"""


def test_each_value_is_found_on_the_line_where_it_starts():
    lines = value_lines(TEXT)
    assert lines["$"] == 1
    assert lines["$.code"] == 2
    assert lines["$.scales[0]"] == 4
    assert lines["$.scales[0].id"] == 5
    assert lines["$.scales[0].items[1]"] == 6
    assert lines["$['odd-key']['a b'][3]"] == 9


def test_a_missing_path_falls_back_to_its_nearest_ancestor():
    lines = value_lines(TEXT)
    assert line_of("$.scales[0].missing.rule", lines) == 4
    assert line_of("$.nothing", lines) == 1
    assert line_of("not a path", lines) is None


def test_text_that_is_not_json_locates_nothing():
    assert value_lines('{"a": 1,}') == {}
    assert value_lines('{"a": 1} trailing') == {}
    assert value_lines("") == {}


def test_every_path_of_a_shipped_definition_is_located_exactly():
    path = Path(__file__).resolve().parents[2] / "screening" / "library" / "phq9.json"
    text = json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=2)
    lines = value_lines(text)
    assert lines["$.items[8].critical"] == next(
        n for n, line in enumerate(text.splitlines(), 1) if '"critical": true' in line
    )
    assert len(lines) > 200


def test_the_engines_error_paths_are_found_in_the_text():
    definition = json.loads(TEXT)
    errors = validate(definition)
    assert errors
    lines = value_lines(TEXT)
    assert all(line_of(error.path, lines) is not None for error in errors)

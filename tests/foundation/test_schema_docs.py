"""Every operation of /api/schema/ says what it does, and the main ones show real examples."""

from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

METHODS = ("get", "post", "put", "patch", "delete")
# The main operations: each has a request and a response example.
EXAMPLES = {
    ("post", "/api/v1/screenings/"),  # the one-call submit
    ("post", "/api/v1/flags/{id}/review/"),
    ("post", "/api/v1/flags/{id}/follow-up/"),
    ("post", "/api/v1/instruments/{code}/score-preview/"),
}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return yaml.safe_load(APIClient().get("/api/schema/").content)


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def test_every_operation_has_a_summary(document):
    missing = [f"{m.upper()} {p}" for m, p, op in operations(document) if not op.get("summary")]
    assert len(list(operations(document))) > 50
    assert not missing, f"add a summary (extend_schema(summary=...)) to: {missing}"


def test_every_operation_has_a_description(document):
    missing = [f"{m.upper()} {p}" for m, p, op in operations(document) if not op.get("description")]
    assert not missing, f"add a description (extend_schema(description=...)) to: {missing}"


def test_no_two_operations_share_a_description(document):
    """A view's docstring stands in for every operation without its own description: the flag
    review once showed the inbox's text."""
    seen: dict[str, str] = {}
    shared = []
    for method, path, operation in operations(document):
        name = f"{method.upper()} {path}"
        if operation["description"] in seen:
            shared.append((seen[operation["description"]], name))
        seen.setdefault(operation["description"], name)
    assert not shared, f"operations with the same description: {shared}"


def test_the_main_operations_have_request_and_response_examples(document):
    for method, path in EXAMPLES:
        operation = document["paths"][path][method]
        request = operation["requestBody"]["content"]["application/json"]
        assert request.get("examples"), f"{method} {path} has no request example"
        success = next(code for code in operation["responses"] if code.startswith("2"))
        response = operation["responses"][success]["content"]["application/json"]
        assert response.get("examples"), f"{method} {path} has no response example"


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it (drf-spectacular puts it beside an
    `allOf`, which OpenAPI 3.0 validators read as "not nullable")."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def validator(document, schema):
    # The schema's $refs point into the document's components.
    return Draft202012Validator(as_json_schema({**schema, "components": document["components"]}))


def test_every_example_matches_its_schema(document):
    """An example of a shape that has since changed misleads whoever copies it."""
    checked = 0
    for method, path, operation in operations(document):
        bodies = [(operation.get("requestBody") or {}).get("content", {})]
        bodies += [r.get("content", {}) for r in operation["responses"].values()]
        for content in bodies:
            media = content.get("application/json", {})
            for name, example in media.get("examples", {}).items():
                errors = list(validator(document, media["schema"]).iter_errors(example["value"]))
                assert not errors, f"{method} {path} example {name!r}: {errors[0].message}"
                checked += 1
    assert checked >= 2 * len(EXAMPLES)

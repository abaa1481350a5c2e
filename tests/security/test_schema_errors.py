"""The OpenAPI schema documents every error an operation can answer, in the common shape, and
the audit trail's endpoints with their real media types."""

import pytest
import yaml
from django.core.management import call_command

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def schema(anonymous_client, db):
    return yaml.safe_load(anonymous_client.get("/api/schema/").content)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def error_schema(operation, code: str):
    return operation["responses"][code]["content"]["application/json"]["schema"]


def test_every_operation_documents_the_errors_it_can_answer(schema):
    found = list(operations(schema))
    assert len(found) > 30
    for path, method, operation in found:
        codes = set(operation["responses"])
        where = f"{method.upper()} {path}"
        assert {"401", "403", "429"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= codes, where
        if method != "get":
            assert "409" in codes, where
        for code in codes - {"200", "201", "202", "204"}:
            assert error_schema(operation, code) == ERROR_REF, f"{where} {code}"


def test_the_error_component_is_the_common_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail", "fields"]


def test_the_audit_trail_is_in_the_schema(schema):
    listed = schema["paths"]["/api/v1/audit-events/"]["get"]
    names = {p["name"] for p in listed["parameters"]}
    assert {"client", "actor", "action", "since", "until", "cursor", "page_size"} <= names
    export = schema["paths"]["/api/v1/audit-events/export/"]["get"]
    assert "text/csv" in export["responses"]["200"]["content"]
    assert {"client", "actor", "action", "since", "until"} <= {
        p["name"] for p in export["parameters"]
    }


def test_the_schema_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")

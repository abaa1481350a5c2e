"""A drf-spectacular postprocessing hook: every API operation documents its error responses.

Views declare their success shapes; the errors are the same everywhere (`config.errors`), so they
are added here once, each with the `Error` schema, for the operations that can give them:

- 401, 403, 429 on every authenticated operation (429: a throttled scope, or too many failed
  credentials from the caller's address);
- 400 when the operation takes a body or query parameters, or changes anything (a service can
  refuse what the state makes invalid: submitting a screening with required items unanswered);
- 404 when it takes a path parameter, a cursor (a stale or forged cursor is not found) or a
  `format` (DRF answers an unknown format with 404);
- 409 on every change (a resource's state can forbid it);
- 413 and 415 when it takes a body (too large; not JSON);
- 422 when it takes an `Idempotency-Key` (the key was used for a different request).

A response a view documents itself is kept; one without a body gets the `Error` schema.
"""

from typing import Any

ERROR_COMPONENT = "Error"

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every 4xx of the API: a machine-readable code, a sentence, field messages.",
    "required": ["code", "detail", "fields"],
    "properties": {
        "code": {"type": "string", "description": "For example `invalid`, `not_found`."},
        "detail": {"type": "string"},
        "fields": {
            "type": "object",
            "description": "Field path (dotted, with list indexes) to its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}

DESCRIPTIONS = {
    "400": "Invalid input: `fields` names each problem.",
    "401": "No credentials, or invalid, expired or revoked ones.",
    "403": "Your role does not allow this.",
    "404": "Not found (in your organization).",
    "409": "The resource's state does not allow this.",
    "413": "The request body is too large.",
    "415": "The request body is not JSON.",
    "422": "This Idempotency-Key was already used for a different request.",
    "429": "Too many requests; `Retry-After` says when to try again.",
}

CHANGES = {"post", "put", "patch", "delete"}
METHODS = CHANGES | {"get", "head", "options"}


def _error_codes(method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["401", "403", "429"]
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    if has_body or method in CHANGES or any(p.get("in") == "query" for p in parameters):
        codes.append("400")
    if any(p.get("in") == "path" or p.get("name") in ("cursor", "format") for p in parameters):
        codes.append("404")
    if method in CHANGES:
        codes.append("409")
    if has_body:
        codes.extend(["413", "415"])
    if any(p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in parameters):
        codes.append("422")
    return sorted(codes)


def document_error_responses(result: dict, generator, request, public) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = f"#/components/schemas/{ERROR_COMPONENT}"
    for path, item in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in _error_codes(method, operation):
                response = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
                if not response.get("content"):
                    response["content"] = {"application/json": {"schema": {"$ref": reference}}}
    return result

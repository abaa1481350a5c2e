"""One domain exception hierarchy and one table (issue 14, section 3): services raise domain
errors, never DRF's; REST and FHIR read the same table, and no interface matches message text."""

import ast
import pathlib

import pytest

from config.errors import (
    ERROR_TABLE,
    Conflict,
    DomainError,
    DuplicateIdentifier,
    InvalidAnswers,
    InvalidInput,
    MultipleMatches,
    NotFound,
    error_mapping,
)
from screening.fhir_api.http import classify
from tests.fhir_api.helpers import MRN, body, patient, post

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Every app's services (a `services/` package or a `services.py`), and the answer checker the
# screening services raise through.
SERVICE_MODULES = sorted(
    {*ROOT.glob("*/services/*.py"), *ROOT.glob("*/services.py"), ROOT / "screening/answer_input.py"}
)


def _service_modules():
    return pytest.mark.parametrize(
        "path", SERVICE_MODULES, ids=[str(p.relative_to(ROOT)) for p in SERVICE_MODULES]
    )


def test_the_scan_covers_every_apps_services():
    covered = {path.relative_to(ROOT).parts[0] for path in SERVICE_MODULES}
    assert {"clients", "content", "notifications", "outbox", "periodic", "screening"} <= covered


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name → dotted origin, for every import of the module."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:  # `import a.b` binds `a`
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
    return names


def _raised_origin(raised: ast.expr, names: dict[str, str]) -> str:
    """The dotted origin of what a `raise` names (`raise X(...)`, `raise mod.X(...)`)."""
    target = raised.func if isinstance(raised, ast.Call) else raised
    parts = []
    while isinstance(target, ast.Attribute):
        parts.insert(0, target.attr)
        target = target.value
    if not isinstance(target, ast.Name):
        return ""
    return ".".join([names.get(target.id, target.id), *parts])


def _forbidden_raises(source: str) -> list[str]:
    tree = ast.parse(source)
    names = _imported_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            origin = _raised_origin(node.exc, names)
            if origin.startswith("rest_framework") or origin.startswith(
                "django.core.exceptions.ValidationError"
            ):
                found.append(f"line {node.lineno}: {origin}")
    return found


@_service_modules()
def test_no_service_imports_drf(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not [
        name for name in _imported_names(tree).values() if name.startswith("rest_framework")
    ]


@_service_modules()
def test_no_service_raises_djangos_validation_error_or_drfs_exceptions(path):
    assert _forbidden_raises(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "from django.core.exceptions import ValidationError\nraise ValidationError('x')",
        "from django.core.exceptions import ValidationError as E\nraise E({'a': ['x']})",
        "from django.core import exceptions\nraise exceptions.ValidationError('x')",
        "import django.core.exceptions\nraise django.core.exceptions.ValidationError('x')",
        "from rest_framework import serializers\nraise serializers.ValidationError('x')",
        "from rest_framework.exceptions import NotFound\nraise NotFound",
    ],
)
def test_the_scan_finds_each_way_of_raising_a_forbidden_error(source):
    assert len(_forbidden_raises(source)) == 1


def test_the_scan_lets_domain_errors_and_catching_djangos_through():
    source = (
        "from django.core.exceptions import ValidationError\n"
        "from config.errors import InvalidInput\n"
        "try:\n    pass\nexcept ValidationError as exc:\n"
        "    raise InvalidInput(fields={'a': exc.messages}) from None\n"
    )
    assert _forbidden_raises(source) == []


@pytest.mark.parametrize(
    ("error", "rest", "fhir"),
    [
        (InvalidInput(fields={"a": ["x"]}), (400, "invalid"), (422, "business-rule")),
        (InvalidAnswers(fields={"answers": ["x"]}), (400, "invalid"), (422, "business-rule")),
        (
            DuplicateIdentifier(fields={"identifiers.0.value": ["x"]}),
            (400, "invalid"),
            (422, "duplicate"),
        ),
        (NotFound("gone"), (404, "not_found"), (404, "not-found")),
        (Conflict("frozen"), (409, "conflict"), (409, "conflict")),
        (MultipleMatches(2), (409, "multiple_matches"), (412, "multiple-matches")),
    ],
)
def test_each_domain_error_maps_once_for_rest_and_fhir(error, rest, fhir):
    mapping = error_mapping(error)
    assert (mapping.status, mapping.code) == rest
    status, issues, _ = classify(error)
    assert (status, {issue.code for issue in issues}) == (fhir[0], {fhir[1]})


def test_every_domain_error_has_a_row_or_a_base_with_one():
    kinds = {DomainError, *DomainError.__subclasses__()}
    for kind in list(kinds):
        kinds |= set(kind.__subclasses__())
    assert all(any(k in ERROR_TABLE for k in kind.__mro__) for kind in kinds)


def test_a_duplicate_identifier_is_a_fhir_duplicate_whatever_its_wording(integration_client):
    assert post(integration_client, "/fhir/Patient", patient("MRN-9")).status_code == 201
    again = post(integration_client, "/fhir/Patient", patient("MRN-9"))
    assert again.status_code == 422
    assert {issue["code"] for issue in body(again)["issue"]} == {"duplicate"}


def test_a_duplicate_identifier_keeps_its_field_message_on_rest(clinician_client):
    client = {
        "given_name": "Ana",
        "family_name": "Silva",
        "birth_date": "1990-04-02",
        "identifiers": [{"system": MRN, "value": "7"}],
    }
    assert clinician_client.post("/api/v1/clients/", client, format="json").status_code == 201
    again = clinician_client.post("/api/v1/clients/", client, format="json")
    assert again.status_code == 400
    assert list(again.json()["fields"]) == ["identifiers.0.value"]


@pytest.mark.django_db
def test_a_password_the_validators_refuse_is_invalid_input_on_the_password_field():
    from clients.services.members import user_set_password
    from tests.factories import UserFactory

    with pytest.raises(InvalidInput) as raised:
        user_set_password(user=UserFactory(), password="123", actor=None)
    assert list(raised.value.fields) == ["password"]


def test_a_domain_errors_text_names_its_fields_for_logs_and_commands():
    error = InvalidInput(fields={"definition.version": ["Bad label."], "non_field_errors": ["No."]})
    assert str(error) == "definition.version: Bad label. No."
    assert str(Conflict("Version 1 is published.")) == "Version 1 is published."

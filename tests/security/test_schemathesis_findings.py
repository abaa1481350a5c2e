"""Regression tests for what Schemathesis (.ci/schemathesis.sh) found: each was a 500."""

import pytest

from tests.factories import ClientFactory


def test_patching_a_client_with_an_incomplete_identifier_is_a_400(clinician_client, organization):
    # A PATCH makes nested fields optional too; the identifier lacked its system: KeyError.
    client = ClientFactory(organization=organization)
    response = clinician_client.patch(
        f"/api/v1/clients/{client.pk}/", {"identifiers": [{"value": "0"}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"identifiers.0.system": ["This field is required."]}


def test_a_new_version_whose_definition_is_not_an_object_is_a_400(instrument_admin_client, library):
    # `{"definition": [null, null], "version": "0"}` reached `{**definition}`: TypeError.
    for definition in ([None, None], "text", 1):
        response = instrument_admin_client.post(
            "/api/v1/instruments/phq9/versions/",
            {"definition": definition, "version": "9.9.9"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["fields"] == {"definition": ["A definition is a JSON object."]}


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("1242-02-04T00:04:59+22:28", 200),  # PostgreSQL refuses offsets past ±15:59
        ("0595-09-09T09:36:08.232388-08:30", 200),
        ("0001-01-01T00:00:00+05:00", 400),  # before the first UTC instant
        ("9999-12-31T23:59:59-05:00", 400),  # after the last
    ],
)
def test_audit_trail_time_filters_with_extreme_offsets(org_admin_client, since, status):
    # Found on PostgreSQL: `until=1242-02-04T00:04:59+22:28` was a 500.
    for path in ("/api/v1/audit-events/", "/api/v1/audit-events/export/"):
        for name in ("since", "until"):
            response = org_admin_client.get(path, {name: since})
            assert response.status_code == status, (path, name, response.content[:200])
            if status == 400:
                assert list(response.json()["fields"]) == [name]

"""Regression tests for what Schemathesis (.ci/schemathesis.sh) found: each was a 500."""

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

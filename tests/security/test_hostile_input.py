"""Hostile and malformed input gets a 4xx in the common error shape, never a 500."""

import json

import pytest

from clients.models import Client
from config.parsers import MAX_DEPTH

SHAPE = {"code", "detail", "fields"}
CLIENTS = "/api/v1/clients/"
VALID = {"given_name": "Ana", "family_name": "Silva", "birth_date": "1985-04-12"}


def post_raw(api, body: str | bytes, url: str = CLIENTS, content_type="application/json"):
    return api.post(url, data=body, content_type=content_type)


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == SHAPE
    if code:
        assert body["code"] == code
    return body


def test_a_body_over_the_upload_limit_is_a_413(clinician_client, settings):
    body = json.dumps({**VALID, "pronouns": "x" * (2 * 1024 * 1024)})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert_error(post_raw(clinician_client, body), 413, "too_large")
    assert not Client.objects.exists()


def test_the_parser_holds_the_limit_on_a_stream_too(settings):
    # Defence in depth, should DRF go back to parsing the raw stream: the parser reads no
    # further than the limit.
    import io

    from config.parsers import PayloadTooLarge, SafeJSONParser

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({**VALID, "pronouns": "x" * 500}).encode()
    with pytest.raises(PayloadTooLarge):
        SafeJSONParser().parse(io.BytesIO(body), parser_context={})
    assert SafeJSONParser().parse(io.BytesIO(b'{"a": 1}'), parser_context={}) == {"a": 1}


def test_a_body_just_under_the_limit_is_parsed(clinician_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_raw(clinician_client, json.dumps(VALID))
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({**VALID, "given_name": "A\u0000na"}),
        json.dumps({**VALID, "identifiers": [{"system": "urn:x", "value": "1\u0000"}]}),
        json.dumps({**VALID, "k\u0000ey": 1}),
    ],
    ids=["value", "nested value", "key"],
)
def test_nul_characters_are_a_400(clinician_client, body):
    assert "\\u0000" in body
    detail = assert_error(post_raw(clinician_client, body), 400, "parse_error")["detail"]
    assert "NUL" in detail


def test_ten_thousand_levels_of_nesting_are_a_400(clinician_client):
    body = "[" * 10_000 + "]" * 10_000
    assert_error(post_raw(clinician_client, body), 400, "parse_error")
    body = '{"a":' * 10_000 + "1" + "}" * 10_000
    assert_error(post_raw(clinician_client, body), 400, "parse_error")


def test_nesting_just_past_the_depth_limit_is_a_400(clinician_client):
    within = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    beyond = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert post_raw(clinician_client, within).status_code == 400  # parsed; not a client
    body = assert_error(post_raw(clinician_client, beyond), 400, "parse_error")
    assert "nested deeper" in body["detail"]


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '{"given_name": NaN}',
        '{"given_name": Infinity}',
        '{"given_name": 1e999}',
        '{"given_name": ' + "9" * 5000 + "}",
        b'{"given_name": "\xff\xfe"}',
        "",
    ],
    ids=["syntax", "nan", "infinity", "overflow", "huge-int", "not-utf8", "empty"],
)
def test_malformed_json_is_a_400(clinician_client, body):
    response = post_raw(clinician_client, body)
    assert_error(response, 400)


def test_a_form_body_is_a_415(clinician_client):
    response = post_raw(clinician_client, "given_name=Ana", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", ["Ana"]),
        ("given_name", {"x": 1}),
        ("given_name", "x" * 100_000),
        ("birth_date", "not a date"),
        ("birth_date", 19850412),
        ("active", "maybe"),
        ("identifiers", {"system": "urn:x", "value": "1"}),
        ("identifiers", [{"system": "urn:x", "value": str(n)} for n in range(21)]),
        ("care_team", [2**63]),
        ("care_team", list(range(1, 60))),
        ("unknown_field", 1),
    ],
)
def test_wrong_types_huge_values_and_unknown_fields_are_a_400_naming_the_field(
    clinician_client, field, value
):
    body = assert_error(clinician_client.post(CLIENTS, {**VALID, field: value}), 400, "invalid")
    assert any(name.split(".")[0] == field for name in body["fields"]), body


def test_a_body_that_is_not_an_object_is_a_400(clinician_client):
    for body in ("[]", "1", '"text"', "null"):
        assert_error(post_raw(clinician_client, body), 400)


def test_a_screening_with_too_many_answers_is_a_400(clinician_client, library, organization):
    from tests.factories import ClientFactory

    client = ClientFactory(organization=organization)
    answers = [{"link_id": f"phq9-{n % 9 + 1}", "value": 0} for n in range(501)]
    response = clinician_client.post(
        "/api/v1/screenings/",
        {"client": client.pk, "instrument": "phq9", "mode": "clinician", "answers": answers},
        format="json",
    )
    fields = assert_error(response, 400, "invalid")["fields"]
    assert [name.split(".")[0] for name in fields] == ["answers"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/clients/?name=a%00b",
        "/api/v1/clients/?a%00=1",
        "/api/v1/screenings/?instrument=phq9%00",
        "/api/v1/flags/?condition=%00",
        "/api/v1/instruments/phq9/versions/1.1.0%00/",
        "/api/v1/content/indicators/?q=%00",
    ],
)
def test_nul_characters_in_the_url_are_a_400(clinician_client, url):
    assert_error(clinician_client.get(url), 400, "invalid")


def test_the_page_size_is_capped(clinician_client, organization):
    from tests.factories import ClientFactory

    ClientFactory.create_batch(205, organization=organization)
    response = clinician_client.get(CLIENTS, {"page_size": 10_000})
    assert len(response.json()["results"]) == 200
    assert response.json()["next"]


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "WyJ4Il0", "W10", "x" * 5000])
def test_a_forged_cursor_is_a_404_in_the_common_shape(clinician_client, cursor):
    assert_error(clinician_client.get(CLIENTS, {"cursor": cursor}), 404, "not_found")


def fhir_mounted() -> bool:
    from tests.security.routes import api_routes

    return any(route.name.startswith("fhir-") for route in api_routes())


@pytest.mark.skipif(not fhir_mounted(), reason="the FHIR interface is not mounted")
@pytest.mark.parametrize(
    "url",
    [
        "/fhir/Patient?identifier=%00",
        "/fhir/QuestionnaireResponse?identifier=x|%00",
        "/fhir/Flag?code=%00",
    ],
)
def test_fhir_urls_with_nul_characters_are_a_400_operation_outcome(clinician_client, url):
    response = clinician_client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "invalid"


@pytest.mark.skipif(not fhir_mounted(), reason="the FHIR interface is not mounted")
def test_a_fhir_body_over_the_limit_is_a_413_operation_outcome(clinician_client):
    body = json.dumps({"resourceType": "Patient", "text": "x" * (2 * 1024 * 1024)})
    response = post_raw(clinician_client, body, "/fhir/Patient", "application/fhir+json")
    assert response.status_code == 413
    assert response.json()["issue"][0]["code"] == "too-costly"

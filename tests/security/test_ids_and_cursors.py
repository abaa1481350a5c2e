"""Ids and cursors are read in one place each (config/ids.py, config/cursors.py): whatever a
caller puts where an id or a cursor goes, on any route, the answer is a 4xx, never a 500, and
never another spelling of a real id."""

import base64
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.models import Role
from config.cursors import INTEGER, CursorError, decode_cursor
from config.ids import MAX_ID, parse_id
from tests.factories import OrganizationFactory, api_client_for
from tests.security.routes import api_routes
from tests.security.tables import INSTRUMENT_ADMIN, tables
from tests.security.world import World

ROUTES = api_routes()
ROLE_TABLE, ORG_OBJECT_ROUTES, _ = tables([route.name for route in ROUTES])
ID_ROUTES = [
    route
    for route in ROUTES
    if route.parameters in (("pk",), ("resource_id",))
    and (route.name in ORG_OBJECT_ROUTES or route.name.startswith("fhir-"))
]
NOT_IDS = [
    "\u00b2",  # superscript two: isdigit() says yes, int() says no
    "\u0661",  # Arabic-Indic one: int() reads 1
    "\uff11",  # fullwidth one
    "1" * 5000,
    "9" * 20,
    str(MAX_ID + 1),
    "0",
    "-1",
    "5.0",
    "5_000",
    " 5",
    "5\n",
    "0x10",
]
PLACEHOLDER = 987654321


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


FORGED_CURSORS = [
    '["2026-01-01T00:00:00+00:00", Infinity]',
    "[null, null]",
    '["2026-01-01T00:00:00+00:00", NaN]',
    '["2026-01-01T00:00:00+00:00", 1e400]',
    '["2026-13-01T00:00:00+00:00", 1]',
    '["0001-01-01T00:00:00+01:00", 1]',
    '["x", "y"]',
    "[true, false]",
    "[1, 1, 1]",
    '[[1], {"a": 1}]',
    "[1, 99999999999999999999999999]",
    "{}",
]


def _forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _role(route, method: str):
    allowed = ROLE_TABLE[route.name][method]
    for role in (Role.CLINICIAN, Role.INTEGRATION, Role.ORG_ADMIN, INSTRUMENT_ADMIN):
        if role in allowed:
            return role
    return None


@pytest.mark.parametrize("text", ["1", "42", "0042", str(MAX_ID)])
def test_ascii_digits_within_64_bits_are_ids(text):
    assert parse_id(text) == int(text)


@pytest.mark.parametrize("text", NOT_IDS)
def test_anything_else_is_not_an_id(text):
    assert parse_id(text) is None


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_every_id_route_answers_404_to_what_is_not_an_id(route, request, db):
    if route.name.startswith(("screening-", "flag-", "fhir-", "client-timeline")):
        request.getfixturevalue("library")
    world = World(OrganizationFactory())
    wrong = []
    for method in route.methods:
        role = _role(route, method)
        api = api_client_for(world.user(role))
        template = route.url(**{route.parameters[0]: PLACEHOLDER})
        for text in NOT_IDS:
            url = template.replace(str(PLACEHOLDER), quote(text, safe=""))
            status = getattr(api, method.lower())(url, {}, format="json").status_code
            if status != 404:
                wrong.append((method, text[:12], status))
    assert not wrong, f"{route.name}: {wrong}"


def test_another_scripts_digit_does_not_name_a_real_screening(library, db):
    world = World(OrganizationFactory())
    screening = world.screening
    api = api_client_for(world.clinician)
    digits = str(screening.pk).translate({ord(d): chr(0x0660 + int(d)) for d in "0123456789"})
    assert api.get(f"/api/v1/screenings/{screening.pk}/").status_code == 200
    assert api.get(f"/api/v1/screenings/{quote(digits)}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "url", "name"),
    [
        ("org_admin", "/api/v1/audit-events/export/?client={}", "client"),
        ("org_admin", "/api/v1/audit-events/?client={}", "client"),
        ("org_admin", "/api/v1/webhooks/deliveries/?endpoint={}", "endpoint"),
        ("clinician", "/api/v1/screenings/?client={}", "client"),
        ("clinician", "/api/v1/flags/?client={}", "client"),
        ("clinician", "/api/v1/clients/?care_team={}", "care_team"),
    ],
)
@pytest.mark.parametrize("text", NOT_IDS)
def test_an_id_query_parameter_that_is_not_an_id_is_a_400_naming_it(who, url, name, text, db):
    api = api_client_for(World(OrganizationFactory()).user(who))
    response = api.get(url.format(quote(text, safe="")))
    assert response.status_code == 400, (url, text[:12], response.content[:200])
    assert name in response.json()["fields"]


@pytest.mark.parametrize("text", NOT_IDS)
def test_fhir_count_and_ids_are_read_by_the_same_parser(text, library, db):
    api = api_client_for(World(OrganizationFactory()).user(Role.INTEGRATION))
    world = World(OrganizationFactory())
    world.screening  # noqa: B018  (a flag exists, so a lenient parser would find it)
    api = api_client_for(world.user(Role.INTEGRATION))
    assert api.get(f"/fhir/Patient?_count={quote(text)}").status_code == 400
    found = api.get(f"/fhir/Flag?patient=Patient/{quote(text)}")
    assert found.status_code == (400 if "\n" in text else 200)  # a control character: 400
    assert found.json().get("entry", []) == []


@pytest.mark.parametrize("text", NOT_IDS)
def test_an_id_in_a_bundle_entry_url_is_read_by_the_same_parser(text, library, db):
    world = World(OrganizationFactory())
    world.screening  # noqa: B018  (a patient and a flag exist: a lenient parser would find them)
    api = api_client_for(world.user(Role.INTEGRATION))
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {"request": {"method": "GET", "url": f"Patient/{text}"}},
            {"request": {"method": "GET", "url": f"Flag?patient=Patient/{quote(text)}"}},
        ],
    }
    response = api.post("/fhir/", bundle, format="json")
    assert response.status_code == 200, response.content[:300]
    statuses = [entry["response"]["status"] for entry in response.json()["entry"]]
    assert statuses[0].startswith("404")
    assert statuses[1].startswith("400" if "\n" in text else "200")
    assert response.json()["entry"][1].get("resource", {}).get("entry", []) == []


@pytest.mark.parametrize("forged", FORGED_CURSORS)
def test_a_forged_cursor_is_not_a_cursor(forged):
    with pytest.raises(CursorError):
        decode_cursor(_forged(forged), ["datetime", INTEGER])


REST_LISTS = [
    ("clinician", "/api/v1/screenings/"),
    ("clinician", "/api/v1/flags/"),
    ("clinician", "/api/v1/clients/"),
    ("org_admin", "/api/v1/audit-events/"),
    ("org_admin", "/api/v1/webhooks/"),
    ("org_admin", "/api/v1/webhooks/deliveries/"),
    ("org_admin", "/api/v1/tokens/"),
]


@pytest.mark.parametrize(("who", "url"), REST_LISTS)
def test_a_forged_cursor_on_any_rest_list_is_the_documented_404(who, url, db):
    api = api_client_for(World(OrganizationFactory()).user(who))
    wrong = []
    for forged in [*FORGED_CURSORS, "%%%", "\u00e9t\u00e9", "A" * 5000]:
        cursor = _forged(forged) if forged.startswith(("[", "{")) else forged
        response = api.get(url, {"cursor": cursor})
        if response.status_code != 404:
            wrong.append((forged, response.status_code))
    assert not wrong, f"{url}: {wrong}"


def test_a_cursor_with_an_offset_postgresql_refuses_is_read_in_utc(db):
    (at, pk) = decode_cursor(_forged('["2026-01-01T00:00:00+23:59", 1]'), ["datetime", INTEGER])
    assert at.utcoffset().total_seconds() == 0
    assert pk == 1


@pytest.mark.parametrize("resource", ["Patient", "QuestionnaireResponse", "Observation", "Flag"])
def test_a_forged_cursor_on_a_fhir_search_is_a_400(resource, library, db):
    api = api_client_for(World(OrganizationFactory()).user(Role.INTEGRATION))
    wrong = []
    for forged in FORGED_CURSORS:
        response = api.get(f"/fhir/{resource}", {"_cursor": _forged(forged)})
        if response.status_code != 400:
            wrong.append((forged, response.status_code))
    assert not wrong, f"{resource}: {wrong}"


# --- properties: generated ids and cursors on every route ----------------------------------

ID_TEXT = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[0-9]{1,30}", fullmatch=True),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(NOT_IDS),
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children)
    ),
    max_leaves=8,
)
CURSOR = st.one_of(
    st.lists(JSON, max_size=4).map(lambda values: _cursor(values)),
    st.text(max_size=60),
)
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(library, db) -> World:
    world = World(OrganizationFactory())
    for name in ("screening", "flag", "webhook_delivery", "subscription"):
        getattr(world, name)
    return world


@PROPERTY
@given(data=st.data())
def test_no_generated_id_on_any_route_is_a_server_error(world, data):
    route = data.draw(st.sampled_from(ID_ROUTES), label="route")
    method = data.draw(st.sampled_from(route.methods), label="method")
    text = data.draw(ID_TEXT, label="id")
    api = api_client_for(world.user(_role(route, method)))
    template = route.url(**{route.parameters[0]: PLACEHOLDER})
    url = template.replace(str(PLACEHOLDER), quote(text, safe=""))
    status = getattr(api, method.lower())(url, {}, format="json").status_code
    assert status < 500
    if parse_id(text) is None and route.parameters == ("pk",):
        assert status in (400, 404)  # 400: a NUL, refused before any route (hostile_input)


LISTS = [
    *((who, url, "cursor") for who, url in REST_LISTS),
    *(
        ("integration", f"/fhir/{resource}", "_cursor")
        for resource in ("Patient", "QuestionnaireResponse", "Observation", "Flag", "Subscription")
    ),
]


@PROPERTY
@given(data=st.data())
def test_no_generated_cursor_or_id_parameter_is_a_server_error(world, data):
    who, url, name = data.draw(st.sampled_from(LISTS), label="list")
    api = api_client_for(world.user(who))
    params = {name: data.draw(CURSOR, label="cursor")}
    if url.startswith("/fhir/"):
        params["_count"] = data.draw(ID_TEXT, label="_count")
    elif "screenings" in url or "flags" in url:
        params["client"] = data.draw(ID_TEXT, label="client")
    response = api.get(url, params)
    assert response.status_code in (200, 400, 404), (params, response.content[:200])

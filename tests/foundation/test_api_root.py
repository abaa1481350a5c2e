"""`/api/v1/`: a token holder finds every collection from there."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from clients.models import Role
from tests.factories import api_client_for, member

API = "/api/v1/"


def parameterless_routes(patterns=None, prefix: str = "") -> set[str]:
    """Every URL of the URLconf that takes no path parameter (`clients/`, `me/`, ...)."""
    found: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if entry.pattern.regex.groups:
            continue
        if isinstance(entry, URLResolver):
            found |= parameterless_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.add("/" + route)
    return found


def test_the_root_lists_every_collection_route_of_the_api(clinician_client):
    body = clinician_client.get(API).json()
    listed = {re.sub(r"^https?://[^/]+", "", c["url"]) for c in body["collections"]}
    routes = {r for r in parameterless_routes() if r.startswith(API) and r != API}
    assert routes, "found no route under /api/v1/"
    missing = routes - listed
    assert not missing, f"add these to config.api_root.COLLECTIONS: {sorted(missing)}"
    assert listed <= routes


def test_the_root_gives_absolute_urls_the_fhir_base_and_the_docs(clinician_client):
    response = clinician_client.get(API)
    assert response.status_code == 200
    body = response.json()
    clients = next(c for c in body["collections"] if c["name"] == "clients")
    assert clients["url"] == "http://testserver/api/v1/clients/"
    assert clients["description"]
    assert body["fhir"] == "http://testserver/fhir"
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["docs"] == "http://testserver/api/docs/"


def test_every_listed_url_answers_the_role_it_is_for(organization):
    callers = [api_client_for(member(role, organization)) for role in Role]
    for collection in callers[0].get(API).json()["collections"]:
        statuses = {caller.get(collection["url"]).status_code for caller in callers}
        assert 200 in statuses, collection["name"]


@pytest.mark.parametrize("role", [Role.INTEGRATION, Role.ORG_ADMIN])
def test_any_member_reads_the_root(organization, role):
    assert api_client_for(member(role, organization)).get(API).status_code == 200


def test_an_instrument_admin_without_organization_reads_the_root(instrument_admin_client):
    assert instrument_admin_client.get(API).status_code == 200


def test_anonymous_callers_get_401_in_the_error_shape(anonymous_client, db):
    response = anonymous_client.get(API)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == "not_authenticated"


def test_the_favicon_is_an_icon_not_a_404(anonymous_client, db):
    response = anonymous_client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content.startswith(b"\x00\x00\x01\x00")  # an ICO header
    assert "max-age=86400" in response["Cache-Control"]

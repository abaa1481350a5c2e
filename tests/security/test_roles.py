"""Who may call what, for every route and method the resolver knows: the allowed roles get past
authorization (no 401, 403 or 404 on their own organization's objects, and never a 5xx); every
other role gets 403; nobody anonymous gets past 401.

A route or method missing from ROLE_TABLE (tests/security/tables.py) fails
`test_role_table_covers_every_route_and_method`."""

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from tests.factories import OrganizationFactory, api_client_for
from tests.security.routes import api_routes
from tests.security.tables import (
    ANONYMOUS,
    CONTENT_KINDS,
    ROLES,
    SHARED_VALUES,
    VALID_BODIES,
    tables,
)
from tests.security.world import World

ROUTES = api_routes()
ROLE_TABLE, ORG_OBJECT_ROUTES, _ = tables([route.name for route in ROUTES])


def test_role_table_covers_every_route_and_method():
    served = {(route.name, method) for route in ROUTES for method in route.methods}
    tabled = {(name, method) for name, methods in ROLE_TABLE.items() for method in methods}
    assert not sorted(served - tabled), (
        f"Routes and methods with no row in ROLE_TABLE: {sorted(served - tabled)}. Add them to "
        "tests/security/tables.py with the roles allowed."
    )
    assert not sorted(tabled - served), f"ROLE_TABLE rows for nothing served: {tabled - served}"


def _kwargs(route, world: World) -> dict[str, object]:
    parameters = route.parameters
    if route.name in ORG_OBJECT_ROUTES:
        (parameter,) = parameters
        return {parameter: getattr(world, ORG_OBJECT_ROUTES[route.name]).pk}
    if route.name.startswith("content-") and parameters:
        kind = route.name.removeprefix("content-").removesuffix("-detail")
        assert kind in CONTENT_KINDS
        return {"code": apps.get_model("content", kind).objects.order_by("pk").first().code}
    kwargs = {name: SHARED_VALUES[name] for name in parameters if name in SHARED_VALUES}
    assert set(kwargs) == set(parameters), f"{route.name}: no value for {parameters}"
    return kwargs


def _needs_library(route) -> bool:
    return route.name.startswith(("instrument-", "screening-", "flag-", "content-", "fhir-"))


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_role_gets_what_the_table_says(route, request, db):
    if _needs_library(route):
        request.getfixturevalue("library")
    world = World(OrganizationFactory())
    url = route.url(**_kwargs(route, world))
    wrong = []
    for method in route.methods:
        allowed = ROLE_TABLE[route.name][method]
        body = VALID_BODIES.get((route.name, method), {})
        anonymous = getattr(APIClient(), method.lower())(url, body, format="json")
        if ANONYMOUS in allowed:
            if anonymous.status_code in (401, 403, 404) or anonymous.status_code >= 500:
                wrong.append((method, ANONYMOUS, anonymous.status_code, "allowed"))
        elif anonymous.status_code != 401 or "WWW-Authenticate" not in anonymous:
            wrong.append((method, ANONYMOUS, anonymous.status_code, "expected 401 + challenge"))
        for role in ROLES:
            api = api_client_for(world.user(role))
            status = getattr(api, method.lower())(url, body, format="json").status_code
            if role in allowed:
                if status in (401, 403, 404) or status >= 500:
                    wrong.append((method, role, status, "allowed"))
            elif status != 403:
                wrong.append((method, role, status, "expected 403"))
    assert not wrong, f"{route.name} {url}: {wrong}"

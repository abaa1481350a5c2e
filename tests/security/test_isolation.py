"""Another organization's objects answer 404 on every route that takes an id, for every method
the route allows and every role allowed to call it; and they come out unchanged and unread.

Built from the URL resolver: a new route whose path takes an id fails
`test_every_id_route_is_mapped_or_exempt` until tables.py says which object it takes (or why it
takes none of an organization's)."""

import pytest
from django.forms.models import model_to_dict

from clients.models import AuditEvent
from tests.factories import OrganizationFactory, api_client_for
from tests.security.routes import api_routes, id_routes
from tests.security.tables import VALID_BODIES, tables
from tests.security.world import World

ROLE_TABLE, ORG_OBJECT_ROUTES, SHARED_ROUTES = tables([route.name for route in api_routes()])
ID_ROUTES = id_routes()
ORG_ROUTES = [route for route in ID_ROUTES if route.name in ORG_OBJECT_ROUTES]
NEEDS_LIBRARY = {"screening", "flag", "scale_score"}


def test_every_id_route_is_mapped_or_exempt():
    names = {route.name for route in ID_ROUTES}
    unmapped = sorted(names - set(ORG_OBJECT_ROUTES) - set(SHARED_ROUTES))
    assert not unmapped, (
        f"Routes taking ids with no isolation mapping: {unmapped}. Add each to ORG_OBJECT_ROUTES "
        "(which organization object its id names) or SHARED_ROUTES (why it names none) in "
        "tests/security/tables.py."
    )
    stale = sorted((set(ORG_OBJECT_ROUTES) | set(SHARED_ROUTES)) - names)
    assert not stale, f"Mapped routes that no longer exist: {stale}"


def test_the_resolver_walk_finds_the_id_routes():
    # Guards the walk itself: if it found nothing, every other test here would pass vacuously.
    assert {"client-detail", "screening-void", "flag-review", "api-token-revoke"} <= {
        route.name for route in ORG_ROUTES
    }


def not_found(response) -> bool:
    if response.status_code != 404:
        return False
    body = response.json()
    if body.get("resourceType") == "OperationOutcome":  # FHIR's error shape
        return body["issue"][0]["code"] == "not-found"
    return body.get("code") == "not_found"


@pytest.mark.parametrize("route", ORG_ROUTES, ids=str)
def test_another_organizations_object_is_not_found(route, request, db):
    kind = ORG_OBJECT_ROUTES[route.name]
    if kind in NEEDS_LIBRARY:
        request.getfixturevalue("library")
    mine, theirs = World(OrganizationFactory()), World(OrganizationFactory())
    target = getattr(theirs, kind)
    before = model_to_dict(target)
    events_before = AuditEvent.objects.filter(organization=theirs.organization).count()
    (parameter,) = route.parameters
    url = route.url(**{parameter: target.pk})
    answers = []
    for method in route.methods:
        for role in sorted(ROLE_TABLE[route.name][method]):
            api = api_client_for(mine.user(role))
            body = VALID_BODIES.get((route.name, method), {})
            response = getattr(api, method.lower())(url, body, format="json")
            answers.append((method, role, response.status_code, not_found(response)))
    assert answers, f"{route.name}: no role may call it, so nothing was tested"
    assert all(found for *_, found in answers), answers
    target.refresh_from_db()
    assert model_to_dict(target) == before
    # Nothing was read or written in their organization's trail.
    assert AuditEvent.objects.filter(organization=theirs.organization).count() == events_before

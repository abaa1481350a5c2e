import pytest
from rest_framework.test import APIClient

from clients.models import Role
from tests.factories import OrganizationFactory, UserFactory, api_client_for, member


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def other_organization(db):
    return OrganizationFactory()


@pytest.fixture
def clinician(organization):
    return member(Role.CLINICIAN, organization)


@pytest.fixture
def org_admin(organization):
    return member(Role.ORG_ADMIN, organization)


@pytest.fixture
def integration(organization):
    return member(Role.INTEGRATION, organization)


@pytest.fixture
def anonymous_client():
    return APIClient()


@pytest.fixture
def clinician_client(clinician):
    return api_client_for(clinician)


@pytest.fixture
def org_admin_client(org_admin):
    return api_client_for(org_admin)


@pytest.fixture
def integration_client(integration):
    return api_client_for(integration)


@pytest.fixture
def instrument_admin(db):
    return UserFactory(is_instrument_admin=True, is_staff=True)


@pytest.fixture
def instrument_admin_client(instrument_admin):
    return api_client_for(instrument_admin)


@pytest.fixture
def library(content):
    """The shipped instrument library, loaded and published as `load_library` does (after the
    knowledge base, whose condition codes flag rules name)."""
    from screening.services.library import library_load

    return library_load()


@pytest.fixture
def content(db):
    """The knowledge base in content/data/, loaded as `load_library` does (before instruments)."""
    from content.services.library import content_load

    return content_load()

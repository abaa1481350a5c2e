import pytest
from rest_framework.test import APIClient

from clients.models import Role
from tests.factories import OrganizationFactory, api_client_for, member


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

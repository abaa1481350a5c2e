import pytest

from tests.factories import ClientFactory


@pytest.fixture
def client_record(organization):
    return ClientFactory(organization=organization)


@pytest.fixture
def other_client_record(other_organization):
    return ClientFactory(organization=other_organization)

import pytest

from tests.factories import ClientFactory, ClientIdentifierFactory


@pytest.fixture
def client_record(organization):
    record = ClientFactory(organization=organization)
    ClientIdentifierFactory(client=record, value="MRN-77")
    return record


@pytest.fixture
def other_client_record(other_organization):
    return ClientFactory(organization=other_organization)

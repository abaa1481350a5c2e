import pytest

from clients.models import Role
from tests.factories import ClientFactory, member

CLIENTS = "/api/v1/clients/"
MRN = "https://ehr.example.org/mrn"


def detail(pk: int) -> str:
    return f"{CLIENTS}{pk}/"


@pytest.fixture
def client_record(organization):
    """A client of the caller's organization (the fixtures' `organization`)."""
    return ClientFactory(organization=organization, given_name="Ana", family_name="Silva")


@pytest.fixture
def foreign_client(other_organization):
    return ClientFactory(organization=other_organization)


@pytest.fixture
def second_clinician(organization):
    return member(Role.CLINICIAN, organization)


def new_client_body(**overrides) -> dict:
    body = {"given_name": "Ana", "family_name": "Silva", "birth_date": "1985-04-12"}
    body.update(overrides)
    return body

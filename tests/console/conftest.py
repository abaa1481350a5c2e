import pytest

from tests.factories import ClientFactory


@pytest.fixture
def ana(organization):
    """A client whose initials the reports show: A.S."""
    return ClientFactory(organization=organization, given_name="Ana", family_name="Silva")

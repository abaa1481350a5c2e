"""Two requests racing for one identifier: one wins, the other gets a 400, never a 500."""

import threading
import time

import pytest
from django.db import connection, transaction

from clients.models import ClientIdentifier, Role
from clients.services.clients import client_create
from config.errors import DuplicateIdentifier
from tests.clients.conftest import MRN
from tests.factories import ClientFactory, OrganizationFactory, member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serializes writers; no race to lose"
    ),
]


def test_a_create_that_loses_the_race_for_an_identifier_gets_a_field_error():
    organization = OrganizationFactory()
    clinician = member(Role.CLINICIAN, organization)
    winner = ClientFactory(organization=organization)
    inserted = threading.Event()
    outcome: dict[str, object] = {}

    def take_the_identifier_first() -> None:
        # Holds the identifier uncommitted while the service checks (sees nothing) and inserts
        # (waits on the unique index); then commits, so the service's insert fails.
        try:
            with transaction.atomic():
                ClientIdentifier.objects.create(
                    client=winner, organization=organization, system=MRN, value="42"
                )
                inserted.set()
                time.sleep(0.5)
        finally:
            connection.close()

    rival = threading.Thread(target=take_the_identifier_first)
    rival.start()
    inserted.wait(timeout=5)
    try:
        client_create(
            organization=organization,
            actor=clinician,
            data={
                "given_name": "Ana",
                "family_name": "Silva",
                "birth_date": "1985-04-12",
                "identifiers": [{"system": MRN, "value": "42"}],
            },
        )
    except DuplicateIdentifier as exc:
        outcome["error"] = exc.fields
    rival.join()
    assert outcome["error"] == {
        "identifiers.0.value": ["Another client of your organization already has this identifier."]
    }
    assert ClientIdentifier.objects.filter(value="42").count() == 1

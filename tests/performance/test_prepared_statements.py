"""PostgreSQL prepares the statements a connection repeats (config/settings.py), so a request's
queries are parsed and planned once per connection rather than once per request."""

import pytest
from django.db import connection

from clients.models import Client

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def prepared_client_queries() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%clients_client%"],
        )
        return cursor.fetchone()[0]


def probe() -> None:
    # A query shape no other test sends, so the connection has not counted its uses already.
    list(Client.objects.filter(pk=-1, given_name="", family_name="").only("pk"))


@pytest.mark.django_db
def test_a_query_repeated_on_a_connection_is_prepared_after_five_uses():
    before = prepared_client_queries()
    for _ in range(5):
        probe()
    assert prepared_client_queries() == before
    probe()
    assert prepared_client_queries() == before + 1

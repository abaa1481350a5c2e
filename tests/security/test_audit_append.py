"""The request path appends its audit event without a lock: no advisory lock, no read of the
chain's tail. (Before issue 14 every audited request took its organization's advisory lock until
its commit, so one organization's requests queued behind one another.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import AuditEvent
from tests.factories import ClientFactory
from tests.screenings.helpers import phq9, start

CHAIN_TABLES = ("clients_auditseal", "clients_auditcheckpoint")


def advisory_locks_held() -> int:
    """Advisory locks this connection holds now; a transaction-scoped one taken by the request
    would still be held, inside the test's transaction."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def assert_appended_without_a_lock(queries: CaptureQueriesContext) -> None:
    statements = [query["sql"].lower() for query in queries.captured_queries]
    assert not [sql for sql in statements if "advisory" in sql]
    assert not [sql for sql in statements if any(table in sql for table in CHAIN_TABLES)]
    assert [sql for sql in statements if sql.startswith('insert into "clients_auditevent"')]
    assert advisory_locks_held() == 0


@pytest.fixture
def client_record(organization):
    return ClientFactory(organization=organization)


def test_a_read_takes_no_advisory_lock_and_reads_no_chain(clinician_client, client_record):
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = clinician_client.get(f"/api/v1/clients/{client_record.pk}/")
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before + 1
    assert_appended_without_a_lock(queries)


def test_a_submit_takes_no_advisory_lock_and_reads_no_chain(
    library, clinician_client, client_record
):
    with CaptureQueriesContext(connection) as queries:
        response = start(clinician_client, client_record.pk, "phq9", phq9(2, 1), submit=True)
    assert response.status_code == 201, response.json()
    assert_appended_without_a_lock(queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_the_lock_check_sees_a_transaction_scoped_advisory_lock(db):
    # The check above is not vacuous: a lock taken as the old audit_record took it is seen.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('org:1'))")
    assert advisory_locks_held() == 1

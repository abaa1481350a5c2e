"""Fixtures shared by the whole suite.

About 240 tests need the knowledge base and the instrument library, and loading them again for each
took a quarter (SQLite) to over a third (PostgreSQL) of the suite's time. So the session loads them
once, into the test database right after its migrations (`django_db_setup` below), and every `db`
test finds them there, inside the transaction it rolls back. `content` and `library` then only check
that the rows are still there: a transactional test commits, and its flush empties every table, so
after one they load again. Tests that need the database without them (of loading itself, or
counting from zero) ask for `empty_db`.
"""

import copy
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection
from django.db.backends.utils import CursorWrapper
from rest_framework.test import APIClient

from clients.models import Role
from content.models import Source
from content.services.library import ContentLoadReport, content_load
from screening.models import Instrument
from screening.services.library import LoadedInstrument, library_load
from tests.factories import OrganizationFactory, UserFactory, api_client_for, member
from tests.outside_reads import refuse_reads_beside_the_repository

# On PostgreSQL a trigger keeps these append-only, TRUNCATE of a table holding rows included.
AUDIT_TABLES = (
    "clients_auditevent",
    "clients_auditeventclient",
    "clients_auditseal",
    "clients_auditcheckpoint",
)
# One audit signing key for the whole run (the suite runs without AUDIT_SIGNING_KEY set).
TEST_SIGNING_KEY = Ed25519PrivateKey.generate()


@dataclass
class Shipped:
    """What the session loaded into the test database before any test ran."""

    content: ContentLoadReport
    library: list[LoadedInstrument]
    # Every table the two loads wrote rows to (all empty before), with its rows after.
    rows: dict[str, int]


# Filled by django_db_setup, once per test database.
_session: dict[str, Shipped] = {}


def pytest_configure(config: pytest.Config) -> None:
    # Everything a test reads is in the repository (tests/fixtures/...): see tests/outside_reads.py.
    refuse_reads_beside_the_repository()


def _row_counts_of(tables: Iterable[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            # Table names from the database itself, quoted: nothing here comes from outside.
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _row_counts() -> dict[str, int]:
    return _row_counts_of(connection.introspection.table_names())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """The test database as pytest-django makes it, plus the knowledge base and the instrument
    library, loaded (and committed) once as `load_library` does: content first, then instruments.
    """
    with django_db_blocker.unblock():
        before = _row_counts()
        content, library = content_load(), library_load()
        after = _row_counts()
    rows = {table: n for table, n in after.items() if n != before.get(table, 0)}
    if any(before.get(table) for table in rows) or not content.changed:
        # A kept database (--reuse-db) of a run that ended without a flush: the loads found their
        # rows already there, so `empty_db` would not know what to delete.
        raise pytest.UsageError("The test database already holds the library; use --create-db.")
    _session["shipped"] = Shipped(content=content, library=library, rows=rows)


def _session_load() -> Shipped:
    if "shipped" not in _session:
        raise RuntimeError("django_db_setup has not loaded the library (is this a db test?)")
    return _session["shipped"]


@pytest.fixture(autouse=True)
def audit_sealing(settings, tmp_path):
    """Sealing signs with the run's key, writes its checkpoint file in the test's own temporary
    folder (never the checkout's var/), and passes id gaps at once: on PostgreSQL every rolled-back
    test leaves gaps in the ids. Tests of the grace period set AUDIT_SEAL_GRACE themselves."""
    settings.AUDIT_SIGNING_KEY = TEST_SIGNING_KEY
    settings.AUDIT_VERIFY_KEYS = []
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.jsonl")
    settings.AUDIT_SEAL_GRACE = 0


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
def content(db) -> ContentLoadReport:
    """The knowledge base in content/data/, loaded as `load_library` does (before instruments);
    the report of that load, as `content_load()` returns it for an empty database."""
    shipped = _session_load()
    sources = shipped.content.kind("sources").created
    if Source.objects.filter(code__in=sources).count() != len(sources):
        return content_load()  # a transactional test's flush emptied the tables
    # A copy: a test that changed the report would otherwise change it for the tests after it.
    return copy.deepcopy(shipped.content)


@pytest.fixture
def library(content) -> list[LoadedInstrument]:
    """The shipped instrument library, loaded and published as `load_library` does (after the
    knowledge base, whose condition codes flag rules name); what `library_load()` returns."""
    shipped = _session_load()
    codes = {entry.code for entry in shipped.library}
    if Instrument.objects.filter(code__in=codes).count() != len(codes):
        return library_load()  # a transactional test's flush emptied the tables
    return copy.deepcopy(shipped.library)


@pytest.fixture
def empty_db(request, db) -> None:
    """The database as migrations leave it: without the knowledge base, the library, or the audit
    events of loading them. For tests of loading itself and tests that count from zero.

    They are deleted inside the test's transaction, which rolls back: the next test has them again.
    """
    wanted = {"content", "library"} & set(request.fixturenames)
    if wanted:
        pytest.fail(f"empty_db deletes what {', '.join(sorted(wanted))} loads; ask for one only.")
    loaded = _session_load().rows
    rows = _row_counts_of(loaded)
    if not any(rows.values()):
        return  # a transactional test's flush emptied them already
    if rows != loaded:
        # Rows written first (say, a fixture's audit event) could point at the loaded ones, or
        # continue their hash chain: deleting under them would change what the test sees.
        pytest.fail("Something wrote to the library's tables before empty_db; ask for it first.")
    # The ORM refuses to delete audit events, and so does the trigger on PostgreSQL: lifted for
    # these deletes only (the ALTERs are part of the transaction too), then put back.
    with _audit_guards_lifted() as cursor:
        # Foreign keys are deferred (Django makes them so), so the order does not matter; they
        # are checked right after, which proves no row left points at a deleted one (PostgreSQL
        # also will not ALTER a table with checks pending).
        for table in loaded:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
        connection.check_constraints()


def _transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs `item` outside a rolled-back transaction (and flushes after)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        if marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"):
            return True
        if marker.args and marker.args[0]:
            return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.fixture(autouse=True)
def flush_the_audit_trail_too(request) -> Iterator[None]:
    """Transactional tests commit, so pytest-django flushes the database after each (TRUNCATE on
    PostgreSQL); but the audit trail holds rows (the session's load and the test's requests), and
    on PostgreSQL refuses TRUNCATE of a table holding rows. So the trail's guards are lifted for a
    flush here, just before pytest-django's, and put back at once."""
    if not _transactional(request.node):
        yield
        return
    # Set up before this fixture, so torn down (flushed) after it.
    request.getfixturevalue("transactional_db")
    yield
    with _audit_guards_lifted():
        call_command("flush", interactive=False, verbosity=0)


@contextmanager
def _audit_guards_lifted() -> Iterator[CursorWrapper]:
    """A cursor with the audit trail's append-only triggers off, put back on when it closes.
    PostgreSQL only: SQLite has no such trigger, and its deletes and flushes go through as they
    are."""
    tables = []
    if connection.vendor == "postgresql":
        tables = [t for t in AUDIT_TABLES if t in connection.introspection.table_names()]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

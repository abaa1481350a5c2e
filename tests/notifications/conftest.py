import pytest
from django_tasks_db.management.commands.db_worker import Worker

from tests.notifications.receiver import Receiver, start_receiver, stop_receiver


@pytest.fixture(autouse=True)
def loopback_deliveries(settings):
    """The receivers of these tests listen on plain HTTP on loopback, which production refuses
    (WEBHOOK_REQUIRE_HTTPS, private networks): allowed here, as an on-premises install would."""
    settings.WEBHOOK_REQUIRE_HTTPS = False
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_TIMEOUT = 2
    settings.PUBLIC_BASE_URL = "https://screening.example.org"


@pytest.fixture
def receiver():
    """A real HTTP server on 127.0.0.1 (ports 8500-8599) that records what it is sent."""
    running = start_receiver(Receiver())
    yield running
    stop_receiver(running)


def run_worker() -> None:
    """The database backend's own worker loop, in this process, until no task is ready (what
    `manage.py db_worker --batch` runs). Needs a transactional test: the loop commits."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def client_record(organization):
    from tests.factories import ClientFactory

    return ClientFactory(organization=organization)

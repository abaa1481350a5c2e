"""Query counts of the benchmarked paths that other suites do not already fix.

Covered elsewhere: client list 2 vs 50 rows (tests/clients/test_client_queries.py); screening
list, flag inbox 2 vs 50, timeline 2 vs 20 screenings and the submit budget
(tests/screenings/test_query_budgets.py). Here: the baseline `/api/v1/me/`, and a page deep in
the cursor costing what the first page costs, for the client list and the flag inbox, with the
keyset bound that lets the database start a deep page at the cursor (docs/performance.md).
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client
from tests.factories import ClientFactory, ClientIdentifierFactory
from tests.screenings.helpers import phq9, start

CLIENTS = "/api/v1/clients/"
FLAGS = "/api/v1/flags/"


def get(api, url: str) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return response.json(), [query["sql"] for query in captured.captured_queries]


def next_path(page: dict) -> str:
    parts = urlsplit(page["next"])
    return f"{parts.path}?{parts.query}"


def walk(api, url: str) -> list[tuple[dict, list[str]]]:
    """Every page from `url` on, following `next`."""
    pages = []
    while url:
        page, queries = get(api, url)
        pages.append((page, queries))
        url = next_path(page) if page["next"] else ""
    return pages


def test_me_costs_one_query(clinician_client, django_assert_num_queries):
    clinician_client.get("/api/v1/me/")  # the first call also records the token's last use
    with django_assert_num_queries(1):
        response = clinician_client.get("/api/v1/me/")
    assert response.status_code == 200


def test_a_deep_client_page_costs_what_the_first_page_costs(clinician_client, organization):
    for _ in range(60):
        ClientIdentifierFactory(client=ClientFactory(organization=organization))
    # Ties on created_at across page boundaries: the cursor must still give each client once.
    moment = timezone.now() - timedelta(days=1)
    tied = list(Client.objects.order_by("id").values_list("id", flat=True)[10:30])
    Client.objects.filter(id__in=tied).update(created_at=moment)
    clinician_client.get(CLIENTS)  # warm: the token's last use

    pages = walk(clinician_client, f"{CLIENTS}?page_size=7")

    assert len(pages) == 9
    first, deep = pages[0][1], pages[6][1]
    assert len(deep) == len(first)
    seen = [row["id"] for page, _ in pages for row in page["results"]]
    expected = list(
        Client.objects.filter(organization=organization)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
    )
    assert seen == expected
    # The page query bounds created_at itself, so the database can start at the cursor.
    page_query = next(sql for sql in deep if 'FROM "clients_client"' in sql and "LIMIT" in sql)
    assert '"clients_client"."created_at" <=' in page_query


def test_a_deep_inbox_page_costs_what_the_first_page_costs(clinician_client, organization, library):
    client_record = ClientFactory(organization=organization)
    for n in range(10):
        # Item 9 above 0 raises an urgent flag; the totals raise review flags on some.
        start(clinician_client, client_record.pk, "phq9", phq9(n % 4, n % 2), submit=True)
    clinician_client.get(FLAGS)

    pages = walk(clinician_client, f"{FLAGS}?page_size=2")

    assert len(pages) >= 4
    first, deep = pages[0][1], pages[-2][1]
    assert len(deep) == len(first)
    flags = [row for page, _ in pages for row in page["results"]]
    assert len({row["id"] for row in flags}) == len(flags)
    ranks = {"urgent": 0, "review": 1, "info": 2}
    order = [(ranks[row["severity"]], row["created_at"]) for row in flags]
    assert [rank for rank, _ in order] == sorted(rank for rank, _ in order)


# Every statement: authenticate, the page, what the page prefetches, then the audit row (lock,
# chain tail, event, client index; the lock on PostgreSQL only). A test runs inside a
# transaction, so the audit row joins it: the BEGIN and COMMIT a served request adds (two more,
# as docs/performance.md counts them) do not show here.
READ_BUDGETS = {
    "client list": (CLIENTS, 8),  # + identifiers, care team
    "flag inbox": (FLAGS, 7),  # + reviews
    "timeline": ("/api/v1/clients/{client}/timeline/", 10),  # client, screenings, results, ...
}


@pytest.mark.parametrize(("path", "budget"), READ_BUDGETS.values(), ids=READ_BUDGETS.keys())
def test_the_benchmarked_reads_stay_within_their_query_budgets(
    clinician_client, organization, library, path, budget, django_assert_max_num_queries
):
    client_record = ClientFactory(organization=organization)
    ClientIdentifierFactory(client=client_record)
    for n in range(3):
        start(clinician_client, client_record.pk, "phq9", phq9(n, n % 2), submit=True)
    url = path.format(client=client_record.pk)
    clinician_client.get(url)  # warm: the token's last use, the compiled instrument
    with django_assert_max_num_queries(budget):
        response = clinician_client.get(url)
    assert response.status_code == 200, response.content

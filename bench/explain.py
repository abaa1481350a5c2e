"""Query plans of the read paths, from the seeded benchmark database.

Each scenario's request goes through the real view (Django's test client, production settings)
inside a transaction that is rolled back; every SELECT it ran is then shown with
`EXPLAIN (ANALYZE, BUFFERS)`, so the plans are those of the SQL the API actually sends.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/screening_bench SECRET_KEY=x \\
        python bench/explain.py [--out bench/results/explain.md] [--deep-page 500]

`make bench` leaves the seeded database in place, so this runs after it (bench/run.py calls it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clients.models import Client  # noqa: E402
from config.pagination import KeysetPagination  # noqa: E402

STATE = ROOT / "var" / "bench" / "state.json"

# Queries every request runs (the token lookup) are shown once, under the baseline.
SKIP_AFTER_FIRST = ('FROM "clients_apitoken"',)


class Rollback(Exception):
    pass


def deep_cursor(organization_id: int, page: int, size: int = 50) -> tuple[str, int]:
    """The cursor of page `page` (1-based): the last row of the page before it, encoded as
    KeysetPagination encodes it (what following `next` links would give)."""
    clients = Client.objects.filter(organization_id=organization_id).order_by("-created_at", "-id")
    total = clients.count()
    page = max(2, min(page, (total - 1) // size + 1))
    row = clients[(page - 1) * size - 1]
    pagination = KeysetPagination()
    pagination.ordering_fields = ("-created_at", "-id")
    return pagination._encode(row), page


def plans_of(http: HttpClient, path: str, seen: set[str]) -> list[tuple[str, str]]:
    out = []
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                response = http.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path}: {response.status_code} {response.content[:300]}")
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or "pg_advisory" in sql:
                    continue
                key = next((k for k in SKIP_AFTER_FIRST if k in sql), None)
                if key is not None:
                    if key in seen:
                        continue
                    seen.add(key)
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                out.append((sql, plan))
            raise Rollback
    except Rollback:
        pass
    return out


def shorten(sql: str) -> str:
    """The SQL with its long select list and id lists elided, for reading."""
    sql = re.sub(r"^SELECT .*? FROM", "SELECT … FROM", sql, count=1, flags=re.S)
    sql = re.sub(r"IN \(([^()]{120,}?)\)", lambda m: f"IN ({m.group(1)[:60]}, …)", sql)
    return sql


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--deep-page", type=int, default=500)
    args = parser.parse_args()
    state = json.loads(STATE.read_text())
    big = state["orgs"]["bench"]
    http = HttpClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {big['clinician_token']}")
    cursor, page = deep_cursor(big["id"], args.deep_page)
    scenarios = [
        ("baseline: GET /api/v1/me/", "/api/v1/me/"),
        ("client list, first page: GET /api/v1/clients/", "/api/v1/clients/"),
        (
            f"client list, page {page}: GET /api/v1/clients/?cursor=…",
            f"/api/v1/clients/?cursor={cursor}",
        ),
        ("flag inbox: GET /api/v1/flags/", "/api/v1/flags/"),
        (
            "timeline (20 screenings): GET /api/v1/clients/<id>/timeline/",
            f"/api/v1/clients/{big['timeline_client']}/timeline/",
        ),
    ]
    counts = big["counts"]
    lines = [
        "# Query plans of the read paths",
        "",
        f"Seeded organization: {counts['clients']:,} clients, {counts['screenings']:,} screenings, "
        f"{counts['flags']:,} flags, {counts['audit_events']:,} audit events (plus the rows the "
        "benchmark itself wrote). `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)` of every SELECT each "
        "request ran, in order; the audit insert and the advisory lock are not shown.",
        "",
    ]
    seen: set[str] = set()
    for title, path in scenarios:
        lines += [f"## {title}", ""]
        for sql, plan in plans_of(http, path, seen):
            lines += ["```sql", shorten(sql), "```", "", "```", plan, "```", ""]
    text = "\n".join(lines)
    if args.out:
        args.out.write_text(text)
        print(f"written: {args.out}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

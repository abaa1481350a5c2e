"""What one request costs, in CPU, against the seeded benchmark database: the baseline, a one-call
submit, and each of the submit's own steps alone (parse, look up, score-store-audit, render).

The budget "a submit sustains at least 50% of the baseline's requests/s" means a submit may cost
at most twice the baseline: everything a submit does beyond what the baseline does (parse the
body, look up the client and the version, score, write, audit, render) must fit in the cost of
one whole baseline request. This prints that allowance beside what each step costs, so where the
budget stands, and which step would have to give, can be read without the HTTP server and the
load generator. CPU is counted on
both sides of the connection: this process (`time.process_time`) and the PostgreSQL backend
serving it (`/proc/<pid>/stat` of `pg_backend_pid()`; the database must be on this machine).

    python bench/submit_cost.py [--requests 300]      # after `make bench` has seeded the database

Uses BENCH_DATABASE_URL (default as bench/run.py) and the tokens in var/bench/state.json. The
submits it sends are stored like any other, in the benchmark organization.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "var" / "bench" / "state.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/screening_bench"
WARMUP = 30


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="bench-submit-cost",  # noqa: S106 - a throwaway process on a benchmark copy
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def backend_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def measure(step: Callable[[int], None], count: int, backend: int) -> dict[str, float]:
    """Mean CPU ms per call, of this process and of the database backend, after a warm-up."""
    for i in range(WARMUP):
        step(i)
    cpu, ticks = time.process_time(), backend_ticks(backend)
    for i in range(count):
        step(WARMUP + i)
    app = (time.process_time() - cpu) * 1000 / count
    database = (backend_ticks(backend) - ticks) * 1000 / os.sysconf("SC_CLK_TCK") / count
    return {"app_ms": round(app, 2), "database_ms": round(database, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    if not STATE.exists():
        raise SystemExit(
            "No seeded database: run `make bench` first (it writes var/bench/state.json)"
        )
    configure()

    from django.db import connection
    from django.test import Client as HttpClient
    from rest_framework.renderers import JSONRenderer

    from clients.models import Client, Organization, User
    from clients.selectors import client_get
    from screening.api.screening_serializers import ScreeningCreateSerializer, ScreeningSerializer
    from screening.selectors import published_version
    from screening.services.screenings import screening_start

    state = json.loads(STATE.read_text())
    bench = state["orgs"]["bench"]
    clinician = HttpClient(HTTP_AUTHORIZATION=f"Bearer {bench['clinician_token']}")
    integration = HttpClient(HTTP_AUTHORIZATION=f"Bearer {bench['integration_token']}")
    rotation = bench["rotation_clients"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    def baseline(_: int) -> None:
        response = clinician.get("/api/v1/me/")
        assert response.status_code == 200, response.content

    def submit_request(code: str) -> Callable[[int], None]:
        patterns = state["answers"][code]

        def step(i: int) -> None:
            answers = [{"link_id": k, "value": v} for k, v in patterns[i % len(patterns)].items()]
            body = {"client": rotation[i % len(rotation)], "instrument": code}
            body.update(mode="clinician", submit=True, answers=answers)
            response = integration.post(
                "/api/v1/screenings/", body, content_type="application/json"
            )
            assert response.status_code == 201, response.content

        return step

    organization = Organization.objects.get(pk=bench["id"])
    actor = User.objects.get(membership__organization=organization, membership__role="integration")
    clients = list(Client.objects.filter(pk__in=rotation[:200]))

    last: list = [None]  # the screening the service step wrote last, for the render step

    def parts(code: str) -> dict[str, Callable[[int], None]]:
        """The submit's own steps, each alone, as the view runs them (screening/api/)."""
        patterns = state["answers"][code]
        version = published_version(code=code)

        def answers(i: int) -> list[dict[str, object]]:
            return [{"link_id": k, "value": v} for k, v in patterns[i % len(patterns)].items()]

        def parse(i: int) -> None:
            body = {"client": rotation[i % len(rotation)], "instrument": code}
            body.update(mode="clinician", submit=True, answers=answers(i))
            ScreeningCreateSerializer(data=json.loads(json.dumps(body))).is_valid(
                raise_exception=True
            )

        def look_up(i: int) -> None:
            client_get(organization=organization, pk=rotation[i % len(rotation)], details=False)
            published_version(code=code)

        def service(i: int) -> None:
            last[0] = screening_start(
                organization=organization,
                client=clients[i % len(clients)],
                version=version,
                mode="clinician",
                actor=actor,
                answers=answers(i),
                submit=True,
            )

        def render(_: int) -> None:
            JSONRenderer().render(ScreeningSerializer(last[0]).data)

        return {
            "parse and check the body": parse,
            "look up client and version": look_up,
            "screening_start (score, store, audit)": service,
            "render the response": render,
        }

    rows = {"baseline GET /api/v1/me/": measure(baseline, args.requests, backend)}
    for code in ("phq9", "pcl5"):
        rows[f"{code}: whole request"] = measure(submit_request(code), args.requests, backend)
        for name, step in parts(code).items():
            rows[f"{code}: {name}"] = measure(step, args.requests, backend)

    base = rows["baseline GET /api/v1/me/"]
    allowance = base["app_ms"] + base["database_ms"]
    print(f"{'CPU per call (ms)':<50} {'app':>7} {'database':>9} {'total':>7}")
    for name, row in rows.items():
        total = row["app_ms"] + row["database_ms"]
        print(f"{name:<50} {row['app_ms']:>7.2f} {row['database_ms']:>9.2f} {total:>7.2f}")
    print(
        f"\nAt 50% of the baseline's rate, a submit's own steps may cost what the baseline does: "
        f"{allowance:.2f} ms here (in-process, so without the HTTP server's share)."
    )
    for code in ("phq9", "pcl5"):
        whole = rows[f"{code}: whole request"]
        extra = whole["app_ms"] + whole["database_ms"] - allowance
        print(f"{code}: its own steps cost {extra:.2f} ms, {extra / allowance:.1f}x that allowance")
    print("BENCH_JSON " + json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

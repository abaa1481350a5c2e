"""Submit-to-delivery latency: from sending a one-call PHQ-9 submit that raises an urgent flag to
its signed `flag.raised` webhook arriving at a receiver, with one `db_worker` running.

Run by `bench/run.py` against its gunicorn server and seeded PostgreSQL database (after the HTTP
scenarios); on its own:

    python bench/delivery.py --base http://127.0.0.1:PORT --state var/bench/state.json --json

What it does: registers a webhook endpoint of the benchmark organization (through the service)
pointing at a receiver on loopback; drops the backlog the HTTP scenarios queued (their events
had no endpoint to go to); starts one worker (`manage.py db_worker`, its default 1 s idle
poll unless BENCH_WORKER_INTERVAL says otherwise); sends `--count` submits at `--rate` per
second, one at a time, each for a client of the rotation with PHQ-9 item 9 above 0; and times
each submit's send to its delivery's arrival (one clock, this process). Prints p50, p99 and the
rest; `--json` prints them as one JSON line last.

Environment: as bench/run.py's server (DATABASE_URL, SECRET_KEY, ...), plus BENCH_WORKER_INTERVAL.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
# item 9 above 0 and a total of 9: one urgent flag and one review flag per submit.
ANSWERS = [{"link_id": f"phq9-{n}", "value": 1} for n in range(1, 9)] + [
    {"link_id": "phq9-9", "value": 1}
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Receiver:
    """A loopback HTTP server noting when each flag.raised arrives (by flag id)."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self.other = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.monotonic()
                payload = json.loads(body)
                if payload.get("type") == "flag.raised":
                    receiver.arrived.setdefault(payload["data"]["flag"]["id"], now)
                else:
                    receiver.other += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def prepare(url: str) -> dict[str, int]:
    """Register the endpoint and drop the backlog of the HTTP scenarios (in this process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from clients.models import Membership, Organization, Role
    from notifications.services.endpoints import endpoint_create
    from outbox.models import OutboxEvent

    organization = Organization.objects.get(slug="bench")
    actor = Membership.objects.filter(organization=organization, role=Role.CLINICIAN).first()
    endpoint_create(
        organization=organization, actor=actor.user, url=url, event_types=["flag.raised"]
    )
    dropped_tasks, _ = DBTaskResult.objects.filter(status="READY").delete()
    dropped_events = OutboxEvent.objects.filter(dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )
    return {"dropped_tasks": dropped_tasks, "dropped_events": dropped_events}


def submit(base: str, token: str, client: int) -> tuple[float, int | None]:
    body = json.dumps(
        {
            "client": client,
            "instrument": "phq9",
            "mode": "clinician",
            "submit": True,
            "answers": ANSWERS,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback URL given by the caller
        f"{base}/api/v1/screenings/",
        method="POST",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    sent = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        created = json.loads(response.read())
    urgent = [f["id"] for f in created.get("flags", []) if f["severity"] == "urgent"]
    return sent, (urgent[0] if urgent else None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the API server, http://127.0.0.1:PORT")
    parser.add_argument("--state", required=True, help="bench/seed.py's state file")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0, help="submits per second")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    os.environ["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "1"  # the receiver is on loopback
    os.environ["WEBHOOK_REQUIRE_HTTPS"] = "0"
    state = json.loads(Path(args.state).read_text())
    org = state["orgs"]["bench"]
    token, clients = org["integration_token"], org["rotation_clients"]
    interval = os.environ.get("BENCH_WORKER_INTERVAL", "1")

    receiver = Receiver()
    prepared = prepare(receiver.url)
    worker = subprocess.Popen(
        [str(PYTHON), "manage.py", "db_worker", "--no-reload", "--interval", interval],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sent: dict[int, float] = {}
    try:
        time.sleep(2)  # the worker's start-up (and its random start-up delay of up to 1 s)
        started = time.monotonic()
        for n in range(args.count):
            due = started + n / args.rate
            time.sleep(max(0.0, due - time.monotonic()))
            at, flag = submit(args.base, token, clients[n % len(clients)])
            if flag is not None:
                sent[flag] = at
        deadline = time.monotonic() + 60
        while len(set(sent) & set(receiver.arrived)) < len(sent):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        receiver.stop()

    latencies = [(receiver.arrived[f] - sent[f]) * 1000 for f in sent if f in receiver.arrived]
    result = {
        "submits": args.count,
        "rate_per_s": args.rate,
        "worker_interval_s": float(interval),
        "delivered": len(latencies),
        "missing": len(sent) - len(latencies),
        "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "mean_ms": round(sum(latencies) / len(latencies), 1) if latencies else None,
        **prepared,
    }
    print(
        f"submit-to-delivery, one worker (idle poll {interval} s), {args.count} submits at "
        f"{args.rate:g}/s: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
        f"max {result['max_ms']} ms; {result['delivered']} delivered, {result['missing']} missing"
    )
    if args.json:
        print(json.dumps(result))
    return 0 if result["missing"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

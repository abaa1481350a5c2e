"""`make bench`: seed PostgreSQL, serve the API with gunicorn, drive each scenario with wrk.

Each scenario: a warm-up, then a saturated pass (BENCH_CONNECTIONS connections as fast as the
server answers), then a paced pass at 70% of that rate (fixed-rate schedule, see
bench/wrk/scenario.lua), and for the read paths of the scaling budget a pass with one connection
(latency without queueing). Prints one table (requests/s, p50, p99, errors, ratio to the baseline
measured in the same run, the paced rate and its p99, the one-connection p50), the 100k-vs-1k
ratios, the engine micro-benchmark and the budgets; writes it all to
bench/results/<timestamp>.json and bench/results/latest.json, then the query plans to
bench/results/explain.md (bench/explain.py). After the scenarios, with the server still up,
bench/delivery.py measures submit-to-webhook-delivery latency with one worker. See
docs/performance.md.

Configuration (environment):

    BENCH_DATABASE_URL   postgres://postgres@127.0.0.1:5432/screening_bench (dropped, created)
    BENCH_CLIENTS        100000   clients of the benchmark organization (about 3 screenings each)
    BENCH_SMALL_CLIENTS  1000     clients of the small organization (the latency-scaling budget)
    BENCH_DURATION       10       seconds measured per scenario and pass
    BENCH_WARMUP         3        seconds of warm-up before each scenario (not counted)
    BENCH_CONNECTIONS    8        wrk connections (fixed for every scenario)
    BENCH_WORKERS        2*cores+1 gunicorn workers
    BENCH_DEEP_PAGE      500      the client-list page whose cursor the deep scenario reads
    BENCH_WAIT_QUIET     0        seconds, in all, to wait for other work to leave the CPUs idle
                                  before each scenario (on a shared machine)
    BENCH_RETRIES        2        times a scenario is measured again when other work took more
                                  than 10% of the CPU while it ran (reported per scenario)

Options: `--reuse` skips creating and seeding the database (uses the last state file);
`--only a,b` runs only those scenarios (plus the baseline); `--no-paced` skips the 70% pass;
`--no-delivery` skips the delivery latency.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
WORK = ROOT / "var" / "bench"
STATE = WORK / "state.json"
PYTHON = Path(sys.executable)
BIN = PYTHON.parent

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/screening_bench"
PACED_FRACTION = 0.7
PASSES = ("saturated", "paced", "single")
# A scenario during which other work took more than this share of the CPU is measured again.
FOREIGN_MAX = 0.1

# Budgets (docs/performance.md).
SUBMIT_MIN_RATIO = 0.5
P99_MAX_MS = 100.0
SCALING_MAX_RATIO = 1.5
ENGINE_PCL5_MIN = 20_000


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def say(message: str) -> None:
    print(message, flush=True)


def cpu_busy(seconds: float = 3.0) -> float:
    """The fraction of all cores busy over `seconds` (from /proc/stat)."""

    def snapshot() -> tuple[int, int]:
        values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total, idle = snapshot()
    time.sleep(seconds)
    total2, idle2 = snapshot()
    return 1 - (idle2 - idle) / max(1, total2 - total)


def _proc_stat() -> tuple[int, int]:
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return sum(values), sum(values) - values[3] - values[4]  # total, busy (not idle or iowait)


def _process_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, CPU ticks used, command line) for every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), cmdline)
    return table


class CpuMeter:
    """The share of all CPU time that went to other work during a scenario: the machine's busy
    time (/proc/stat) less ours (gunicorn and its workers, the PostgreSQL backends of the
    benchmark database, the wrk runs this process waited for)."""

    def __init__(self, server_pid: int, database: str):
        self.server_pid = server_pid
        self.marker = f" {database} "

    def _ours(self) -> dict[int, int]:
        table = _process_table()
        ours = {self.server_pid}
        grew = True
        while grew:
            grew = False
            for pid, (parent, _, _) in table.items():
                if parent in ours and pid not in ours:
                    ours.add(pid)
                    grew = True
        return {
            pid: ticks
            for pid, (_, ticks, cmdline) in table.items()
            if pid in ours or (cmdline.startswith("postgres:") and self.marker in cmdline)
        }

    def start(self) -> None:
        self.stat = _proc_stat()
        self.ours = self._ours()
        self.children = self._children()

    @staticmethod
    def _children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def foreign_share(self) -> float:
        total, busy = _proc_stat()
        ours_now = self._ours()
        ours = sum(ticks - self.ours.get(pid, 0) for pid, ticks in ours_now.items())
        ours += (self._children() - self.children) * os.sysconf("SC_CLK_TCK")
        foreign = (busy - self.stat[1]) - ours
        return round(max(0.0, foreign / max(1, total - self.stat[0])), 3)


class Quiet:
    """Waits, before each scenario, until the machine is idle (our server is idle between
    scenarios, so what is busy is someone else): at most BENCH_WAIT_QUIET seconds in all."""

    THRESHOLD = 0.15

    def __init__(self, budget: float):
        self.deadline = time.monotonic() + budget

    def wait(self) -> float:
        busy = cpu_busy()
        while busy > self.THRESHOLD and time.monotonic() < self.deadline:
            say(f"  (machine {busy:.0%} busy with other work: waiting for it to settle)")
            time.sleep(20)
            busy = cpu_busy()
        return round(busy, 2)


@dataclass
class Config:
    database_url: str
    clients: int
    small_clients: int
    duration: float
    warmup: float
    connections: int
    workers: int
    deep_page: int
    cores: int
    wait_quiet: float
    retries: int
    keepalive: int
    worker_class: str


@dataclass
class Scenario:
    name: str
    org: str  # "bench" (large) or "bench-small"
    role: str  # whose token: "clinician" or "integration"
    method: str = "GET"
    paths: list[str] = field(default_factory=list)
    content_type: str = ""
    bodies: list[tuple[str, str]] = field(default_factory=list)  # before/after the client id
    clients: list[int] = field(default_factory=list)
    available: bool = True
    note: str = ""
    # Also measured with one connection: latency without queueing, for the 100k-vs-1k budget.
    single: bool = False


# --- Database and server ----------------------------------------------------------------------


def server_env(config: Config) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("AUDIT_SIGNING_KEY_FILE", None)  # the run's own key below; both would be refused
    env.update(
        DATABASE_URL=config.database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        # A server with DEBUG off refuses to start without an audit signing key: a throwaway
        # Ed25519 key (any 32 random bytes are one) for this run.
        AUDIT_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        CONN_MAX_AGE="600",  # persistent for the whole run
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def create_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def seed(config: Config, env: dict[str, str]) -> None:
    say(f"creating {config.database_url} and seeding it")
    started = time.perf_counter()
    create_database(config.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "load_library")
    subprocess.run(
        [
            str(PYTHON),
            str(BENCH / "seed.py"),
            "--clients",
            str(config.clients),
            "--small-clients",
            str(config.small_clients),
            "--state",
            str(STATE),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    say(f"database ready in {time.perf_counter() - started:.0f} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn under production settings on a free loopback port."""

    def __init__(self, config: Config, env: dict[str, str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = BIN / "gunicorn"
        if not gunicorn.exists():
            raise SystemExit("gunicorn is missing: pip install -e '.[bench]' (make bench does)")
        WORK.mkdir(parents=True, exist_ok=True)
        self.log = open(WORK / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(config.workers),
                # sync: a worker accepts a connection only when it is free, so requests spread
                # evenly over the workers (see docs/performance.md, "Server").
                "--worker-class",
                config.worker_class,
                "--keep-alive",
                str(config.keepalive),
                "--backlog",
                "2048",
                "--log-level",
                "warning",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {WORK / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def call(
    base: str, token: str, path: str, method: str = "GET", body: bytes | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - loopback URL built here
        base + path, method=method, data=body, headers={"Authorization": f"Bearer {token}"}
    )
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


# --- Scenarios --------------------------------------------------------------------------------


def api_answers(values: dict[str, Any]) -> str:
    return json.dumps([{"link_id": k, "value": v} for k, v in values.items()])


def submit_bodies(instrument: str, patterns: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (
            '{"client":',
            f',"instrument":"{instrument}","mode":"clinician","submit":true,'
            f'"answers":{api_answers(values)}}}',
        )
        for values in patterns
    ]


def deep_cursor_path(base: str, token: str, page: int) -> tuple[str, int]:
    """Follow `next` links from the first page to `page` (or the last one with a next link)."""
    path = "/api/v1/clients/"
    reached = 1
    while reached < page:
        status, data = call(base, token, path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {data}")
        if not data.get("next"):
            break
        parsed = urllib.parse.urlparse(data["next"])
        path = f"{parsed.path}?{parsed.query}"
        reached += 1
    return path, reached


def fhir_scenario(base: str, state: dict[str, Any]) -> Scenario:
    """POST /fhir/QuestionnaireResponse, if the FHIR interface is wired: the body is a seeded
    PHQ-9 screening as the server itself renders it, re-addressed to each rotation client."""
    org = state["orgs"]["bench"]
    token = org["integration_token"]
    scenario = Scenario(
        "fhir-qr-create",
        "bench",
        "integration",
        method="POST",
        content_type="application/fhir+json",
    )
    status, _ = call(base, token, "/fhir/metadata")
    if status == 404:
        scenario.available = False
        scenario.note = "not available: /fhir/ is not wired in config/urls.py"
        return scenario
    status, page = call(base, token, "/api/v1/screenings/?instrument=phq9&page_size=1")
    screening = page["results"][0]["id"] if status == 200 and page.get("results") else None
    status, resource = call(base, token, f"/fhir/QuestionnaireResponse/{screening}")
    if status != 200 or not isinstance(resource, dict):
        scenario.available = False
        scenario.note = f"not available: GET /fhir/QuestionnaireResponse/{screening} gave {status}"
        return scenario
    for key in ("id", "meta", "identifier", "extension", "text"):
        resource.pop(key, None)
    resource["status"] = "completed"
    resource["subject"] = {"reference": "Patient/__CLIENT__"}
    before, after = json.dumps(resource, separators=(",", ":")).split("__CLIENT__")
    scenario.paths = ["/fhir/QuestionnaireResponse"]
    scenario.bodies = [(before, after)]
    scenario.clients = org["rotation_clients"]
    return scenario


def build_scenarios(config: Config, base: str, state: dict[str, Any]) -> list[Scenario]:
    big, small = state["orgs"]["bench"], state["orgs"]["bench-small"]
    deep_path, deep_page = deep_cursor_path(base, big["clinician_token"], config.deep_page)
    say(f"deep cursor: page {deep_page} of the client list")
    scenarios = [
        Scenario("baseline", "bench", "clinician", paths=["/api/v1/me/"]),
        Scenario(
            "submit-phq9",
            "bench",
            "integration",
            method="POST",
            paths=["/api/v1/screenings/"],
            content_type="application/json",
            bodies=submit_bodies("phq9", state["answers"]["phq9"]),
            clients=big["rotation_clients"],
        ),
        Scenario(
            "submit-pcl5",
            "bench",
            "integration",
            method="POST",
            paths=["/api/v1/screenings/"],
            content_type="application/json",
            bodies=submit_bodies("pcl5", state["answers"]["pcl5"]),
            clients=big["rotation_clients"],
        ),
        fhir_scenario(base, state),
        Scenario("client-list", "bench", "clinician", paths=["/api/v1/clients/"], single=True),
        Scenario(
            "client-list-deep",
            "bench",
            "clinician",
            paths=[deep_path],
            note=f"page {deep_page}",
            single=True,
        ),
        Scenario(
            "timeline",
            "bench",
            "clinician",
            paths=[f"/api/v1/clients/{big['timeline_client']}/timeline/"],
            note="20 screenings",
            single=True,
        ),
        Scenario("flag-inbox", "bench", "clinician", paths=["/api/v1/flags/"], single=True),
        Scenario(
            "client-list@1k", "bench-small", "clinician", paths=["/api/v1/clients/"], single=True
        ),
        Scenario(
            "timeline@1k",
            "bench-small",
            "clinician",
            paths=[f"/api/v1/clients/{small['timeline_client']}/timeline/"],
            note="20 screenings",
            single=True,
        ),
        Scenario(
            "flag-inbox@1k", "bench-small", "clinician", paths=["/api/v1/flags/"], single=True
        ),
    ]
    return scenarios


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def write_script(scenario: Scenario, token: str, rate: float) -> Path:
    template = (BENCH / "wrk" / "scenario.lua").read_text()
    bodies = ", ".join(f"{{{lua_string(a)}, {lua_string(b)}}}" for a, b in scenario.bodies)
    preamble = "\n".join(
        [
            f"METHOD = {lua_string(scenario.method)}",
            f"PATHS = {{{', '.join(lua_string(p) for p in scenario.paths)}}}",
            f"TOKEN = {lua_string(token)}",
            f"CONTENT_TYPE = {lua_string(scenario.content_type)}",
            f"CLIENTS = {{{', '.join(str(c) for c in scenario.clients)}}}",
            f"BODIES = {{{bodies}}}",
            f"RATE = {rate:.3f}",
            "THREADS = 1",
            "",
        ]
    )
    path = WORK / "lua" / f"{scenario.name.replace('@', '-at-')}.lua"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(preamble + template)
    path.chmod(0o600)  # it holds a bearer token of the throwaway database
    return path


def wrk(base: str, script: Path, connections: int, seconds: float) -> dict[str, Any]:
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
        "--script",
        str(script),
        base + "/",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no BENCH_JSON line:\n{output}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_run, 2),
        "rps": round(raw["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "p999_ms": round(raw["p999_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "non2xx": raw["non2xx"],
        "socket_errors": raw["socket_errors"],
        "errors": raw["non2xx"] + raw["socket_errors"],
        "first_error": raw["first_error"],
    }


def run_scenario(
    config: Config,
    base: str,
    state: dict[str, Any],
    scenario: Scenario,
    paced: bool,
    quiet: Quiet,
    meter: CpuMeter,
) -> dict[str, Any]:
    token = state["orgs"][scenario.org][f"{scenario.role}_token"]
    result: dict[str, Any] = {
        "scenario": scenario.name,
        "org": scenario.org,
        "method": scenario.method,
        "path": scenario.paths[0].split("?")[0] if scenario.paths else "",
        "note": scenario.note,
        "available": scenario.available,
    }
    if not scenario.available:
        return result
    script = write_script(scenario, token, 0)
    for attempt in range(1, config.retries + 2):
        result["attempt"] = attempt
        result["cpu_busy_before"] = quiet.wait()
        result["load_before"] = loadavg()
        if config.warmup > 0:
            wrk(base, script, config.connections, config.warmup)
        meter.start()
        result["saturated"] = wrk(base, script, config.connections, config.duration)
        if scenario.single:
            result["single"] = wrk(base, script, 1, config.duration)
        if paced:
            rate = PACED_FRACTION * result["saturated"]["rps"]
            result["paced_target_rps"] = round(rate, 1)
            paced_script = write_script(scenario, token, rate)
            result["paced"] = wrk(base, paced_script, config.connections, config.duration)
        result["foreign_cpu_share"] = meter.foreign_share()
        result["load_after"] = loadavg()
        if result["foreign_cpu_share"] <= FOREIGN_MAX or attempt > config.retries:
            break
        say(
            f"  ({scenario.name}: other work took {result['foreign_cpu_share']:.0%} of the CPU "
            "meanwhile: measuring again)"
        )
    saturated = result["saturated"]
    line = (
        f"  {scenario.name:<17} {saturated['rps']:>8.1f}/s  p50 {saturated['p50_ms']:>7.1f} ms"
        f"  p99 {saturated['p99_ms']:>7.1f} ms  errors {saturated['errors']}"
    )
    if paced:
        line += f"  | at {result['paced']['rps']:.0f}/s p99 {result['paced']['p99_ms']:.1f} ms"
    if scenario.single:
        line += f"  | 1 conn p50 {result['single']['p50_ms']:.1f} ms"
    line += f"  | others {result['foreign_cpu_share']:.0%} CPU"
    say(line)
    if saturated["first_error"]:
        say(f"    first error: {saturated['first_error'][:200]}")
    return result


# --- Engine, budgets, report ------------------------------------------------------------------


def delivery_figures(base: str, env: dict[str, str]) -> dict[str, Any]:
    """Submit-to-delivery latency with one db_worker (bench/delivery.py)."""
    say("submit-to-delivery latency: one worker, a webhook receiver on loopback")
    output = subprocess.run(
        [str(PYTHON), str(BENCH / "delivery.py"), "--base", base, "--state", str(STATE), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if not output.stdout.strip():
        say(f"    bench/delivery.py failed: {output.stderr.strip()[-500:]}")
        return {}
    return json.loads(output.stdout.strip().splitlines()[-1])


def engine_figures() -> dict[str, Any]:
    output = subprocess.run(
        [str(PYTHON), str(BENCH / "engine_bench.py"), "--json", "--seconds", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def budgets(results: list[dict[str, Any]], engine: dict[str, Any]) -> list[dict[str, Any]]:
    by_name = {r["scenario"]: r for r in results if r.get("saturated")}
    checks = []
    baseline = by_name.get("baseline", {}).get("saturated", {}).get("rps")
    for name in ("submit-phq9", "submit-pcl5"):
        if name in by_name and baseline:
            ratio = by_name[name]["saturated"]["rps"] / baseline
            checks.append(
                {
                    "budget": f"{name} requests/s >= {SUBMIT_MIN_RATIO:.0%} of baseline",
                    "value": f"{ratio:.0%}",
                    "holds": ratio >= SUBMIT_MIN_RATIO,
                }
            )
    for name, result in by_name.items():
        if "paced" in result:
            p99 = result["paced"]["p99_ms"]
            checks.append(
                {
                    "budget": f"{name} p99 < {P99_MAX_MS:.0f} ms at 70% of saturation",
                    "value": f"{p99:.1f} ms at {result['paced']['rps']:.0f}/s",
                    "holds": p99 < P99_MAX_MS,
                }
            )
    errors = sum(r[k]["errors"] for r in by_name.values() for k in PASSES if k in r)
    checks.append({"budget": "no errors under load", "value": str(errors), "holds": errors == 0})
    for large, small in (
        ("client-list", "client-list@1k"),
        ("flag-inbox", "flag-inbox@1k"),
        ("timeline", "timeline@1k"),
    ):
        if large in by_name and small in by_name and "single" in by_name[large]:
            big_p50 = by_name[large]["single"]["p50_ms"]
            small_p50 = by_name[small]["single"]["p50_ms"]
            ratio = big_p50 / small_p50
            checks.append(
                {
                    "budget": f"{large} p50 (1 connection) at 100k within {SCALING_MAX_RATIO}x "
                    "of 1k",
                    "value": f"{ratio:.2f}x ({big_p50:.1f} vs {small_p50:.1f} ms)",
                    "holds": ratio <= SCALING_MAX_RATIO,
                }
            )
    pcl5 = engine["instruments"].get("pcl5", {}).get("overall_per_s")
    if pcl5 is not None:
        checks.append(
            {
                "budget": f"engine >= {ENGINE_PCL5_MIN:,} PCL-5 scorings/s on one core",
                "value": f"{pcl5:,}/s",
                "holds": pcl5 >= ENGINE_PCL5_MIN,
            }
        )
    return checks


def table(results: list[dict[str, Any]]) -> str:
    baseline = next(
        (
            r["saturated"]["rps"]
            for r in results
            if r["scenario"] == "baseline" and "saturated" in r
        ),
        None,
    )
    head = (
        f"{'scenario':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'vs base':>8} {'paced/s':>8} {'p99@70%':>8} {'p50@1c':>7}  note"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        if "saturated" not in r:
            lines.append(f"{r['scenario']:<18} {'not available':>42}  {r['note']}")
            continue
        s = r["saturated"]
        ratio = f"{s['rps'] / baseline:.2f}" if baseline else "-"
        paced = r.get("paced")
        single = r.get("single")
        errors = sum(r[k]["errors"] for k in PASSES if k in r)
        lines.append(
            f"{r['scenario']:<18} {s['rps']:>8.1f} {s['p50_ms']:>8.1f} {s['p99_ms']:>8.1f} "
            f"{errors:>7} {ratio:>8} {paced['rps'] if paced else 0:>8.1f} "
            f"{paced['p99_ms'] if paced else 0:>8.1f} "
            f"{format(single['p50_ms'], '7.1f') if single else '      -'}  {r['note']}"
        )
    return "\n".join(lines)


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--no-paced", action="store_true", help="skip the 70%% pass")
    parser.add_argument("--no-engine", action="store_true", help="skip the engine benchmark")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results")
    parser.add_argument("--no-delivery", action="store_true", help="skip the delivery latency")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        say("wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk")
        say("(macOS: brew install wrk). Then run `make bench` again.")
        return 2
    cores = os.cpu_count() or 1
    config = Config(
        database_url=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL,
        clients=env_int("BENCH_CLIENTS", 100_000),
        small_clients=env_int("BENCH_SMALL_CLIENTS", 1_000),
        duration=env_float("BENCH_DURATION", 10),
        warmup=env_float("BENCH_WARMUP", 3),
        connections=env_int("BENCH_CONNECTIONS", 8),
        workers=env_int("BENCH_WORKERS", 2 * cores + 1),
        deep_page=env_int("BENCH_DEEP_PAGE", 500),
        cores=cores,
        wait_quiet=env_float("BENCH_WAIT_QUIET", 0),
        retries=env_int("BENCH_RETRIES", 2),
        keepalive=env_int("BENCH_KEEPALIVE", 0),
        worker_class=os.environ.get("BENCH_WORKER_CLASS") or "sync",
    )
    load_start = loadavg()
    say(f"load average at start: {' '.join(f'{x:.2f}' for x in load_start)} ({cores} cores)")
    env = server_env(config)
    if args.reuse and STATE.exists():
        say(f"reusing the seeded database ({STATE})")
    else:
        seed(config, env)
    state = json.loads(STATE.read_text())

    say(
        f"gunicorn: {config.workers} {config.worker_class} workers, keep-alive {config.keepalive} s"
    )
    quiet = Quiet(config.wait_quiet)
    server = Server(config, env)
    meter = CpuMeter(server.process.pid, urllib.parse.urlparse(config.database_url).path[1:])
    try:
        scenarios = build_scenarios(config, server.base, state)
        if args.only:
            wanted = {"baseline", *args.only.split(",")}
            scenarios = [s for s in scenarios if s.name in wanted]
        say(
            f"wrk: {config.connections} connections, {config.warmup:g} s warm-up, "
            f"{config.duration:g} s measured per pass"
        )
        quiet.wait()
        load_measure = loadavg()
        say(f"load average when measuring starts: {' '.join(f'{x:.2f}' for x in load_measure)}")
        results = [
            run_scenario(config, server.base, state, scenario, not args.no_paced, quiet, meter)
            for scenario in scenarios
        ]
        delivery = {} if args.no_delivery else delivery_figures(server.base, env)
    finally:
        server.stop()
    if not args.no_engine:
        quiet.wait()
    engine = {"instruments": {}} if args.no_engine else engine_figures()
    checks = budgets(results, engine)
    load_end = loadavg()

    say("")
    say(table(results))
    if engine["instruments"]:
        say("")
        say(
            "engine (one process, scorings/s): "
            + ", ".join(
                f"{name} {figure['overall_per_s']:,}"
                for name, figure in engine["instruments"].items()
                if name in ("phq9", "pcl5", "hisi", "gad7")
            )
        )
    if delivery.get("p50_ms") is not None:
        say("")
        say(
            f"submit-to-delivery (one worker, idle poll {delivery['worker_interval_s']:g} s, "
            f"{delivery['submits']} submits at {delivery['rate_per_s']:g}/s): "
            f"p50 {delivery['p50_ms']:.1f} ms, p99 {delivery['p99_ms']:.1f} ms, "
            f"max {delivery['max_ms']:.1f} ms, {delivery['missing']} missing"
        )
    say("")
    for check in checks:
        say(f"  [{'ok' if check['holds'] else 'MISSED'}] {check['budget']}: {check['value']}")
    say("")
    say(
        f"load average: {' '.join(f'{x:.2f}' for x in load_start)} at start, "
        f"{' '.join(f'{x:.2f}' for x in load_measure)} when measuring began, "
        f"{' '.join(f'{x:.2f}' for x in load_end)} at end"
    )

    if not args.no_write:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        report = {
            "timestamp": stamp,
            "commit": git_commit(),
            "config": {k: v for k, v in asdict(config).items() if k != "database_url"},
            "load_average": {"start": load_start, "measuring": load_measure, "end": load_end},
            "seed": {
                slug: info["counts"] | {"seconds": state.get("seconds")}
                for slug, info in state["orgs"].items()
            },
            "scenarios": results,
            "engine": engine,
            "delivery": delivery,
            "budgets": checks,
            "table": table(results),
        }
        RESULTS.mkdir(exist_ok=True)
        text = json.dumps(report, indent=2) + "\n"
        (RESULTS / f"{stamp}.json").write_text(text)
        (RESULTS / "latest.json").write_text(text)
        say(f"written: bench/results/{stamp}.json and bench/results/latest.json")
        subprocess.run(
            [
                str(PYTHON),
                str(BENCH / "explain.py"),
                "--out",
                str(RESULTS / "explain.md"),
                "--deep-page",
                str(config.deep_page),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Seed the benchmark database: organizations, members, tokens, clients and their history.

Run by `bench/run.py` (after `migrate` and `load_library`) with DATABASE_URL pointing at a fresh
database; prints nothing but a summary and writes the state file the load generator reads.

Fast by construction: every bulk table is written with PostgreSQL `COPY` through psycopg 3, ids
assigned here, sequences moved on afterwards. The scores and flags are real engine output: a
handful of answer patterns per instrument is scored once with `screening.engine` and each stored
screening reuses one of them (its result, scale scores and flags exactly as `_submit` would store
them). Organizations, members and tokens go through the services, so their audit rows are real;
the seeded history gets audit rows too (one per client created, one per screening completed),
chained with the same digest as `audit_record`, so the trail is as long as it would be.

    DATABASE_URL=postgres://... python bench/seed.py --clients 100000 --small-clients 1000 \
        --state var/bench/state.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from clients.models import (  # noqa: E402
    AuditEvent,
    Client,
    ClientIdentifier,
    Organization,
    Role,
    User,
)
from clients.models.audit import AuditAction  # noqa: E402

try:  # the trail's client index (clients migration 0003), where this tree has it
    from clients.models.audit import AuditEventClient
except ImportError:  # pragma: no cover - older trees
    AuditEventClient = None
from clients.services.members import organization_create, user_create  # noqa: E402
from clients.services.tokens import token_issue  # noqa: E402
from screening import engine  # noqa: E402
from screening.compiled import compiled_version  # noqa: E402
from screening.models import (  # noqa: E402
    SEVERITY_RANK,
    Flag,
    FlagReview,
    FlagStatus,
    InstrumentVersion,
    ScaleScore,
    Screening,
    ScreeningResult,
    ScreeningStatus,
    VersionStatus,
)
from screening.selectors import condition_names  # noqa: E402

# How often each instrument is given; about three screenings per client on average.
INSTRUMENT_MIX = {"phq9": 0.35, "gad7": 0.30, "pcl5": 0.20, "hisi": 0.15}
SCREENINGS_PER_CLIENT = (2, 3, 4)
# Answer levels (0 = lowest option, 1 = highest) and how often each is drawn: most screenings
# come out low and raise no flag; about a quarter raise one or more.
LEVELS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95)
LEVEL_WEIGHTS = (20, 18, 15, 10, 9, 7, 5, 4, 3, 3, 3, 3)
HISTORY_DAYS = 730
MRN_SYSTEM = "https://ehr.bench.example/mrn"
TIMELINE_SCREENINGS = 20
ROTATION_CLIENTS = 5000  # clients the write scenarios rotate across
REVIEW_NOTE = "Reviewed with the client at the follow-up session."


@dataclass
class Pattern:
    """One answer set scored by the engine, stored as `_submit` stores it."""

    code: str
    version_id: int
    checksum: str
    weight: int
    answers: dict[str, Any]
    answers_json: str
    complete: bool
    scales_json: str
    scores: list[tuple[str, Decimal | None, str, bool]]
    flags: list[dict[str, Any]]


@dataclass
class Ids:
    """Next id per table: this script assigns them, so rows can point at each other."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, model, count: int = 1) -> int:
        table = model._meta.db_table
        if table not in self.next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
                self.next[table] = cursor.fetchone()[0]
        first = self.next[table]
        self.next[table] = first + count
        return first


def columns_of(model, attnames: list[str]) -> list[str]:
    """The column names for `attnames`, refusing to run if the model has fields this script
    does not fill (so a model change fails here, loudly, rather than seeding wrong rows)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    missing = set(fields) - set(attnames)
    unknown = set(attnames) - set(fields)
    if missing or unknown:
        raise SystemExit(
            f"bench/seed.py is out of date for {model.__name__}: "
            f"fields not filled {sorted(missing)}, unknown {sorted(unknown)}"
        )
    return [fields[name].column for name in attnames]


def copy_rows(model, attnames: list[str], rows) -> int:
    columns = columns_of(model, attnames)
    table = model._meta.db_table
    count = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    if os.environ.get("BENCH_SEED_VERBOSE"):
        print(f"  {table}: {count:,} rows in {time.perf_counter() - started:.1f} s")
    return count


# --- Patterns ---------------------------------------------------------------------------------


def _answers_at(compiled, level: float, rng: random.Random) -> dict[str, Any]:
    """Answers whose values sit around `level` (0 = lowest option, 1 = highest)."""
    answers: dict[str, Any] = {}
    for item in compiled.items:
        if item.type == "boolean":
            answers[item.link_id] = rng.random() < level
            continue
        values = sorted(option.value for option in item.options)
        position = level * (len(values) - 1) + rng.uniform(-0.8, 0.8)
        answers[item.link_id] = values[max(0, min(len(values) - 1, round(position)))]
    for link_id in engine.score(compiled, answers).disabled_items:
        answers.pop(link_id, None)
    return answers


def build_patterns(rng: random.Random) -> dict[str, list[Pattern]]:
    patterns: dict[str, list[Pattern]] = {}
    for code in INSTRUMENT_MIX:
        version = (
            InstrumentVersion.objects.filter(instrument__code=code, status=VersionStatus.PUBLISHED)
            .order_by("-published_at", "-id")
            .first()
        )
        if version is None:
            raise SystemExit(f"No published {code}: run load_library first.")
        compiled = compiled_version(version)
        found = []
        for n, (level, weight) in enumerate(zip(LEVELS, LEVEL_WEIGHTS, strict=True)):
            answers = _answers_at(compiled, level, rng)
            if code == "phq9" and n in (3, 9):
                answers["phq9-9"] = 1  # the critical item: an urgent flag whatever the total
            if engine.check_answers(compiled, answers, for_submit=True):
                continue
            scored = engine.score(compiled, answers).to_dict()
            names = condition_names({flag["condition"] for flag in scored["flags"]})
            found.append(
                Pattern(
                    code=code,
                    version_id=version.pk,
                    checksum=version.checksum,
                    weight=weight,
                    answers=answers,
                    answers_json=json.dumps(answers),
                    complete=scored["complete"],
                    scales_json=json.dumps(scored["scales"]),
                    scores=[
                        (
                            scale_id,
                            None if scale["score"] is None else Decimal(str(scale["score"])),
                            (scale["band"] or {}).get("code", ""),
                            scale["complete"],
                        )
                        for scale_id, scale in scored["scales"].items()
                    ],
                    flags=[
                        {
                            "rule_id": flag["rule_id"],
                            "condition_code": flag["condition"],
                            "condition_name": names.get(flag["condition"], flag["condition"]),
                            "severity": flag["severity"],
                            "severity_rank": SEVERITY_RANK[flag["severity"]],
                            "message": flag["message"],
                            "evidence": json.dumps(flag["evidence"]),
                            "follow_up_instrument": flag["follow_up"] or "",
                            "follow_up_note": flag["follow_up_note"] or "",
                            "rule_source": flag["source"] or "",
                        }
                        for flag in scored["flags"]
                    ],
                )
            )
        if not found:
            raise SystemExit(f"No valid answer pattern for {code}.")
        patterns[code] = found
    return patterns


# --- Organizations ----------------------------------------------------------------------------


@dataclass
class Org:
    organization: Organization
    clinician: User
    integration: User
    clinician_token: str = ""
    integration_token: str = ""


def create_org(slug: str, name: str) -> Org:
    organization = organization_create(slug=slug, name=name, actor=None)
    clinician = user_create(
        username=f"{slug}-clinician",
        role=Role.CLINICIAN,
        organization=organization,
        password=None,
        actor=None,
    )
    integration = user_create(
        username=f"{slug}-ehr",
        role=Role.INTEGRATION,
        organization=organization,
        password=None,
        actor=None,
    )
    return Org(organization=organization, clinician=clinician, integration=integration)


def issue_tokens(org: Org) -> None:
    _, org.clinician_token = token_issue(user=org.clinician, actor=None, name="bench", days=7)
    _, org.integration_token = token_issue(user=org.integration, actor=None, name="bench", days=7)


# --- History ----------------------------------------------------------------------------------

CLIENT_FIELDS = [
    "id",
    "organization_id",
    "given_name",
    "family_name",
    "birth_date",
    "administrative_sex",
    "pronouns",
    "active",
    "created_at",
    "updated_at",
]
IDENTIFIER_FIELDS = ["id", "client_id", "organization_id", "system", "value"]
SCREENING_FIELDS = [
    "id",
    "organization_id",
    "client_id",
    "instrument_version_id",
    "mode",
    "status",
    "answers",
    "revision",
    "supersedes_id",
    "status_reason",
    "source_identifier",
    "created_by_id",
    "created_at",
    "updated_at",
    "submitted_at",
    "submitted_by_id",
]
RESULT_FIELDS = [
    "id",
    "screening_id",
    "is_current",
    "scored_at",
    "instrument_checksum",
    "complete",
    "scales",
    "reason",
]
SCORE_FIELDS = [
    "id",
    "result_id",
    "screening_id",
    "client_id",
    "organization_id",
    "instrument_code",
    "scale_id",
    "score",
    "band_code",
    "complete",
    "scored_at",
]
FLAG_FIELDS = [
    "id",
    "organization_id",
    "client_id",
    "screening_id",
    "result_id",
    "rule_id",
    "condition_code",
    "condition_name",
    "severity",
    "severity_rank",
    "message",
    "evidence",
    "follow_up_instrument",
    "follow_up_note",
    "rule_source",
    "status",
    "follow_up_screening_id",
    "created_at",
    "updated_at",
]
REVIEW_FIELDS = ["id", "flag_id", "reviewer_id", "status", "note", "created_at"]
AUDIT_FIELDS = [
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "client_ids",
    "request_id",
    "ip",
    "user_agent",
    "outcome",
    "detail",
    "credential",
]

GIVEN = "Ana Ben Chloe Dev Eli Fatima Gus Hana Ivan Jin Kofi Lena Mateo Nia Omar Priya Quinn Rosa "
GIVEN += "Sami Tara Uma Vik Wen Xavi Yara Zoe"
FAMILY = "Silva Okafor Novak Haddad Tanaka Murphy Kowalski Nguyen Rossi Mensah Ortiz Larsen "
FAMILY += "Schmidt Kaur Ivanova Moreau Costa Chen Dubois Ahmed Berg Santos Yilmaz Walsh"


@dataclass
class Seeded:
    client_ids: list[int]
    timeline_client_id: int
    counts: dict[str, int]


def seed_history(
    org: Org,
    n_clients: int,
    patterns: dict[str, list[Pattern]],
    ids: Ids,
    rng: random.Random,
    now: datetime,
) -> Seeded:
    organization = org.organization
    clinician = org.clinician
    given, family = GIVEN.split(), FAMILY.split()
    sexes = ["female", "male", "other", "unknown", ""]

    # Clients: ids increase with creation time, as they do in a live system.
    first_client = ids.take(Client, n_clients)
    ages = sorted((rng.uniform(1, HISTORY_DAYS) for _ in range(n_clients)), reverse=True)
    client_rows = []
    client_created = []
    for n, age_days in enumerate(ages):
        created = now - timedelta(days=age_days)
        client_created.append(created)
        client_rows.append(
            (
                first_client + n,
                organization.pk,
                rng.choice(given),
                rng.choice(family),
                datetime(1940, 1, 1).date() + timedelta(days=rng.randrange(0, 365 * 65)),
                rng.choice(sexes),
                "",
                rng.random() > 0.03,
                created,
                created,
            )
        )
    client_ids = [row[0] for row in client_rows]
    counts = {"clients": copy_rows(Client, CLIENT_FIELDS, client_rows)}

    first_identifier = ids.take(ClientIdentifier, n_clients)
    counts["identifiers"] = copy_rows(
        ClientIdentifier,
        IDENTIFIER_FIELDS,
        (
            (first_identifier + n, cid, organization.pk, MRN_SYSTEM, f"{organization.slug}-{n:08d}")
            for n, cid in enumerate(client_ids)
        ),
    )
    through = Client.care_team.through
    team = [cid for cid in client_ids if rng.random() < 0.3]
    first_team = ids.take(through, len(team))
    counts["care_team"] = copy_rows(
        through,
        ["id", "client_id", "user_id"],
        ((first_team + n, cid, clinician.pk) for n, cid in enumerate(team)),
    )

    # Screenings: two to four per client after they were created; one client gets twenty.
    codes = list(INSTRUMENT_MIX)
    weights = list(INSTRUMENT_MIX.values())
    timeline_client = client_ids[len(client_ids) // 2]
    plan = []  # (created_at, client_id, pattern)
    for cid, created in zip(client_ids, client_created, strict=True):
        k = TIMELINE_SCREENINGS if cid == timeline_client else rng.choice(SCREENINGS_PER_CLIENT)
        span = (now - created).total_seconds()
        for _ in range(k):
            when = created + timedelta(seconds=rng.uniform(60, max(span - 60, 61)))
            code = rng.choices(codes, weights)[0]
            found = patterns[code]
            plan.append((when, cid, rng.choices(found, [p.weight for p in found])[0]))
    plan.sort(key=lambda entry: entry[0])
    active = {row[0] for row in client_rows if row[7]}

    first_screening = ids.take(Screening, len(plan))
    first_result = ids.take(ScreeningResult, len(plan))
    screening_rows, result_rows, score_rows, flag_rows, review_rows = [], [], [], [], []
    audit_plan = [
        (created, "create", "client", cid, cid, {})
        for cid, created in zip(client_ids, client_created, strict=True)
    ]
    score_id = ids.take(ScaleScore, 0)
    flag_id = ids.take(Flag, 0)
    review_id = ids.take(FlagReview, 0)
    recent = now - timedelta(days=14)
    for n, (when, cid, pattern) in enumerate(plan):
        sid, rid = first_screening + n, first_result + n
        submitted = when + timedelta(minutes=rng.uniform(3, 15))
        screening_rows.append(
            (
                sid,
                organization.pk,
                cid,
                pattern.version_id,
                "clinician",
                ScreeningStatus.COMPLETED,
                pattern.answers_json,
                1,
                None,
                "",
                "",
                clinician.pk,
                when,
                submitted,
                submitted,
                clinician.pk,
            )
        )
        result_rows.append(
            (rid, sid, True, submitted, pattern.checksum, pattern.complete, pattern.scales_json, "")
        )
        for scale_id, score, band, complete in pattern.scores:
            score_rows.append(
                (
                    score_id,
                    rid,
                    sid,
                    cid,
                    organization.pk,
                    pattern.code,
                    scale_id,
                    score,
                    band,
                    complete,
                    submitted,
                )
            )
            score_id += 1
        for flag in pattern.flags:
            status = FlagStatus.OPEN
            if submitted < recent and rng.random() < 0.85:
                status = FlagStatus.ACKNOWLEDGED if rng.random() < 0.6 else FlagStatus.DISMISSED
                reviewed = submitted + timedelta(days=rng.uniform(0.1, 7))
                review_rows.append(
                    (review_id, flag_id, clinician.pk, status, REVIEW_NOTE, reviewed)
                )
                review_id += 1
            flag_rows.append(
                (
                    flag_id,
                    organization.pk,
                    cid,
                    sid,
                    rid,
                    flag["rule_id"],
                    flag["condition_code"],
                    flag["condition_name"],
                    flag["severity"],
                    flag["severity_rank"],
                    flag["message"],
                    flag["evidence"],
                    flag["follow_up_instrument"],
                    flag["follow_up_note"],
                    flag["rule_source"],
                    status,
                    None,
                    submitted,
                    submitted,
                )
            )
            flag_id += 1
        audit_plan.append(
            (
                submitted,
                "update",
                "screening",
                sid,
                cid,
                {"status": "completed", "flags": [f["rule_id"] for f in pattern.flags]},
            )
        )
    ids.next[ScaleScore._meta.db_table] = score_id
    ids.next[Flag._meta.db_table] = flag_id
    ids.next[FlagReview._meta.db_table] = review_id
    counts["screenings"] = copy_rows(Screening, SCREENING_FIELDS, screening_rows)
    counts["results"] = copy_rows(ScreeningResult, RESULT_FIELDS, result_rows)
    counts["scale_scores"] = copy_rows(ScaleScore, SCORE_FIELDS, score_rows)
    counts["flags"] = copy_rows(Flag, FLAG_FIELDS, flag_rows)
    counts["flag_reviews"] = copy_rows(FlagReview, REVIEW_FIELDS, review_rows)
    counts.update(seed_audit(org, audit_plan, ids))
    rotation = [cid for cid in client_ids if cid in active and cid != timeline_client]
    rng.shuffle(rotation)
    return Seeded(
        client_ids=rotation[:ROTATION_CLIENTS], timeline_client_id=timeline_client, counts=counts
    )


def seed_audit(org: Org, plan: list[tuple], ids: Ids) -> dict[str, int]:
    """The audit rows the seeded history would have left, in time order, as `audit_record`
    writes them: unsealed, as every event is until the sealer runs (`manage.py seal_audit`)."""
    organization, actor = org.organization, org.clinician
    plan.sort(key=lambda entry: entry[0])
    first = ids.take(AuditEvent, len(plan))
    events, links = [], []
    for n, (when, action, object_type, object_id, client_id, detail) in enumerate(plan):
        events.append(
            (
                first + n,
                when,
                actor.pk,
                actor.username,
                organization.pk,
                str(AuditAction(action)),
                object_type,
                str(object_id),
                json.dumps([client_id]),
                f"bench-seed-{first + n}",
                "127.0.0.1",
                "bench/seed.py",
                "success",
                json.dumps(detail),
                "session",
            )
        )
        links.append((first + n, client_id))
    counts = {"audit_events": copy_rows(AuditEvent, AUDIT_FIELDS, events)}
    if AuditEventClient is None:
        return counts
    first_link = ids.take(AuditEventClient, len(links))
    counts["audit_event_clients"] = copy_rows(
        AuditEventClient,
        ["id", "event_id", "client_id"],
        ((first_link + n, event_id, cid) for n, (event_id, cid) in enumerate(links)),
    )
    return counts


def reset_sequences(ids: Ids) -> None:
    with connection.cursor() as cursor:
        for table, next_id in ids.next.items():
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, next_id]
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--small-clients", type=int, default=1_000)
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark seeds PostgreSQL only (set DATABASE_URL).")
    if Organization.objects.filter(slug="bench").exists():
        raise SystemExit("The database is already seeded; run.py creates it fresh.")
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    started = time.perf_counter()
    patterns = build_patterns(rng)
    ids = Ids()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The rows are consistent by construction: skip the per-row foreign-key triggers
            # for this transaction (a superuser setting; the benchmark database is throwaway).
            cursor.execute("SET LOCAL session_replication_role = replica")
        big, small = create_org("bench", "Bench Clinic"), create_org("bench-small", "Small Clinic")
        seeded = {
            "bench": seed_history(big, args.clients, patterns, ids, rng, now),
            "bench-small": seed_history(small, args.small_clients, patterns, ids, rng, now),
        }
        reset_sequences(ids)
        # Tokens last: their audit rows extend the seeded chains.
        issue_tokens(big)
        issue_tokens(small)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    state = {
        "seeded_at": now.isoformat(),
        "seconds": round(elapsed, 1),
        "patterns": {code: len(found) for code, found in patterns.items()},
        "answers": {code: [p.answers for p in found] for code, found in patterns.items()},
        "orgs": {
            slug: {
                "id": org.organization.pk,
                "clinician_token": org.clinician_token,
                "integration_token": org.integration_token,
                "rotation_clients": seeded[slug].client_ids,
                "timeline_client": seeded[slug].timeline_client_id,
                "counts": seeded[slug].counts,
            }
            for slug, org in (("bench", big), ("bench-small", small))
        },
    }
    args.state.parent.mkdir(parents=True, exist_ok=True)
    args.state.write_text(json.dumps(state))
    args.state.chmod(0o600)
    for slug, info in state["orgs"].items():
        rows = ", ".join(f"{name} {count:,}" for name, count in info["counts"].items())
        print(f"seeded {slug}: {rows}")
    print(f"seeded in {elapsed:.1f} s (plus VACUUM ANALYZE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

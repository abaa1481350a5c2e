#!/usr/bin/env bash
# Property-based API testing with Schemathesis against a live server and the served OpenAPI
# schema (/api/schema/): every operation, a fixed seed, a bounded number of examples. Fails on any
# 5xx, any response that does not match its schema, any undocumented status code or content type,
# or when no operation was tested.
#
# The server runs on a free loopback port over a throwaway database: a temporary SQLite file, or
# DATABASE_URL when set (CI passes its fresh PostgreSQL database). It is migrated, loaded with the
# instrument library and the demo organization, and given a few records to aim at. Three passes,
# one per kind of caller: a clinician (every operation), the org admin (credentials, the audit
# trail, webhooks and the safety settings) and the instrument admin (the library's changes).
#
#   bash .ci/schemathesis.sh            # SCHEMATHESIS_EXAMPLES=25 SCHEMATHESIS_SEED=20261122
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
ST=.venv/bin/schemathesis
SEED="${SCHEMATHESIS_SEED:-20261122}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-25}"
WORK="$(mktemp -d)"
SERVER_PID=""

cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ ! -x "$ST" ]]; then
    echo "schemathesis is not installed: make install (the dev extra has it)" >&2
    exit 1
fi

export SECRET_KEY="schemathesis-$(date +%s)-$RANDOM$RANDOM"
export DEBUG=0 SECURE_SSL_REDIRECT=0 LOG_LEVEL=WARNING
export ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL="${DATABASE_URL:-sqlite:///$WORK/db.sqlite3}"
# The run makes thousands of requests from one address: the limits under test elsewhere
# (tests/security/test_logins.py) would otherwise turn most of them into 429s.
export THROTTLE_RATE_TOKENS=100000/hour BEARER_FAILURE_LIMIT=100000

# A server with DEBUG off refuses to start without its audit signing key (docs/security.md): a
# throwaway key for this run, made before any command reads AUDIT_SIGNING_KEY_FILE.
unset AUDIT_SIGNING_KEY AUDIT_SIGNING_KEY_FILE
$PY manage.py audit_keygen "$WORK/audit-signing.key" >/dev/null
export AUDIT_SIGNING_KEY_FILE="$WORK/audit-signing.key"

echo "database: ${DATABASE_URL%%://*}"
$PY manage.py migrate --no-input -v0
$PY manage.py load_library >/dev/null
$PY manage.py seed_demo >/dev/null

# Tokens for the three callers, and records for the operations that take ids.
$PY manage.py shell --verbosity 0 -c '
from clients.models import Client, Organization, User
from clients.services.clients import client_create
from clients.services.tokens import token_issue
from screening.models import InstrumentVersion
from screening.services.screenings import screening_start
from django.db import transaction
from notifications.models import Channel
from notifications.services.deliveries import deliveries_create
from notifications.services.endpoints import endpoint_create
from outbox.models import OutboxEvent

org = Organization.objects.get(slug="demo")
clinician = User.objects.get(username="demo-clinician")
def token(name):
    return token_issue(user=User.objects.get(username=name), actor=None, name="schemathesis")
client = client_create(organization=org, actor=clinician, data={
    "given_name": "Sam", "family_name": "Example", "birth_date": "1980-01-01"})
phq9 = InstrumentVersion.objects.get(instrument__code="phq9", status="published")
answers = [{"link_id": f"phq9-{n}", "value": 1} for n in range(1, 10)]
def screening(submit):
    return screening_start(organization=org, client=client, version=phq9, mode="clinician",
                           actor=clinician, answers=answers if submit else [], submit=submit)
open_screening, completed = screening(False), screening(True)
webhook, _ = endpoint_create(organization=org, actor=User.objects.get(username="demo-admin"),
                             url="https://hooks.example.org/screening", event_types=["flag.raised"])
with transaction.atomic():
    deliveries_create(event=OutboxEvent.objects.filter(organization=org).first(),
                      targets=[(Channel.WEBHOOK, webhook)])
values = {
    "CLINICIAN_TOKEN": token("demo-clinician")[1],
    "ADMIN_TOKEN": token("demo-admin")[1],
    "LIBRARIAN_TOKEN": token("demo-librarian")[1],
    "TARGET_TOKEN_ID": token("demo-ehr")[0].pk,
    "CLIENT_ID": client.pk,
    "OPEN_SCREENING_ID": open_screening.pk,
    "COMPLETED_SCREENING_ID": completed.pk,
    "FLAG_ID": completed.flags.order_by("severity_rank").first().pk,
    "WEBHOOK_ID": webhook.pk,
    "DELIVERY_ID": webhook.deliveries.get().pk,
}
for name, value in values.items():
    print(f"export {name}={value}")
' | grep '^export ' >"$WORK/ids.sh"
# shellcheck disable=SC1091
source "$WORK/ids.sh"

# Ids for the operations that take them: half the point is to reach the logic behind the 404.
cat >"$WORK/schemathesis.toml" <<EOF
# No state carried between runs (no replayed crashes): the seed alone decides what is generated.
[cache]
enabled = false

[[operations]]
include-path-regex = "^/api/v1/clients/\\\\{id\\\\}/"
parameters = { "path.id" = "$CLIENT_ID" }

[[operations]]
include-path-regex = "^/api/v1/screenings/\\\\{id\\\\}/(submit/)?$"
parameters = { "path.id" = "$OPEN_SCREENING_ID" }

[[operations]]
include-path-regex = "^/api/v1/screenings/\\\\{id\\\\}/(amend|void)/$"
parameters = { "path.id" = "$COMPLETED_SCREENING_ID" }

[[operations]]
include-path-regex = "^/api/v1/flags/\\\\{id\\\\}/"
parameters = { "path.id" = "$FLAG_ID" }

[[operations]]
include-path-regex = "^/api/v1/tokens/\\\\{id\\\\}/"
parameters = { "path.id" = "$TARGET_TOKEN_ID" }

[[operations]]
include-path-regex = "^/api/v1/webhooks/deliveries/\\\\{id\\\\}/"
parameters = { "path.id" = "$DELIVERY_ID" }

[[operations]]
include-path-regex = "^/api/v1/webhooks/\\\\{id\\\\}/"
parameters = { "path.id" = "$WEBHOOK_ID" }

[[operations]]
include-path-regex = "^/api/v1/instruments/\\\\{code\\\\}/"
parameters = { "path.code" = "phq9" }
EOF

PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
done
curl -fsS "$BASE/readyz" >/dev/null

CHECKS="${SCHEMATHESIS_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance}"
FAILED=0

# run NAME TOKEN [filters...]: one pass; fails when it fails or tested nothing.
run() {
    local name="$1" token="$2"
    shift 2
    echo
    echo "==> schemathesis: $name"
    local out="$WORK/$name.txt"
    set +e
    # One worker: schemathesis' workers are threads, and CPython 3.11 (3.11.7 here) keeps the AST
    # constructor's recursion depth in state shared between threads, so hypothesis parsing lambda
    # sources in two threads at once failed a CI run with "SystemError: AST constructor recursion
    # depth mismatch" (CPython gh-106905). The run is deterministic by seed either way.
    "$ST" --config-file "$WORK/schemathesis.toml" run "$BASE/api/schema/" \
        --header "Authorization: Bearer $token" \
        --seed "$SEED" --max-examples "$EXAMPLES" \
        --phases examples,coverage,fuzzing --checks "$CHECKS" \
        --workers 1 --request-timeout 30 --no-color --warnings off \
        --generation-database none "$@" 2>&1 | tee "$out"
    local status=${PIPESTATUS[0]}
    set -e
    if [[ $status -ne 0 ]]; then
        FAILED=1
    fi
    local tested
    tested="$(sed -n 's/^  Tested: \([0-9]*\).*/\1/p' "$out" | tail -1)"
    if [[ -z "$tested" || "$tested" -eq 0 ]]; then
        echo "schemathesis ($name) tested no operation" >&2
        FAILED=1
    fi
}

# The clinician meets every operation (403s are checked against the schema too); the org admin
# and the instrument admin then reach what only they may do.
run clinician "$CLINICIAN_TOKEN"
run org-admin "$ADMIN_TOKEN" \
    --include-path-regex '^/api/v1/(tokens|audit-events|webhooks|organization)/'
run instrument-admin "$LIBRARIAN_TOKEN" --include-path-regex '^/api/v1/instruments/'

# Belt and braces: a 5xx that no check saw (an error after the response started, say) is in the
# server's log; it logs warnings and errors only.
if grep -q "Internal Server Error" "$WORK/server.log"; then
    echo "the server logged errors:" >&2
    cat "$WORK/server.log" >&2
    FAILED=1
fi
if [[ $FAILED -ne 0 ]]; then
    echo "schemathesis found problems (seed $SEED)" >&2
    exit 1
fi
echo "schemathesis: no server errors, every response as documented (seed $SEED)"

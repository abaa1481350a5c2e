# The two commands of the README: `make run` and `make test`. Both are safe to run again.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The test run uses production settings (DEBUG off) with a throwaway key and plain HTTP.
TEST_ENV := SECRET_KEY=test-only-not-a-secret DEBUG=0 SECURE_SSL_REDIRECT=0 LOG_LEVEL=WARNING

.PHONY: run test lint format install migrate bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# HOST and PORT choose where `make run` serves: `make run PORT=8100`, `make run HOST=0.0.0.0`.
# The audit trail's development signing key: made once under var/ (gitignored), kept after.
AUDIT_DEV_KEY := var/audit-signing.key

run: install
	DEBUG=1 $(BIN)/python manage.py audit_keygen $(AUDIT_DEV_KEY)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_library
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py periodic_ensure
	@echo ""
	@echo "API root:       http://$(HOST):$(PORT)/api/v1/   (every collection; send the token above)"
	@echo "API docs:       http://$(HOST):$(PORT)/api/docs/"
	@echo "OpenAPI schema: http://$(HOST):$(PORT)/api/schema/"
	@echo "FHIR:           http://$(HOST):$(PORT)/fhir/metadata"
	@echo "Django admin:   http://$(HOST):$(PORT)/admin/   (demo-librarian; a new password: $(BIN)/python manage.py set_password demo-librarian)"
	@echo "Try: curl -H 'Authorization: Bearer <token above>' http://$(HOST):$(PORT)/api/v1/"
	@echo "Worker:         one db_worker runs beside the server (webhooks, e-mail, escalation,"
	@echo "                audit sealing every 5 s; e-mail is printed here); it stops with the server."
	@echo "Audit trail:    sealed and signed with $(AUDIT_DEV_KEY); check it with"
	@echo "                AUDIT_SIGNING_KEY_FILE=$(AUDIT_DEV_KEY) $(BIN)/python manage.py verify_audit"
	@echo ""
	@# The worker runs in the background and is stopped however the server ends (Ctrl+C too).
	@# The worker's per-task INFO lines (the audit seal runs every 5 s) would drown the request log.
	DEBUG=1 AUDIT_SIGNING_KEY_FILE=$(AUDIT_DEV_KEY) TASKS_LOG_LEVEL=WARNING bash -c '$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(TEST_ENV) $(BIN)/python -m pytest

# Seeds a throwaway PostgreSQL database (BENCH_DATABASE_URL), serves the API with gunicorn and
# drives it with wrk (apt-get install -y wrk); see docs/performance.md for the knobs and figures.
bench: install
	$(BIN)/python -c "import gunicorn" 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    result = import_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_start_without_a_secret_key_in_debug():
    assert import_settings(DEBUG="1").returncode == 0


def database_options(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    clean.update(DEBUG="1", **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from config.settings import DATABASES as D; "
            "print(sorted(D['default'].get('OPTIONS', {})))",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements_by_default():
    options = database_options(DATABASE_URL="postgres://u@db.example.org:5432/screening")
    assert options == "['prepare_threshold', 'server_side_binding']"


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    options = database_options(
        DATABASE_URL="postgres://u@db.example.org:5432/screening", DATABASE_PREPARED_STATEMENTS="0"
    )
    assert options == "[]"

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def import_settings(_print: str = "", **env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with `env`; print the setting `_print`."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", *env}}
    clean.update(env)
    code = f"import config.settings as s; print(s.{_print})" if _print else "import config.settings"
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
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


def test_an_unrecognised_yes_no_value_stops_the_start():
    result = import_settings(DEBUG="1", SESSION_COOKIE_SECURE="treu")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SESSION_COOKIE_SECURE='treu' is not a yes/no value" in (
        result.stderr
    )


@pytest.mark.parametrize(("word", "expected"), [("Yes", True), (" on ", True), ("OFF", False)])
def test_yes_no_values_are_read_in_any_case_and_spacing(word, expected):
    result = import_settings(DEBUG="1", SESSION_COOKIE_SECURE=word, _print="SESSION_COOKIE_SECURE")
    assert result.stdout.strip() == str(expected)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CONN_MAX_AGE", "sixty", "CONN_MAX_AGE='sixty' is not a whole number."),
        ("LOGIN_LOCKOUT_FAILURES", "0", "LOGIN_LOCKOUT_FAILURES='0' is below its minimum, 1."),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' is not one of DEBUG, INFO"),
        ("THROTTLE_RATE_TOKENS", "60 per hour", "THROTTLE_RATE_TOKENS='60 per hour' is not a rate"),
    ],
)
def test_a_malformed_number_level_or_rate_stops_the_start_naming_the_variable(name, value, message):
    result = import_settings(DEBUG="1", **{name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr

"""The task runner's per-task INFO lines follow TASKS_LOG_LEVEL (`make run` sets WARNING: the audit
seal runs every 5 s), even though the worker sets its loggers' levels from --verbosity; errors
always show."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WORKER_LOGS = """
import django, logging
django.setup()
from django_tasks_db.management.commands.db_worker import Command
Command().configure_logging(1)  # what `db_worker` does at its default verbosity
for name in ("django_tasks", "django_tasks_db"):
    logging.getLogger(name).info("%s routine", name)
    logging.getLogger(name).error("%s failed", name)
"""


def worker_output(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"LOG_LEVEL", "TASKS_LOG_LEVEL"}}
    clean.update(DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", WORKER_LOGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_workers_routine_lines_are_dropped_at_warning_and_its_errors_kept():
    output = worker_output(TASKS_LOG_LEVEL="WARNING")
    assert "routine" not in output
    assert "django_tasks failed" in output
    assert "django_tasks_db failed" in output


def test_the_workers_routine_lines_show_at_info():
    output = worker_output(TASKS_LOG_LEVEL="INFO")
    assert "django_tasks routine" in output
    assert "django_tasks_db routine" in output


def test_the_task_log_level_follows_log_level_when_unset():
    assert "routine" not in worker_output(LOG_LEVEL="WARNING")


def test_make_run_starts_the_worker_at_warning():
    makefile = (ROOT / "Makefile").read_text()
    worker_line = next(line for line in makefile.splitlines() if "manage.py db_worker" in line)
    assert "TASKS_LOG_LEVEL=WARNING" in worker_line

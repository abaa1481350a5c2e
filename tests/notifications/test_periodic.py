"""Periodic work as self-rescheduling chains of tasks, one pending run per registry entry, so
several workers (or repeated `periodic_ensure`) never pile up rounds."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from periodic import registry
from periodic.models import PeriodicRun
from periodic.registry import PERIODIC, Periodic
from periodic.services import periodic_ensure, periodic_run
from tests.notifications.conftest import run_worker

RUNS = "periodic.tasks.run_periodic"
calls: list[str] = []


def count_call() -> None:
    calls.append("ran")


def fail() -> None:
    raise ValueError("the seal could not be written")


@pytest.fixture
def one_entry(monkeypatch):
    """A registry of one entry, counting its rounds."""
    calls.clear()
    entry = Periodic("test.count", f"{__name__}.count_call", 60, "counts")
    monkeypatch.setattr(registry, "PERIODIC", (entry,))
    monkeypatch.setattr("periodic.services.PERIODIC", (entry,))
    monkeypatch.setattr("periodic.services.BY_NAME", {entry.name: entry})
    return entry


def pending(name: str) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=RUNS, status="READY", args_kwargs__args=[name])
    )


def test_ensure_starts_one_chain_per_entry_and_never_a_second(db):
    assert sorted(periodic_ensure()) == sorted(entry.name for entry in PERIODIC)
    assert periodic_ensure() == []

    for entry in PERIODIC:
        (queued,) = pending(entry.name)
        assert PeriodicRun.objects.get(name=entry.name).pending_id == str(queued.id)


def test_a_round_queues_its_successor_before_working(one_entry, db):
    periodic_ensure()
    (first,) = pending("test.count")

    assert periodic_run(name="test.count", run_id=str(first.id)) == "ran"

    assert calls == ["ran"]
    successor = DBTaskResult.objects.exclude(pk=first.pk).get(task_path=RUNS)
    assert successor.run_after >= timezone.now() + timedelta(seconds=59)
    assert PeriodicRun.objects.get(name="test.count").pending_id == str(successor.id)


def test_a_duplicate_run_does_nothing(one_entry, db):
    periodic_ensure()
    (first,) = pending("test.count")
    periodic_run(name="test.count", run_id=str(first.id))

    assert periodic_run(name="test.count", run_id=str(first.id)) == "duplicate"
    assert periodic_run(name="test.count", run_id="not-the-pending-one") == "duplicate"
    assert calls == ["ran"]
    assert DBTaskResult.objects.filter(task_path=RUNS).count() == 2


def test_a_failing_round_keeps_its_chain_and_records_the_error(one_entry, monkeypatch, db):
    failing = Periodic("test.count", f"{__name__}.fail", 60, "fails")
    monkeypatch.setattr("periodic.services.BY_NAME", {failing.name: failing})
    periodic_ensure()
    (first,) = pending("test.count")

    with pytest.raises(ValueError, match="seal"):
        periodic_run(name="test.count", run_id=str(first.id))

    row = PeriodicRun.objects.get(name="test.count")
    assert "the seal could not be written" in row.last_error
    assert row.pending_id != str(first.id)
    assert DBTaskResult.objects.filter(pk=row.pending_id, status="READY").exists()


def test_ensure_mends_a_chain_whose_pending_run_was_lost(one_entry, db):
    periodic_ensure()
    DBTaskResult.objects.all().delete()

    assert periodic_ensure() == ["test.count"]
    assert len(pending("test.count")) == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_each_round_when_it_is_due(one_entry):
    call_command("periodic_ensure", stdout=StringIO())
    run_worker()
    assert calls == ["ran"]

    run_worker()  # the successor is not due yet
    assert calls == ["ran"]

    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        run_worker()
    assert calls == ["ran", "ran"]
    assert len(pending("test.count")) == 1  # one chain, whatever ran
    assert PeriodicRun.objects.get(name="test.count").runs == 2


def test_the_registry_names_functions_that_exist():
    from django.utils.module_loading import import_string

    for entry in PERIODIC:
        assert callable(import_string(entry.function)), entry.name
        assert entry.interval() >= timedelta(seconds=1)

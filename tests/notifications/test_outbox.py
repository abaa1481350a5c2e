"""The transactional outbox: every path that raises or reviews a flag or completes a screening
emits through `outbox_emit`, in the transaction of the change; dispatch happens once; a lost
enqueue is swept up without piling up duplicates."""

import ast
import json
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox import handlers
from outbox.events import Event, EventType
from outbox.models import OutboxEvent
from outbox.services import outbox_dispatch, outbox_emit, outbox_sweep
from screening.models import Flag, FlagReview, Screening
from tests.fhir_api.helpers import phq9_response
from tests.fhir_api.helpers import post as fhir_post
from tests.screenings.helpers import phq9, start

REPOSITORY = Path(__file__).resolve().parents[2]


def events(kind: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(type=kind))


def test_every_entry_point_that_completes_raises_or_reviews_emits_its_events(
    clinician_client, integration_client, client_record, library
):
    """Walks each entry point on main, then checks the invariant on the rows themselves: one
    flag.raised per flag, one screening.completed per completed screening, one flag.reviewed
    per review, whatever path wrote them."""
    api, patient = clinician_client, client_record.pk
    walked = {}
    # REST: start, save, submit.
    started = start(api, patient, "phq9", phq9(1)[:4]).json()
    api.patch(f"/api/v1/screenings/{started['id']}/", {"answers": phq9(1, 2)}, format="json")
    walked["rest submit"] = api.post(f"/api/v1/screenings/{started['id']}/submit/")
    # REST: one call.
    walked["rest one-call"] = start(api, patient, "phq9", phq9(2, 1), submit=True)
    # REST: amend (a new revision, scored).
    walked["rest amend"] = api.post(
        f"/api/v1/screenings/{walked['rest one-call'].json()['id']}/amend/",
        {"reason": "answer 3 misheard", "answers": [{"link_id": "phq9-3", "value": 3}]},
        format="json",
    )
    # FHIR: QuestionnaireResponse create, completed and in progress, and inside a Bundle.
    walked["fhir create"] = fhir_post(
        integration_client,
        "/fhir/QuestionnaireResponse",
        phq9_response(f"Patient/{patient}", each=2, item9=2),
    )
    walked["fhir in-progress"] = fhir_post(
        integration_client,
        "/fhir/QuestionnaireResponse",
        phq9_response(f"Patient/{patient}", each=1, item9=1, status="in-progress"),
    )
    walked["fhir bundle"] = fhir_post(
        integration_client,
        "/fhir",
        {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "resource": phq9_response(f"Patient/{patient}", each=3, item9=1),
                    "request": {"method": "POST", "url": "QuestionnaireResponse"},
                }
            ],
        },
    )
    # A PC-PTSD-5 whose flag suggests a follow-up (the PCL-5).
    ptsd = [{"link_id": "pcptsd5-trauma", "value": True}]
    ptsd += [{"link_id": f"pcptsd5-{n}", "value": True} for n in range(1, 6)]
    walked["rest one-call pc-ptsd-5"] = start(api, patient, "pc-ptsd-5", ptsd, submit=True)
    # Flags: review, and the follow-up started from one.
    flag = Flag.objects.filter(severity="urgent").order_by("pk").first()
    walked["review"] = api.post(
        f"/api/v1/flags/{flag.pk}/review/",
        {"status": "acknowledged", "note": "Safety plan agreed."},
        format="json",
    )
    followed = Flag.objects.exclude(follow_up_instrument="").order_by("pk").first()
    walked["follow-up"] = api.post(
        f"/api/v1/flags/{followed.pk}/follow-up/", {"mode": "clinician"}, format="json"
    )
    assert {name: r.status_code for name, r in walked.items()} == {
        "rest submit": 200,
        "rest one-call": 201,
        "rest amend": 201,
        "rest one-call pc-ptsd-5": 201,
        "fhir create": 201,
        "fhir in-progress": 201,
        "fhir bundle": 200,
        "review": 200,
        "follow-up": 201,
    }

    raised = sorted(e.subject_id for e in events(EventType.FLAG_RAISED))
    assert raised == sorted(Flag.objects.values_list("pk", flat=True))
    assert len(raised) >= 5  # the walk did raise flags on several paths
    completed = sorted(e.subject_id for e in events(EventType.SCREENING_COMPLETED))
    assert completed == sorted(
        Screening.objects.filter(submitted_at__isnull=False).values_list("pk", flat=True)
    )
    assert len(completed) == 6  # submit, one-call (2), amend, FHIR create, FHIR bundle
    reviewed = [e.data["review"]["id"] for e in events(EventType.FLAG_REVIEWED)]
    assert reviewed == list(FlagReview.objects.values_list("pk", flat=True))
    urgent = [e for e in events(EventType.FLAG_RAISED) if e.data["flag"]["severity"] == "urgent"]
    assert urgent
    assert all(e.urgent for e in urgent)


def test_events_carry_ids_and_codes_not_the_clients_name(clinician_client, client_record, library):
    start(clinician_client, client_record.pk, "phq9", phq9(2, 2), submit=True)

    text = json.dumps([e.data for e in OutboxEvent.objects.all()])

    assert OutboxEvent.objects.count() >= 2
    assert client_record.given_name not in text
    assert client_record.family_name not in text
    assert str(client_record.pk) in text


def test_only_outbox_emit_writes_outbox_rows():
    """Nothing but outbox/services.py creates OutboxEvent rows: every event has one way out."""
    writers = []
    for path in REPOSITORY.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if called and node.func.id == "OutboxEvent":
                writers.append(str(path.relative_to(REPOSITORY)))
            if isinstance(node, ast.Attribute) and node.attr in ("create", "bulk_create"):
                owner = node.value
                if (
                    isinstance(owner, ast.Attribute)
                    and isinstance(owner.value, ast.Name)
                    and owner.value.id == "OutboxEvent"
                ):
                    writers.append(str(path.relative_to(REPOSITORY)))
    assert sorted(set(writers)) == ["outbox/services.py"]


def emit_then_fail(organization) -> None:
    with transaction.atomic():
        outbox_emit(
            organization_id=organization.pk,
            events=[Event(EventType.FLAG_RAISED, "flag", 1, {"flag": {"id": 1}})],
        )
        raise RuntimeError("the change failed")


def test_a_rolled_back_change_leaves_no_event_and_queues_nothing(
    organization, django_capture_on_commit_callbacks, db
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        emit_then_fail(organization)

    assert not OutboxEvent.objects.exists()
    assert callbacks == []


def test_emitting_outside_a_transaction_is_refused(organization, monkeypatch):
    class Autocommitting:
        in_atomic_block = False

    autocommit = SimpleNamespace(get_connection=Autocommitting, on_commit=transaction.on_commit)
    monkeypatch.setattr("outbox.services.transaction", autocommit)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox_emit(
            organization_id=organization.pk,
            events=[Event(EventType.FLAG_RAISED, "flag", 1)],
        )


def test_the_dispatch_is_queued_on_commit(organization, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (event,) = outbox_emit(
            organization_id=organization.pk,
            events=[Event(EventType.SCREENING_COMPLETED, "screening", 7)],
        )

    (queued,) = DBTaskResult.objects.filter(task_path="outbox.tasks.dispatch_events")
    assert queued.args_kwargs["args"] == [[event.pk]]


def test_an_urgent_event_is_queued_ahead_of_routine_work(
    organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_emit(
            organization_id=organization.pk,
            events=[Event(EventType.FLAG_RAISED, "flag", 7, urgent=True)],
        )

    assert DBTaskResult.objects.get().priority > 0


def test_an_event_is_dispatched_once(organization, monkeypatch):
    seen = []
    monkeypatch.setattr(handlers, "_handlers", [seen.append])
    with transaction.atomic():
        (event,) = outbox_emit(
            organization_id=organization.pk,
            events=[Event(EventType.SCREENING_COMPLETED, "screening", 7)],
        )

    assert outbox_dispatch(event.pk) is True
    assert outbox_dispatch(event.pk) is False
    assert seen == [event]


def test_the_sweep_queues_a_lost_event_again_once_per_interval(organization, settings):
    settings.OUTBOX_SWEEP_INTERVAL = 60
    with transaction.atomic():  # the on-commit enqueue never runs here: as if it were lost
        outbox_emit(
            organization_id=organization.pk,
            events=[Event(EventType.SCREENING_COMPLETED, "screening", 7)],
        )
    assert outbox_sweep() == 0  # not overdue yet

    later = timezone.now() + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert outbox_sweep() == 1
        assert outbox_sweep() == 0  # just queued: no duplicate
    with time_machine.travel(later + timedelta(seconds=61), tick=False):
        assert outbox_sweep() == 1

    assert DBTaskResult.objects.filter(task_path="outbox.tasks.dispatch_events").count() == 2


def test_two_admins_sharing_an_address_get_one_email_per_event(organization, library):
    from clients.models import Role
    from notifications.models import Delivery
    from tests.factories import ClientFactory, member
    from tests.fhir_api.helpers import submitted_phq9

    for _ in range(2):
        admin = member(Role.ORG_ADMIN, organization)
        admin.email = "Clinic-Admins@clinic.example.org"
        admin.save(update_fields=["email"])
    submitted_phq9(organization, ClientFactory(organization=organization), each=1, item9=1)
    raised = OutboxEvent.objects.get(type=EventType.FLAG_RAISED, urgent=True)

    assert outbox_dispatch(raised.pk) is True
    assert Delivery.objects.filter(event=raised, channel="email").count() == 1

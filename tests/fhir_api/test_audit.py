"""Every read and write of client data through FHIR leaves an audit event."""

from clients.models import AuditEvent
from screening.models import ScaleScore
from tests.factories import ClientFactory
from tests.fhir_api.helpers import MRN, patient, phq9_response, post, submitted_phq9


def _last():
    return AuditEvent.objects.order_by("-id").first()


def test_reads_are_audited_with_the_client(
    integration_client, integration, organization, client_record, library
):
    screening = submitted_phq9(organization, client_record, item9=1)
    score = ScaleScore.objects.get(screening=screening)
    flag = screening.flags.first()
    for path, object_type, object_id in (
        (f"/fhir/Patient/{client_record.pk}", "client", client_record.pk),
        (f"/fhir/QuestionnaireResponse/{screening.pk}", "screening", screening.pk),
        (f"/fhir/Observation/{score.pk}", "scale_score", score.pk),
        (f"/fhir/Flag/{flag.pk}", "flag", flag.pk),
    ):
        assert integration_client.get(path).status_code == 200
        event = _last()
        assert (event.action, event.object_type, event.object_id) == (
            "read",
            object_type,
            str(object_id),
        )
        assert event.client_ids == [client_record.pk]
        assert event.actor_id == integration.pk
        assert event.organization_id == organization.pk


def test_searches_record_the_clients_shown_not_the_values_searched(
    integration_client, organization, client_record, library
):
    other = ClientFactory(organization=organization)
    for record in (client_record, other):
        submitted_phq9(organization, record)
    integration_client.get("/fhir/Observation", {"code": "44261-6"})
    event = _last()
    assert event.object_type == "scale_score"
    assert event.client_ids == sorted([client_record.pk, other.pk])
    assert event.detail == {"fhir": "Observation", "search": ["code"]}
    integration_client.get("/fhir/Patient", {"identifier": f"{MRN}|MRN-77"})
    event = _last()
    assert event.client_ids == [client_record.pk]
    assert "MRN-77" not in str(event.detail)


def test_writes_are_audited(integration_client, library):
    created = post(integration_client, "/fhir/Patient", patient())
    patient_id = int(created.json()["id"])
    event = _last()
    assert (event.action, event.object_type, event.client_ids) == ("create", "client", [patient_id])
    post(integration_client, "/fhir/QuestionnaireResponse", phq9_response(f"Patient/{patient_id}"))
    actions = list(
        AuditEvent.objects.filter(object_type="screening").values_list("action", flat=True)
    )
    assert list(actions) == ["screening.completed"]  # created completed: one event says both
    # A conditional create that finds the patient reads it.
    post(
        integration_client, "/fhir/Patient", patient(), {"If-None-Exist": f"identifier={MRN}|MRN-1"}
    )
    event = _last()
    assert (event.action, event.object_type, event.client_ids) == ("read", "client", [patient_id])

"""An organization's safety settings: every member reads them, org admins change them through
the API and the admin, each change audited."""

from clients.models import AuditEvent, SafetySettings
from clients.models.safety import DEFAULT_CRISIS_TEXT

URL = "/api/v1/organization/safety/"


def test_a_member_reads_the_defaults_until_an_admin_changes_them(clinician_client, organization):
    response = clinician_client.get(URL)

    assert response.status_code == 200
    assert response.json() | {"updated_at": None} == {
        "organization": organization.slug,
        "crisis_text": DEFAULT_CRISIS_TEXT,
        "on_call_emails": [],
        "escalation_emails": [],
        "escalation_delay_minutes": 30,
        "escalation_interval_minutes": 30,
        "updated_at": None,
    }
    assert AuditEvent.objects.filter(object_type="safety_settings", action="read").exists()


def test_an_admin_changes_some_settings_and_the_change_is_audited(org_admin_client, organization):
    response = org_admin_client.patch(
        URL,
        {"on_call_emails": ["duty@clinic.example.org", "Duty@clinic.example.org"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["on_call_emails"] == ["duty@clinic.example.org"]
    assert response.json()["escalation_delay_minutes"] == 30
    event = AuditEvent.objects.get(object_type="safety_settings", action="update")
    assert (event.action, event.detail) == ("update", {"changed": ["on_call_emails"]})
    assert "duty@" not in str(event.detail)


def test_a_bad_address_and_a_zero_delay_are_refused_naming_each_field(org_admin_client):
    response = org_admin_client.patch(
        URL,
        {"escalation_emails": ["not-an-address"], "escalation_delay_minutes": 0},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"escalation_emails.0", "escalation_delay_minutes"}
    assert not SafetySettings.objects.exists()


def test_put_needs_every_field(org_admin_client):
    response = org_admin_client.put(URL, {"crisis_text": "Call 112."}, format="json")

    assert response.status_code == 400
    assert "on_call_emails" in response.json()["fields"]


def test_unknown_fields_are_refused(org_admin_client):
    response = org_admin_client.patch(URL, {"on_cal_emails": []}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"on_cal_emails": ["Unknown field."]}


def test_the_admin_saves_through_the_service_and_is_audited(admin_client, organization):
    response = admin_client.post(
        "/admin/clients/safetysettings/add/",
        {
            "organization": organization.pk,
            "crisis_text": "Call 112 now if you are in danger.",
            "on_call_emails": '["duty@clinic.example.org"]',
            "escalation_emails": "[]",
            "escalation_delay_minutes": 20,
            "escalation_interval_minutes": 10,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    saved = SafetySettings.objects.get(organization=organization)
    assert saved.escalation_delay_minutes == 20
    assert AuditEvent.objects.filter(object_type="safety_settings").count() == 1


def test_the_admin_refuses_what_the_service_refuses(admin_client, organization):
    response = admin_client.post(
        "/admin/clients/safetysettings/add/",
        {
            "organization": organization.pk,
            "crisis_text": "x",
            "on_call_emails": '["nope"]',
            "escalation_emails": "[]",
            "escalation_delay_minutes": 20,
            "escalation_interval_minutes": 10,
        },
    )

    assert response.status_code == 200
    assert "is not an e-mail address" in response.content.decode()
    assert not SafetySettings.objects.exists()

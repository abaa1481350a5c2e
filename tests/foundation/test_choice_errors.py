"""A value that is no choice gets an error listing the valid ones, on every field and filter."""

import re
from pathlib import Path

from clients.models import Role
from screening.models import Flag
from tests.factories import ClientFactory, api_client_for, member
from tests.screenings.helpers import phq9, start

REPOSITORY = Path(__file__).resolve().parents[2]
APPS = ("clients", "config", "content", "screening")
# DRF's and django-filter's own classes say only "is not a valid choice".
UNLISTING = re.compile(
    r"\b(?:serializers\.(?:Multiple)?ChoiceField|django_filters\.(?:Multiple)?ChoiceFilter)\("
)


def test_a_flag_review_with_an_unknown_status_lists_the_valid_ones(
    clinician_client, organization, library
):
    client = ClientFactory(organization=organization)
    start(clinician_client, client.pk, "phq9", phq9(item9=1), submit=True)
    flag = Flag.objects.get()
    response = clinician_client.post(
        f"/api/v1/flags/{flag.pk}/review/", {"status": "reviewed", "note": "n"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["status"] == [
        '"reviewed" is not a valid choice. Valid choices: open, acknowledged, dismissed.'
    ]


def test_a_screening_with_an_unknown_mode_lists_the_valid_ones(clinician_client, library):
    response = clinician_client.post(
        "/api/v1/screenings/",
        {"client": 1, "instrument": "phq9", "mode": "telepathy"},
        format="json",
    )
    (message,) = response.json()["fields"]["mode"]
    assert message.startswith('"telepathy" is not a valid choice. Valid choices: ')
    assert "clinician" in message
    assert "self_report" in message


def test_a_filter_with_an_unknown_value_lists_the_valid_ones(organization):
    admin = api_client_for(member(Role.ORG_ADMIN, organization))
    response = admin.get("/api/v1/audit-events/", {"outcome": "maybe"})
    assert response.status_code == 400
    (message,) = response.json()["fields"]["outcome"]
    assert message.startswith("maybe is not a valid choice. Valid choices: ")
    assert "success" in message


def test_no_serializer_or_filter_uses_a_choice_class_that_hides_the_valid_values():
    offenders = [
        f"{path.relative_to(REPOSITORY)}:{number}"
        for app in APPS
        for path in sorted((REPOSITORY / app).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if UNLISTING.search(line)
    ]
    assert not offenders, (
        f"use config.fields.ChoiceField / config.filters.ChoiceFilter instead: {offenders}"
    )

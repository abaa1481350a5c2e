"""An independently written FHIR client, the SMART on FHIR Python client `fhirclient`, drives the
live server through issue 19's searches with a bearer token, as an EHR integration would: its
models parse every Bundle and resource strictly, and it follows our `next` links itself."""

import datetime as dt
import json

import pytest
from fhirclient import client as fhir_client
from fhirclient.models.bundle import Bundle
from fhirclient.models.fhirsearch import FHIRSearch
from fhirclient.models.flag import Flag
from fhirclient.models.observation import Observation
from fhirclient.models.patient import Patient
from fhirclient.models.questionnaire import Questionnaire
from fhirclient.models.questionnaireresponse import QuestionnaireResponse

from screening.models import Screening
from tests.factories import ClientFactory, bearer
from tests.fhir_api.helpers import submitted_phq9

UTC = dt.UTC


@pytest.fixture
def smart(live_server, integration):
    """A fhirclient FHIRClient on the live server, sending the integration's bearer token."""
    smart = fhir_client.FHIRClient(
        settings={"app_id": "screening-tests", "api_base": f"{live_server.url}/fhir/"}
    )
    smart.server.session.headers["Authorization"] = f"Bearer {bearer(integration)}"
    return smart


@pytest.fixture
def filed(organization, library):
    """Ana Silva with three PHQ-9s (May, June and July 2024, the last with item 9 answered), and
    another client with one."""
    ana = ClientFactory(
        organization=organization,
        given_name="Ana Maria",
        family_name="Silva",
        birth_date=dt.date(1990, 4, 2),
    )
    screenings = []
    for month, item9 in ((5, 0), (6, 0), (7, 1)):
        screening = submitted_phq9(organization, ana, each=1, item9=item9)
        day = dt.datetime(2024, month, 3, 10, tzinfo=UTC)
        Screening.objects.filter(pk=screening.pk).update(submitted_at=day)
        screenings.append(screening)
    submitted_phq9(organization, ClientFactory(organization=organization))
    return ana, screenings


def resources(search, server):
    return list(search.perform_resources_iter(server))


def test_a_us_core_style_observation_search_pages_through_every_score(smart, filed):
    ana, screenings = filed
    search = Observation.where(
        struct={"patient": str(ana.pk), "category": "survey", "_sort": "date", "_count": "1"}
    )
    found = resources(search, smart.server)  # three pages of one, by the next links
    assert [o.derivedFrom[0].reference for o in found] == [
        f"QuestionnaireResponse/{s.pk}" for s in screenings
    ]
    assert all(
        isinstance(o, Observation) and o.subject.reference == f"Patient/{ana.pk}" for o in found
    )


def test_responses_by_subject_and_a_date_list(smart, filed):
    ana, screenings = filed
    search = QuestionnaireResponse.where(
        struct={"subject": f"Patient/{ana.pk}", "authored": "2024-05,2024-07"}
    )
    found = resources(search, smart.server)
    assert [r.id for r in found] == [str(screenings[2].pk), str(screenings[0].pk)]


def test_flags_by_subject_include_their_patient(smart, filed):
    ana, _ = filed
    search = FHIRSearch(Flag, {"subject": f"Patient/{ana.pk}"}).include("subject")
    found = resources(search, smart.server)
    flags = [r for r in found if isinstance(r, Flag)]
    assert flags
    assert flags[0].code.coding[0].code == "self-harm-risk"  # urgent first
    assert [p.id for p in found if isinstance(p, Patient)] == [str(ana.pk)]


def test_a_patient_by_name_and_birth_date_with_their_responses(smart, filed):
    ana, screenings = filed
    search = FHIRSearch(
        Patient, {"family": "silva", "given": "maria", "birthdate": "gt1989-12-31"}
    ).include("subject", QuestionnaireResponse, reverse=True)
    found = resources(search, smart.server)
    assert [p.id for p in found if isinstance(p, Patient)] == [str(ana.pk)]
    assert {r.id for r in found if isinstance(r, QuestionnaireResponse)} == {
        str(s.pk) for s in screenings
    }


def test_counts_and_questionnaire_pages(smart, filed):
    counted = smart.server.request_json("Observation?_summary=count&code=http://loinc.org|44261-6")
    assert counted["total"] == 4
    assert counted.get("entry", []) == []
    first = Questionnaire.where(struct={"_count": "1"}).perform_iter(smart.server)
    assert len(next(first).entry) == 1


def test_a_search_posted_as_a_form(smart, filed):
    ana, screenings = filed
    answer = smart.server.post_as_form(
        f"{smart.server.base_uri}Observation/_search",
        {"patient": str(ana.pk), "code": "http://loinc.org|44261-6", "_sort": "-date"},
    )
    bundle = Bundle(answer.json())  # fhirclient's strict parse
    assert [e.resource.derivedFrom[0].reference for e in bundle.entry] == [
        f"QuestionnaireResponse/{s.pk}" for s in reversed(screenings)
    ]


def test_lenient_handling_through_the_client(smart, filed):
    answer = smart.server.request_data(
        "Observation?patinet=1&code=44261-6&_pretty=true", headers={"Prefer": "handling=lenient"}
    )
    bundle = Bundle(json.loads(answer))
    assert len(bundle.entry) == 4
    assert bundle.link[0].url.endswith("/fhir/Observation?code=44261-6&_pretty=true")

"""Questionnaire read and search; instrument admins import SDC Questionnaires as drafts."""

import copy
import json
import random

import pytest

from screening import engine
from screening.models import InstrumentVersion, ScaleScore
from tests.factories import ClientFactory
from tests.fhir_api.helpers import BASE, body, issue_expressions, post
from tests.fhir_mapping.helpers import LHC_PHQ9, load

LHC_CODE = "phq-9-quick-depression-assessment-panel"


@pytest.fixture(scope="module")
def lhc():
    return load(LHC_PHQ9)


def test_read_by_code_and_version(clinician_client, library):
    questionnaire = body(clinician_client.get("/fhir/Questionnaire/pc-ptsd-5-1.1.0"))
    assert questionnaire["id"] == "pc-ptsd-5-1.1.0"
    assert questionnaire["url"] == f"{BASE}/Questionnaire/pc-ptsd-5"
    assert clinician_client.get("/fhir/Questionnaire/pc-ptsd-5-9.9").status_code == 404
    assert clinician_client.get("/fhir/Questionnaire/nothing").status_code == 404


def test_any_member_reads_questionnaires(org_admin_client, instrument_admin_client, library):
    assert org_admin_client.get("/fhir/Questionnaire/phq9-1.1.0").status_code == 200
    assert instrument_admin_client.get("/fhir/Questionnaire/phq9-1.1.0").status_code == 200


def _ids(bundle):
    return sorted(e["resource"]["id"] for e in bundle["entry"])


def test_search_parameters(clinician_client, library):
    search = lambda **params: _ids(body(clinician_client.get("/fhir/Questionnaire", params)))  # noqa: E731
    everything = search()
    assert "phq9-1.1.0" in everything
    assert len(everything) == 6
    assert search(url=f"{BASE}/Questionnaire/gad7") == ["gad7-1.1.0"]
    assert search(url=f"{BASE}/Questionnaire/gad7|1.1.0") == ["gad7-1.1.0"]
    assert search(url=f"{BASE}/Questionnaire/gad7|2.0.0") == []
    assert search(code="http://loinc.org|44249-1") == ["phq9-1.1.0"]
    assert search(code="44261-6") == ["phq9-1.1.0"]  # an item's (the total's) code
    assert search(name="phq") == ["phq9-1.1.0"]
    assert search(status="active") == everything
    recalibrated = [i for i in everything if i.endswith("-1.1.0")]
    assert recalibrated
    assert search(status="active", version="1.1.0") == recalibrated
    assert search(status="draft") == []
    assert search(status="retired") == []


def test_drafts_only_for_instrument_admins(
    clinician_client, instrument_admin_client, instrument_admin, library
):
    from screening.models import Instrument
    from screening.services.instruments import instrument_version_create

    instrument_version_create(
        instrument=Instrument.objects.get(code="gad7"), actor=instrument_admin
    )
    assert clinician_client.get("/fhir/Questionnaire/gad7-1.1.1").status_code == 404
    draft = body(instrument_admin_client.get("/fhir/Questionnaire/gad7-1.1.1"))
    assert draft["status"] == "draft"
    drafts = body(instrument_admin_client.get("/fhir/Questionnaire", {"status": "draft"}))
    assert _ids(drafts) == ["gad7-1.1.1"]
    assert _ids(body(clinician_client.get("/fhir/Questionnaire", {"status": "draft"}))) == []


def test_only_instrument_admins_import(clinician_client, lhc, library):
    response = post(clinician_client, "/fhir/Questionnaire", lhc)
    assert response.status_code == 403
    assert body(response)["issue"][0]["code"] == "forbidden"


def test_the_lhc_forms_phq9_imports_publishes_and_scores_like_ours(
    instrument_admin_client, integration_client, organization, lhc, library
):
    imported = post(instrument_admin_client, "/fhir/Questionnaire", lhc)
    assert imported.status_code == 201, imported.content
    outcome = body(imported)
    assert imported["Location"] == f"{BASE}/Questionnaire/{LHC_CODE}-1.0.0"
    severities = [issue["severity"] for issue in outcome["issue"]]
    assert severities[0] == "information"
    assert set(severities[1:]) == {"warning"}
    warned = {issue["diagnostics"].split(":")[0] for issue in outcome["issue"][1:]}
    assert {"not_valid_fhir", "link_ids_renamed", "values_by_position", "no_flag_rules"} <= warned

    draft = body(instrument_admin_client.get(f"/fhir/Questionnaire/{LHC_CODE}-1.0.0"))
    assert draft["status"] == "draft"
    published = instrument_admin_client.post(
        f"/api/v1/instruments/{LHC_CODE}/versions/1.0.0/publish/"
    )
    assert published.status_code == 200, published.content
    active = body(integration_client.get(f"/fhir/Questionnaire/{LHC_CODE}-1.0.0"))
    assert active["status"] == "active"

    # Responses written against the original LHC-Forms form (its linkIds, Codings without a
    # system, its calculated total included) score exactly as our shipped PHQ-9.
    ours = engine.compile(InstrumentVersion.objects.get(instrument__code="phq9").definition)
    client = ClientFactory(organization=organization)
    rng = random.Random(7)
    questions = [i for i in lhc["item"] if i["type"] == "choice"]
    for _ in range(6):
        picks = [rng.randrange(4) for _ in questions]
        items = [
            {
                "linkId": q["linkId"],
                "answer": [{"valueCoding": q["answerOption"][p]["valueCoding"]}],
            }
            for q, p in zip(questions, picks, strict=True)
        ]
        lhc_total = sum(picks[:9])
        items.append({"linkId": "/44261-6", "answer": [{"valueDecimal": lhc_total}]})
        response = {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": f"{BASE}/Questionnaire/{LHC_CODE}|1.0.0",
            "status": "completed",
            "subject": {"reference": f"Patient/{client.pk}"},
            "item": items,
        }
        filed = post(integration_client, "/fhir/QuestionnaireResponse", response)
        assert filed.status_code == 201, filed.content
        score = ScaleScore.objects.get(screening_id=body(filed)["id"], scale_id="total")
        answers = {f"phq9-{n}": picks[n - 1] for n in range(1, 10)}
        expected = engine.score(ours, answers).scales["total"].score
        assert score.score == expected == lhc_total
        found = body(
            integration_client.get(
                "/fhir/Observation", {"derived-from": f"QuestionnaireResponse/{body(filed)['id']}"}
            )
        )
        by_code = {
            e["resource"]["code"]["coding"][0]["code"]: e["resource"] for e in found["entry"]
        }
        # The total, and question 10 reported as its own Observation (issue 13), never scored.
        assert set(by_code) == {"44261-6", "69722-7"}
        assert by_code["44261-6"]["valueInteger"] == lhc_total
        assert "valueInteger" not in by_code["69722-7"]


def test_import_can_return_the_draft_itself(instrument_admin_client, lhc, library):
    response = post(
        instrument_admin_client,
        "/fhir/Questionnaire",
        lhc,
        {"Prefer": "return=representation"},
    )
    assert response.status_code == 201
    assert body(response)["resourceType"] == "Questionnaire"
    assert body(response)["status"] == "draft"


def test_an_unimportable_questionnaire_is_a_422_naming_the_element(
    empty_db, instrument_admin_client, lhc
):
    broken = copy.deepcopy(lhc)
    broken["item"][1]["extension"] = [
        {
            "url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression",
            "valueExpression": {"language": "text/fhirpath", "expression": "true"},
        }
    ]
    response = post(instrument_admin_client, "/fhir/Questionnaire", broken)
    assert response.status_code == 422
    outcome = body(response)
    assert issue_expressions(outcome) == ["Questionnaire.item[1]"]
    assert "/44255-8" in outcome["issue"][0]["diagnostics"]
    assert InstrumentVersion.objects.count() == 0


def test_importing_a_version_twice_is_a_422(instrument_admin_client, lhc, library):
    assert post(instrument_admin_client, "/fhir/Questionnaire", lhc).status_code == 201
    again = post(instrument_admin_client, "/fhir/Questionnaire", lhc)
    assert again.status_code == 422
    assert "exists" in json.dumps(body(again))

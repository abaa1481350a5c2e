"""The clinical resources' mapping functions: pure, no database, no HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from screening.engine import compile as compile_definition
from screening.fhir import validate_resource
from screening.fhir.bundle import response_entry, searchset, status_line
from screening.fhir.flag import flag_resource, flag_status
from screening.fhir.observation import observation_resource, observation_status
from screening.fhir.outcome import Issue, ResourceError, operation_outcome
from screening.fhir.patient import client_fields, patient_resource
from screening.fhir.response import (
    answers_from_response,
    questionnaire_response_resource,
    read_response,
)
from screening.fhir.search import (
    SearchValueError,
    Token,
    instant,
    parse_date,
    parse_reference,
    parse_token,
)
from screening.fhir.systems import BAND_SYSTEM, CONDITION_SYSTEM, PRONOUNS, SCALE_SYSTEM
from tests.fhir_mapping.helpers import LHC_PHQ9, library, load

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
PHQ9 = library("phq9")
PHQ9_COMPILED = compile_definition(PHQ9)
PCPTSD = library("pc-ptsd-5")
PCPTSD_COMPILED = compile_definition(PCPTSD)


def client(**extra):
    fields = {
        "pk": 12,
        "given_name": "Ana Maria",
        "family_name": "Silva",
        "birth_date": dt.date(1990, 4, 2),
        "administrative_sex": "female",
        "pronouns": "she/her",
        "active": True,
        "updated_at": NOW,
    }
    return SimpleNamespace(**(fields | extra))


def screening(**extra):
    fields = {
        "pk": 5,
        "status": "completed",
        "revision": 1,
        "supersedes_id": None,
        "client_id": 12,
        "answers": {f"phq9-{n}": 1 for n in range(1, 10)},
        "mode": "self_report",
        "status_reason": "",
        "source_identifier": "https://ehr.example.org/qr|enc-1",
        "created_at": NOW,
        "updated_at": NOW,
        "submitted_at": NOW,
    }
    return SimpleNamespace(**(fields | extra))


def response(*items, **extra):
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://screening.example.org/fhir/Questionnaire/phq9|1.0.0",
        "status": "completed",
        "subject": {"reference": "Patient/12"},
        "item": list(items),
    } | extra


def coded(link_id, code, system="http://loinc.org"):
    coding = {"code": code} | ({"system": system} if system else {})
    return {"linkId": link_id, "answer": [{"valueCoding": coding}]}


def phq9_items(value_code="LA6569-3"):
    return [coded(f"phq9-{n}", value_code) for n in range(1, 10)]


def expressions(error: ResourceError) -> list[str]:
    return [e for issue in error.issues for e in issue.expression]


# --- Patient ----------------------------------------------------------------------------------


def test_a_patient_round_trips_to_client_fields():
    patient = patient_resource(client(), [("https://ehr.example.org/mrn", "MRN-1")])
    validate_resource(patient)
    assert patient["id"] == "12"
    assert patient["name"] == [{"use": "official", "family": "Silva", "given": ["Ana", "Maria"]}]
    assert patient["gender"] == "female"
    assert patient["birthDate"] == "1990-04-02"
    assert patient["meta"]["lastUpdated"] == "2026-01-02T03:04:05.678Z"
    fields, paths = client_fields(patient)
    assert fields == {
        "given_name": "Ana Maria",
        "family_name": "Silva",
        "birth_date": dt.date(1990, 4, 2),
        "administrative_sex": "female",
        "active": True,
        "identifiers": [{"system": "https://ehr.example.org/mrn", "value": "MRN-1"}],
        "pronouns": "she/her",
    }
    assert paths["pronouns"] == "Patient.extension[0].extension[0].valueCodeableConcept"


def test_a_patient_without_recorded_sex_or_pronouns():
    patient = patient_resource(client(administrative_sex="", pronouns=""), [])
    validate_resource(patient)
    assert "gender" not in patient
    assert "extension" not in patient
    assert "identifier" not in patient
    fields, _ = client_fields(patient)
    assert fields["administrative_sex"] is None
    assert fields["pronouns"] is None


def test_the_official_name_is_chosen():
    fields, paths = client_fields(
        {
            "resourceType": "Patient",
            "name": [
                {"use": "nickname", "family": "S", "given": ["Annie"]},
                {"use": "official", "family": "Silva", "given": ["Ana"]},
            ],
            "birthDate": "1990-04-02",
        }
    )
    assert (fields["given_name"], fields["family_name"]) == ("Ana", "Silva")
    assert paths["family_name"] == "Patient.name[1].family"


def test_client_fields_reports_every_problem():
    with pytest.raises(ResourceError) as caught:
        client_fields(
            {
                "resourceType": "Patient",
                "name": [{"family": "Silva"}],
                "birthDate": "1990-04",
                "gender": "f",
                "active": "yes",
                "identifier": [{"system": "urn:x"}],
            }
        )
    assert expressions(caught.value) == [
        "Patient.name[0].given",
        "Patient.birthDate",
        "Patient.gender",
        "Patient.active",
        "Patient.identifier[0].value",
    ]
    with pytest.raises(ResourceError) as caught:
        client_fields({"resourceType": "Observation"})
    assert caught.value.structural


# --- QuestionnaireResponse out ----------------------------------------------------------------


def test_a_screening_as_a_questionnaire_response():
    out = questionnaire_response_resource(
        screening(answers={**{f"phq9-{n}": 0 for n in range(1, 9)}, "phq9-9": 1, "phq9-10": 2}),
        compiled=PHQ9_COMPILED,
        questionnaire="https://s.example.org/fhir/Questionnaire/phq9|1.0.0",
    )
    validate_resource(out)
    assert out["status"] == "completed"
    assert out["identifier"] == {"system": "https://ehr.example.org/qr", "value": "enc-1"}
    assert out["subject"] == out["source"] == {"reference": "Patient/12"}
    assert [i["linkId"] for i in out["item"]] == [f"phq9-{n}" for n in range(1, 11)]
    assert out["item"][8]["answer"] == [
        {
            "valueCoding": {
                "system": "http://loinc.org",
                "code": "LA6569-3",
                "display": "Several days",
            }
        }
    ]
    assert out["item"][9]["answer"][0]["valueCoding"]["code"] == "LA6575-0"


@pytest.mark.parametrize(
    ("status", "fhir"),
    [
        ("in_progress", "in-progress"),
        ("completed", "completed"),
        ("amended", "amended"),
        ("voided", "entered-in-error"),
    ],
)
def test_response_statuses(status, fhir):
    out = questionnaire_response_resource(
        screening(status=status, submitted_at=None, mode="clinician", status_reason="why"),
        compiled=PHQ9_COMPILED,
        questionnaire="https://s.example.org/fhir/Questionnaire/phq9|1.0.0",
        superseded_by=9 if status == "amended" else None,
    )
    validate_resource(out)
    assert out["status"] == fhir
    assert "source" not in out
    assert out["authored"] == instant(NOW)


def test_a_boolean_answer_goes_out_as_value_boolean():
    out = questionnaire_response_resource(
        screening(answers={"pcptsd5-trauma": True, "pcptsd5-1": False}),
        compiled=PCPTSD_COMPILED,
        questionnaire="https://s.example.org/fhir/Questionnaire/pc-ptsd-5|1.0.0",
    )
    assert [i["answer"] for i in out["item"]] == [
        [{"valueBoolean": True}],
        [{"valueBoolean": False}],
    ]


# --- QuestionnaireResponse in -----------------------------------------------------------------


def read_answers(resource, compiled=PHQ9_COMPILED, definition=PHQ9, submit=True):
    return {
        a["link_id"]: a["value"]
        for a in answers_from_response(resource, compiled, definition, submit=submit)
    }


def test_answers_by_code_integer_decimal_and_without_a_system():
    items = phq9_items()
    items[0] = {"linkId": "phq9-1", "answer": [{"valueInteger": 3}]}
    items[1] = {"linkId": "phq9-2", "answer": [{"valueDecimal": 2.0}]}
    items[2] = coded("phq9-3", "LA6571-9", system=None)
    values = read_answers(response(*items))
    assert values["phq9-1"] == 3
    assert values["phq9-2"] == 2.0
    assert values["phq9-3"] == 3
    assert values["phq9-9"] == 1


def test_groups_and_nested_answers_are_flattened_and_scores_ignored():
    items = phq9_items()
    nested = {"linkId": "group-a", "item": items[:5]}
    answer_with_child = dict(items[5])
    answer_with_child["answer"] = [dict(items[5]["answer"][0], item=[items[6]])]
    resource = response(
        nested,
        answer_with_child,
        items[7],
        items[8],
        {"linkId": "instructions", "text": "Over the last 2 weeks"},
        {"linkId": "score-total", "answer": [{"valueDecimal": 9}]},
    )
    assert read_answers(resource) == {f"phq9-{n}": 1 for n in range(1, 10)}


def test_an_lhc_forms_response_reads_into_the_imported_instrument():
    from screening.fhir import definition_from_questionnaire

    lhc = load(LHC_PHQ9)
    definition, _ = definition_from_questionnaire(lhc, samples=0)
    compiled = compile_definition(definition)
    items = [
        {"linkId": q["linkId"], "answer": [{"valueCoding": q["answerOption"][1]["valueCoding"]}]}
        for q in lhc["item"]
        if q["type"] == "choice"
    ]
    items.append({"linkId": "/44261-6", "answer": [{"valueDecimal": 9}]})  # its calculated total
    values = read_answers(response(*items), compiled, definition)
    assert values["44250-9"] == 1
    assert values["44260-8"] == 1
    assert len(values) == 10


def test_unknown_repeated_and_multiple_answers_are_reported_with_paths():
    items = phq9_items()
    items.append({"linkId": "phq9-99", "answer": [{"valueInteger": 1}]})
    items.append(coded("phq9-2", "LA6568-5"))
    items[0] = {"linkId": "phq9-1", "answer": [{"valueInteger": 1}, {"valueInteger": 2}]}
    items[3] = coded("phq9-4", "LA6569-3", system="http://snomed.info/sct")
    items[4] = {"linkId": "phq9-5", "answer": [{"valueBoolean": True}]}
    with pytest.raises(ResourceError) as caught:
        read_answers(response(*items))
    assert expressions(caught.value) == [
        "QuestionnaireResponse.item[0].answer[1]",
        "QuestionnaireResponse.item[3].answer[0].valueCoding",
        "QuestionnaireResponse.item[4].answer[0].valueBoolean",
        "QuestionnaireResponse.item[9].linkId",
        "QuestionnaireResponse.item[10]",
    ]


def test_engine_checks_are_reported_on_the_answer():
    # PC-PTSD-5: items 1-5 are asked only after a trauma; answering one without is an error.
    items = [
        {"linkId": "pcptsd5-trauma", "answer": [{"valueBoolean": False}]},
        {"linkId": "pcptsd5-1", "answer": [{"valueBoolean": True}]},
        {"linkId": "pcptsd5-2", "answer": [{"valueInteger": 1}]},
    ]
    with pytest.raises(ResourceError) as caught:
        read_answers(response(*items), PCPTSD_COMPILED, PCPTSD)
    assert expressions(caught.value) == ["QuestionnaireResponse.item[2].answer[0].valueInteger"]
    with pytest.raises(ResourceError) as caught:
        read_answers(response(*items[:2]), PCPTSD_COMPILED, PCPTSD)
    assert expressions(caught.value) == ["QuestionnaireResponse.item[1].answer[0]"]
    assert read_answers(response(items[0]), PCPTSD_COMPILED, PCPTSD) == {"pcptsd5-trauma": False}


def test_submitting_needs_every_required_answer_but_saving_does_not():
    partial = response(*phq9_items()[:3])
    with pytest.raises(ResourceError) as caught:
        read_answers(partial)
    assert {i.code for i in caught.value.issues} == {"required"}
    assert len(read_answers(partial, submit=False)) == 3


def test_read_response_header():
    header = read_response(
        response(
            identifier={"system": "urn:ehr", "value": "1"},
            source={"reference": "RelatedPerson/4"},
            status="in-progress",
        )
    )
    assert (header.status, header.identifier, header.mode) == (
        "in-progress",
        "urn:ehr|1",
        "informant",
    )
    assert read_response(response()).mode == "self_report"
    with pytest.raises(ResourceError) as caught:
        read_response(
            {"resourceType": "QuestionnaireResponse", "status": "amended", "identifier": {}}
        )
    assert expressions(caught.value) == [
        "QuestionnaireResponse.questionnaire",
        "QuestionnaireResponse.subject",
        "QuestionnaireResponse.status",
        "QuestionnaireResponse.identifier.value",
    ]


# --- Observation ------------------------------------------------------------------------------


def scale_score(**extra):
    fields = {
        "pk": 31,
        "instrument_code": "phq9",
        "scale_id": "total",
        "score": Decimal("9.00"),
        "complete": True,
        "scored_at": NOW,
        "client_id": 12,
        "screening_id": 5,
    }
    return SimpleNamespace(**(fields | extra))


PHQ9_TOTAL_RESULT = {
    "title": "PHQ-9 total score",
    "method": "sum",
    "band": {"code": "mild", "label": "Mild", "interpretation": "Possible mild symptoms."},
    "complete": True,
    "prorated": False,
    "answered": 9,
    "expected": 9,
    "bands_provisional": False,
}


def test_a_scale_score_as_an_observation():
    out = observation_resource(
        scale_score(),
        status="final",
        scale=PHQ9["scales"][0],
        scale_result=PHQ9_TOTAL_RESULT,
        effective=NOW,
        last_updated=NOW,
    )
    validate_resource(out)
    assert out["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "44261-6",
        "display": "Patient health questionnaire 9 item total score",
    }
    assert out["valueInteger"] == 9
    assert out["interpretation"][0]["coding"][0] == {
        "system": BAND_SYSTEM,
        "code": "phq9/total/mild",
        "display": "Mild",
    }
    assert out["interpretation"][0]["text"] == "Possible mild symptoms."
    assert out["derivedFrom"] == [{"reference": "QuestionnaireResponse/5"}]
    assert out["subject"] == {"reference": "Patient/12"}
    assert out["category"][0]["coding"][0]["code"] == "survey"


def test_our_own_code_means_as_quantities_and_unscored_scales():
    scale = {"id": "calm", "title": "Calm", "method": "mean", "items": ["a"], "missing": {}}
    result = {
        "title": "Calm",
        "band": None,
        "prorated": True,
        "complete": False,
        "answered": 4,
        "expected": 5,
        "bands_provisional": True,
    }
    out = observation_resource(
        scale_score(instrument_code="hisi", scale_id="calm", score=Decimal("2.25")),
        status="final",
        scale=scale,
        scale_result=result,
        effective=NOW,
        last_updated=NOW,
    )
    validate_resource(out)
    assert out["code"]["coding"] == [{"system": SCALE_SYSTEM, "code": "hisi/calm"}]
    assert out["valueQuantity"] == {
        "value": 2.25,
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
    assert [n["text"][:8] for n in out["note"]] == ["Prorated", "The band"]
    unscored = observation_resource(
        scale_score(score=None, complete=False),
        status="final",
        scale=PHQ9["scales"][0],
        scale_result=None,
        effective=NOW,
        last_updated=NOW,
    )
    validate_resource(unscored)
    assert "valueInteger" not in unscored
    assert unscored["dataAbsentReason"]["coding"][0]["code"] == "unknown"


@pytest.mark.parametrize(
    ("status", "revision", "fhir"),
    [
        ("completed", False, "final"),
        ("completed", True, "amended"),
        ("amended", False, "cancelled"),
        ("amended", True, "cancelled"),
        ("voided", False, "entered-in-error"),
    ],
)
def test_observation_statuses(status, revision, fhir):
    assert observation_status(status, is_revision=revision) == fhir


# --- Flag -------------------------------------------------------------------------------------


def flag(**extra):
    fields = {
        "pk": 3,
        "client_id": 12,
        "screening_id": 5,
        "rule_id": "self-harm-risk",
        "condition_code": "self-harm-risk",
        "condition_name": "Possible risk of self-harm or suicide (screen, not a diagnosis)",
        "severity": "urgent",
        "instrument_validated": True,
        "response_quality": {},
        "message": "Item 9 answered Several days.",
        "status": "open",
        "rule_source": "PHQ-9 item 9",
        "follow_up_note": "Safety assessment.",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return SimpleNamespace(**(fields | extra))


def test_a_flag_for_clinician_review():
    out = flag_resource(
        flag(),
        screening_status="completed",
        instrument="phq9 1.0.0",
        evidence_observations=[31],
        follow_up_questionnaire="https://s.example.org/fhir/Questionnaire/pcl5",
    )
    validate_resource(out)
    assert out["status"] == "active"
    assert out["code"]["coding"] == [
        {
            "system": CONDITION_SYSTEM,
            "code": "self-harm-risk",
            "display": "Possible risk of self-harm or suicide (screen, not a diagnosis)",
        }
    ]
    assert out["code"]["text"].startswith("Possible risk of self-harm or suicide (screen, not a")
    urls = [e["url"].rsplit("/", 1)[-1] for e in out["extension"]]
    assert urls[:5] == [
        "flag-severity",
        "flag-priority",
        "flag-review-status",
        "clinician-review-notice",
        "flag-explanation",
    ]
    details = [
        e["valueReference"]["reference"]
        for e in out["extension"]
        if e["url"].endswith("flag-detail")
    ]
    assert details == ["QuestionnaireResponse/5", "Observation/31"]
    assert out["period"] == {"start": instant(NOW)}


def test_a_dismissed_flag_ends():
    later = NOW + dt.timedelta(days=1)
    out = flag_resource(
        flag(status="dismissed", severity="review"),
        screening_status="completed",
        instrument="phq9 1.0.0",
        dismissed_at=later,
    )
    validate_resource(out)
    assert out["status"] == "inactive"
    assert out["period"]["end"] == instant(later)


@pytest.mark.parametrize(
    ("review", "screening_status", "fhir"),
    [
        ("open", "completed", "active"),
        ("acknowledged", "completed", "active"),
        ("dismissed", "completed", "inactive"),
        ("open", "amended", "active"),
        ("dismissed", "voided", "entered-in-error"),
        ("open", "voided", "entered-in-error"),
    ],
)
def test_flag_statuses(review, screening_status, fhir):
    assert flag_status(review, screening_status) == fhir


# --- search values, outcomes, bundles --------------------------------------------------------


def test_tokens_and_references():
    assert parse_token("http://loinc.org|44261-6") == Token("http://loinc.org", "44261-6")
    assert parse_token("44261-6") == Token(None, "44261-6")
    assert parse_token("|x") == Token("", "x")
    assert parse_token("http://loinc.org|") == Token("http://loinc.org", None)
    with pytest.raises(SearchValueError):
        parse_token("|")
    assert parse_reference("Patient/12", "Patient") == "12"
    assert parse_reference("12", "Patient") == "12"
    assert parse_reference("https://x.org/fhir/Patient/12", "Patient") == "12"
    assert parse_reference("Group/12", "Patient") is None


@pytest.mark.parametrize(
    ("text", "prefix", "start", "end"),
    [
        (
            "2024",
            "eq",
            dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        ),
        (
            "ge2024-12",
            "ge",
            dt.datetime(2024, 12, 1, tzinfo=dt.UTC),
            dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        ),
        (
            "lt2024-02-29",
            "lt",
            dt.datetime(2024, 2, 29, tzinfo=dt.UTC),
            dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        ),
        (
            "gt2024-05-01T10:00+02:00",
            "gt",
            dt.datetime(2024, 5, 1, 8, tzinfo=dt.UTC),
            dt.datetime(2024, 5, 1, 8, 1, tzinfo=dt.UTC),
        ),
        (
            "2024-05-01T10:00:00.5Z",
            "eq",
            dt.datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=dt.UTC),
            dt.datetime(2024, 5, 1, 10, 0, 0, 600000, tzinfo=dt.UTC),
        ),
    ],
)
def test_dates_are_ranges(text, prefix, start, end):
    parsed = parse_date(text)
    assert (parsed.prefix, parsed.start, parsed.end) == (prefix, start, end)


@pytest.mark.parametrize(
    "text", ["xy2024", "2024-13", "2024-05-01T10:00", "yesterday", "2024-02-30"]
)
def test_bad_dates(text):
    with pytest.raises(SearchValueError):
        parse_date(text)


def test_outcomes_and_bundles_validate():
    issue = Issue("error", "value", "bad", ("QuestionnaireResponse.item[3].answer[0]",))
    moved = issue.rebased("QuestionnaireResponse", "Bundle.entry[2].resource")
    assert moved.expression == ("Bundle.entry[2].resource.item[3].answer[0]",)
    outcome = operation_outcome([issue])
    validate_resource(outcome)
    validate_resource(operation_outcome([]))
    patient = patient_resource(client(), [])
    validate_resource(
        searchset(
            [patient],
            base_url="https://s.example.org/fhir",
            self_url="https://s.example.org/fhir/Patient",
        )
    )
    entries = [
        response_entry(
            201, location="Patient/12", resource=patient, base_url="https://s.example.org/fhir"
        ),
        response_entry(422, outcome=outcome),
    ]
    validate_resource({"resourceType": "Bundle", "type": "batch-response", "entry": entries})
    assert status_line(412) == "412 Precondition Failed"
    assert PRONOUNS.endswith("individual-pronouns")

"""Issue 13, item 7: published wording and order, and unscored questions reported with the result
(REST), never scored."""

import json
from pathlib import Path

from screening.fhir.questionnaire import questionnaire_from_definition
from tests.screenings.helpers import phq9, start

LIBRARY = Path(__file__).resolve().parents[2] / "screening" / "library"


def library(code: str) -> dict:
    return json.loads((LIBRARY / f"{code}.json").read_text(encoding="utf-8"))


def test_pc_ptsd_5_asks_the_lifetime_trauma_question_before_the_past_month_stem():
    definition = library("pc-ptsd-5")
    assert "instructions" not in definition
    first, second = definition["items"][:2]
    assert first["link_id"] == "pcptsd5-trauma"
    assert first["text"].startswith("Sometimes things happen to people")
    assert "lead_in" not in first
    assert second["lead_in"].endswith("In the past month, have you...")


def test_the_pc_ptsd_5_stem_is_exported_after_the_trauma_question_and_shown_only_after_yes():
    exported = questionnaire_from_definition(
        library("pc-ptsd-5"), status="published", base_url="https://s.example.org/fhir"
    )
    link_ids = [item["linkId"] for item in exported["item"]]
    assert link_ids[:3] == ["pcptsd5-trauma", "pcptsd5-1-lead-in", "pcptsd5-1"]
    stem = exported["item"][1]
    assert stem["type"] == "display"
    assert stem["enableWhen"] == exported["item"][2]["enableWhen"]


def test_gad7_carries_its_unscored_difficulty_question():
    definition = library("gad7")
    (difficulty,) = [i for i in definition["items"] if i["link_id"] == "gad7-difficulty"]
    assert difficulty["scored"] is False
    assert difficulty["required"] is False
    assert difficulty["text"].startswith("If you checked off any problems, how difficult")
    total = next(s for s in definition["scales"] if s["id"] == "total")
    assert "gad7-difficulty" not in total["items"]


def test_phq9_question_10_is_returned_with_the_result_and_not_scored(
    clinician_client, client_record, library
):
    answers = [*phq9(total_each=1), {"link_id": "phq9-10", "value": 2}]
    body = start(clinician_client, client_record.pk, "phq9", answers, submit=True).json()
    (reported,) = body["result"]["reported_items"]
    assert reported["link_id"] == "phq9-10"
    assert reported["label"] == "Very difficult"
    assert reported["option"] == {"code": "LA6575-0", "system": "http://loinc.org"}
    assert reported["codes"][0]["code"] == "69722-7"
    assert reported["scored"] is False
    total = next(s for s in body["result"]["scales"] if s["id"] == "total")
    assert total["score"] == 8


def test_the_gad7_difficulty_answer_is_returned_with_the_result_and_not_scored(
    clinician_client, client_record, library
):
    answers = [{"link_id": f"gad7-{n}", "value": 1} for n in range(1, 8)]
    answers.append({"link_id": "gad7-difficulty", "value": 3})
    body = start(clinician_client, client_record.pk, "gad7", answers, submit=True).json()
    assert body["version"] == "1.1.0"
    (reported,) = body["result"]["reported_items"]
    assert (reported["link_id"], reported["label"]) == ("gad7-difficulty", "Extremely difficult")
    total = next(s for s in body["result"]["scales"] if s["id"] == "total")
    assert total["score"] == 7


def test_a_result_without_the_unscored_answer_reports_nothing(
    clinician_client, client_record, library
):
    body = start(clinician_client, client_record.pk, "phq9", phq9(), submit=True).json()
    assert body["result"]["reported_items"] == []

"""No request does more than linear work in its size, and every size is bounded (issue 14,
section 2: a batch entry `GET Questionnaire/<16,000 dashes>` took 11.8 s and ended in a 500).

Each parser's largest accepted input is sent and must answer within a fixed multiple of the CPU
time of a small input of the same shape: the multiple is generous (a quadratic parser misses it
by far), CPU time rather than wall time is measured, and each side is the best of two, so a
loaded machine does not fail these. Where the work can be counted exactly (SQL sent, FHIRPath
steps), it is counted instead.
"""

import json
import time
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screening.fhir import questionnaire_from_definition
from screening.fhir import questionnaire_import as importer
from screening.fhir.questionnaire_import import (
    QuestionnaireImportError,
    definition_from_questionnaire,
)
from screening.fhir_api.bundles import MAX_ENTRIES
from screening.fhir_api.search import MAX_SEARCH_VALUES
from screening.selectors.fhir import questionnaire_version_for_id
from tests.fhir_api.helpers import MRN, post
from tests.fhir_mapping.helpers import calculated, choice_item, questionnaire, value_of
from tests.fhir_mapping.helpers import library as shipped_definition

MULTIPLE = 25  # the largest input may cost this many times the small one, in CPU time


def cpu(run: Callable[[], object], tries: int = 2) -> float:
    best = float("inf")
    for _ in range(tries):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def batch(*urls: str) -> dict:
    entries = [{"request": {"method": "GET", "url": url}} for url in urls]
    return {"resourceType": "Bundle", "type": "batch", "entry": entries}


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["response"]["status"] for e in response.json()["entry"]]


# --- Questionnaire ids ----------------------------------------------------------------------


def test_a_16000_dash_questionnaire_id_in_a_batch_entry_is_a_404_not_a_500(
    integration_client, library
):
    response = post(integration_client, "/fhir/", batch("Questionnaire/" + "-" * 16_000))
    assert statuses(response) == ["404 Not Found"]


@pytest.mark.parametrize(
    "resource_id",
    ["-" * 64, "a-" * 32, "a-1" * 21, "phq9" + "-1" * 30, "pc-ptsd-5-" + "1-" * 27],
)
def test_reading_a_questionnaire_id_sends_no_more_sql_than_a_real_id_does(
    instrument_admin, library, resource_id
):
    def sql_sent(rid: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            questionnaire_version_for_id(user=instrument_admin, resource_id=rid)
        return sum(len(q["sql"]) for q in queries.captured_queries)

    real = sql_sent("pc-ptsd-5-1.1.0")
    assert sql_sent(resource_id) <= 4 * real


def test_real_questionnaire_ids_are_still_found(integration_client, library):
    ids = ["phq9-1.1.0", "pc-ptsd-5-1.1.0", "gad7-1.1.0"]
    response = post(integration_client, "/fhir/", batch(*(f"Questionnaire/{i}" for i in ids)))
    assert statuses(response) == ["200 OK"] * 3


def test_a_full_batch_of_the_worst_questionnaire_ids_costs_what_real_ids_do(
    integration_client, library
):
    worst = batch(*["Questionnaire/" + "a-1" * 21] * MAX_ENTRIES)
    real = batch(*["Questionnaire/phq9-1.1.0"] * MAX_ENTRIES)
    small = cpu(lambda: post(integration_client, "/fhir/", real))
    assert cpu(lambda: post(integration_client, "/fhir/", worst)) <= MULTIPLE * small


# --- searches -------------------------------------------------------------------------------


def identifiers(count: int) -> str:
    return ",".join(f"{MRN}|MRN-{n}" for n in range(count))


def test_a_search_with_more_values_than_the_bound_is_refused_as_too_costly(integration_client):
    response = integration_client.get(
        f"/fhir/Patient?identifier={identifiers(MAX_SEARCH_VALUES + 1)}"
    )
    assert response.status_code == 400
    assert response.json()["issue"][0]["code"] == "too-costly"


def test_values_are_counted_across_repeated_parameters_too(integration_client):
    query = "&".join(f"identifier={MRN}|{n}" for n in range(MAX_SEARCH_VALUES + 1))
    response = integration_client.get(f"/fhir/Patient?{query}")
    assert response.status_code == 400


def test_a_bundle_entry_search_with_too_many_parameters_is_refused_in_its_entry(
    integration_client,
):
    query = "&".join(f"identifier={MRN}|{n}" for n in range(5_000))
    response = post(integration_client, "/fhir/", batch(f"Patient?{query}"))
    assert statuses(response) == ["400 Bad Request"]


def test_the_largest_accepted_search_costs_a_fixed_multiple_of_a_one_value_search(
    integration_client,
):
    largest = f"/fhir/Patient?identifier={identifiers(MAX_SEARCH_VALUES)}"
    assert integration_client.get(largest).status_code == 200
    small = cpu(lambda: integration_client.get(f"/fhir/Patient?identifier={identifiers(1)}"))
    assert cpu(lambda: integration_client.get(largest)) <= MULTIPLE * small


def test_a_full_batch_of_the_largest_searches_costs_a_fixed_multiple_of_small_ones(
    integration_client,
):
    largest = batch(*[f"Patient?identifier={identifiers(MAX_SEARCH_VALUES)}"] * MAX_ENTRIES)
    assert set(statuses(post(integration_client, "/fhir/", largest))) == {"200 OK"}
    small = batch(*[f"Patient?identifier={identifiers(1)}"] * MAX_ENTRIES)
    base = cpu(lambda: post(integration_client, "/fhir/", small))
    assert cpu(lambda: post(integration_client, "/fhir/", largest)) <= MULTIPLE * base


def test_references_in_a_search_are_bounded_like_every_value(integration_client):
    refs = ",".join(f"Patient/{n}" for n in range(1, MAX_SEARCH_VALUES + 2))
    response = integration_client.get(f"/fhir/QuestionnaireResponse?subject={refs}")
    assert response.status_code == 400


# --- Questionnaire import -------------------------------------------------------------------


def term_by_term(count: int) -> dict:
    """A calculatedExpression looking every item up again in each term: cubic to analyse."""
    items = [choice_item(f"q{n}") for n in range(count)]
    total = " + ".join(f"({value_of(f'q{n}')})" for n in range(count))
    return questionnaire(*items, calculated("total", total))


def steps_of(questionnaire_: dict) -> int:
    taken: list[int] = []
    run = importer._Scoring.run

    def counted(self):
        try:
            return run(self)
        finally:
            taken.append(self.steps())

    importer._Scoring.run = counted
    try:
        definition_from_questionnaire(questionnaire_)
    except QuestionnaireImportError:
        pass
    finally:
        importer._Scoring.run = run
    return taken[0]


def test_an_import_too_costly_to_analyse_is_refused_naming_why():
    with pytest.raises(QuestionnaireImportError) as caught:
        definition_from_questionnaire(term_by_term(80))  # took 217 s of CPU before
    assert [issue.code for issue in caught.value.issues] == ["too_costly"]


@pytest.mark.parametrize("count", [20, 80])
def test_an_import_stops_at_its_fhirpath_step_budget(count):
    assert steps_of(term_by_term(count)) <= importer.MAX_FHIRPATH_STEPS + 1


def test_the_costliest_shipped_instrument_imports_well_within_the_budget():
    pcl5 = questionnaire_from_definition(
        shipped_definition("pcl5"), status="published", base_url="http://testserver/fhir"
    )
    assert steps_of(pcl5) <= importer.MAX_FHIRPATH_STEPS // 2


def test_the_costliest_refused_import_costs_a_fixed_multiple_of_a_small_one():
    small = cpu(lambda: definition_from_questionnaire(term_by_term(5)))

    def refused():
        with pytest.raises(QuestionnaireImportError):
            definition_from_questionnaire(term_by_term(80))

    assert cpu(refused) <= MULTIPLE * small


def test_a_questionnaire_body_is_bounded_by_the_request_size_limit(
    instrument_admin_client, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(instrument_admin_client, "/fhir/Questionnaire", term_by_term(40))
    assert response.status_code == 413
    assert len(json.dumps(term_by_term(40))) > 10_000

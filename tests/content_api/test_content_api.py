import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Role
from content.models import Comparison
from tests.content_api.helpers import BASE, KINDS, by_code, codes
from tests.factories import UserFactory, api_client_for, member

CITED_KINDS = [kind for kind in KINDS if kind != "sources"]
# The one documented entry without an article citation (it rests on the PHQ-9 and C-SSRS papers).
UNCITED = {("conditions", "self-harm-risk")}


def codes_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()]


@pytest.mark.parametrize("kind", KINDS)
def test_a_list_holds_every_entry_of_its_file_in_file_order(clinician_client, content, kind):
    assert codes_of(clinician_client.get(f"{BASE}{kind}/")) == codes(kind)


@pytest.mark.parametrize("kind", CITED_KINDS)
def test_every_listed_entry_shows_at_least_one_citation(clinician_client, content, kind):
    for row in clinician_client.get(f"{BASE}{kind}/").json():
        if (kind, row["code"]) not in UNCITED:
            assert row["citations"], f"{kind} {row['code']} has no citation"


def test_self_harm_risk_rests_on_external_references_instead_of_citations(
    clinician_client, content
):
    body = clinician_client.get(f"{BASE}conditions/self-harm-risk/").json()
    assert body["citations"] == []
    assert body["external_references"]


def test_a_citation_shows_the_source_code_title_and_section(clinician_client, content):
    body = clinician_client.get(f"{BASE}comparisons/core/").json()
    assert body["citations"][0] == {
        "source": "src-journey",
        "title": "Understanding the Journey of Hyper Independence",
        "label": by_code("sources")["src-journey"]["label"],
        "section": "1. What is the main difference between independence and hyper independence?",
    }


def test_a_source_without_a_printed_title_shows_null(clinician_client, content):
    body = clinician_client.get(f"{BASE}sources/src-armor/").json()
    assert body["title"] is None
    assert body["label"]
    assert body["sections"] == by_code("sources")["src-armor"]["sections"]


def test_a_condition_carries_its_indicators_follow_up_and_not_a_diagnosis(
    clinician_client, content
):
    body = clinician_client.get(f"{BASE}conditions/depression/").json()
    expected = by_code("conditions")["depression"]
    assert body["indicators"] == [c for c in codes("indicators") if c in expected["indicators"]]
    assert body["follow_up_instrument"] == "phq9"
    assert "not a diagnosis" in body["not_a_diagnosis"]


def test_a_condition_without_a_follow_up_instrument_shows_null(clinician_client, content):
    body = clinician_client.get(f"{BASE}conditions/burnout/").json()
    assert body["follow_up_instrument"] is None


def test_an_indicator_shows_its_domain_and_examples(clinician_client, content):
    body = clinician_client.get(f"{BASE}indicators/HI-ASK-HELP/").json()
    assert body["domain"] == "help-seeking"
    assert body["examples"] == by_code("indicators")["HI-ASK-HELP"]["examples"]


def test_indicators_filter_by_domain(clinician_client, content):
    expected = [i["code"] for i in by_code("indicators").values() if i["domain"] == "trust"]
    assert codes_of(clinician_client.get(f"{BASE}indicators/?domain=trust")) == expected


def test_indicators_filter_by_the_condition_they_point_towards(clinician_client, content):
    expected = set(by_code("conditions")["ptsd"]["indicators"])
    assert set(codes_of(clinician_client.get(f"{BASE}indicators/?condition=ptsd"))) == expected


@pytest.mark.parametrize("kind", CITED_KINDS)
def test_every_cited_kind_filters_by_source(clinician_client, content, kind):
    expected = [
        code
        for code, item in by_code(kind).items()
        if any(c["source"] == "src-social-beings" for c in item["citations"])
    ]
    response = clinician_client.get(f"{BASE}{kind}/?source=src-social-beings")
    assert codes_of(response) == [c for c in codes(kind) if c in expected]


@pytest.mark.parametrize("kind", ["conditions", "origins", "impacts", "approaches"])
def test_kinds_related_to_indicators_filter_by_any_of_several(clinician_client, content, kind):
    wanted = {"HI-ASK-HELP", "HI-VIGILANCE"}
    expected = [
        code for code, item in by_code(kind).items() if wanted & set(item.get("indicators", []))
    ]
    response = clinician_client.get(f"{BASE}{kind}/?indicator=HI-ASK-HELP,HI-VIGILANCE")
    assert codes_of(response) == expected


def test_approaches_filter_by_type(clinician_client, content):
    expected = [a["code"] for a in by_code("approaches").values() if a["type"] == "service"]
    assert codes_of(clinician_client.get(f"{BASE}approaches/?type=service")) == expected


def test_an_unknown_approach_type_is_a_400_naming_the_parameter(clinician_client, content):
    response = clinician_client.get(f"{BASE}approaches/?type=magic")
    assert response.status_code == 400
    assert "type" in response.json()["fields"]


def test_an_unknown_code_in_a_filter_matches_nothing(clinician_client, content):
    assert codes_of(clinician_client.get(f"{BASE}indicators/?domain=nowhere")) == []


def test_q_searches_case_insensitively_across_text_fields(clinician_client, content):
    # "Superwoman" appears in a citation heading only, never in our text: it must not match.
    assert codes_of(clinician_client.get(f"{BASE}conditions/?q=PC-PTSD-5")) == ["ptsd"]
    assert "HI-ASK-HELP" in codes_of(clinician_client.get(f"{BASE}indicators/?q=RELUCTANCE"))


def test_q_requires_every_word_to_appear(clinician_client, content):
    both = codes_of(clinician_client.get(f"{BASE}indicators/?q=ask help"))
    assert "HI-ASK-HELP" in both
    assert codes_of(clinician_client.get(f"{BASE}indicators/?q=ask zzzunmatched")) == []


def test_q_searches_indicator_examples(clinician_client, content):
    example = by_code("indicators")["HI-ASK-HELP"]["examples"][0]
    word = max(example.split(), key=len).strip(".,")
    assert "HI-ASK-HELP" in codes_of(clinician_client.get(f"{BASE}indicators/?q={word}"))


def test_filters_combine(clinician_client, content):
    response = clinician_client.get(f"{BASE}indicators/?domain=help-seeking&q=zzzunmatched")
    assert codes_of(response) == []


def test_anonymous_callers_get_401(anonymous_client, content):
    response = anonymous_client.get(f"{BASE}indicators/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_code_is_a_404(clinician_client, content):
    response = clinician_client.get(f"{BASE}indicators/HI-NO-SUCH-SIGN/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_code_of_another_kind_is_a_404(clinician_client, content):
    assert clinician_client.get(f"{BASE}conditions/HI-ASK-HELP/").status_code == 404


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.INTEGRATION])
def test_every_member_role_reads_the_content(content, role):
    client = api_client_for(member(role))
    assert client.get(f"{BASE}conditions/ptsd/").status_code == 200


def test_an_instrument_admin_without_an_organization_reads_the_content(
    instrument_admin_client, content
):
    assert instrument_admin_client.get(f"{BASE}domains/").status_code == 200


def test_a_user_with_no_membership_and_no_library_role_gets_403(db, content):
    client = api_client_for(UserFactory())
    assert client.get(f"{BASE}domains/").status_code == 403


def test_a_retired_entry_leaves_the_list_but_is_still_found_by_code(clinician_client, content):
    retired = codes("comparisons")[-1]
    Comparison.objects.filter(code=retired).update(retired_at="2025-01-01T00:00:00Z")
    assert retired not in codes_of(clinician_client.get(f"{BASE}comparisons/"))
    body = clinician_client.get(f"{BASE}comparisons/{retired}/").json()
    assert body["retired_at"] is not None


def test_writes_are_not_allowed(instrument_admin_client, content):
    response = instrument_admin_client.post(f"{BASE}indicators/", {}, format="json")
    assert response.status_code == 405


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", KINDS)
def test_a_list_costs_the_same_queries_for_one_entry_as_for_all(clinician_client, content, kind):
    first = codes(kind)[0]
    clinician_client.get(f"{BASE}{kind}/")  # the token's first use records its last-used time
    one = _queries(clinician_client, f"{BASE}{kind}/?q={first}")
    every = _queries(clinician_client, f"{BASE}{kind}/")
    assert one == every


@pytest.mark.parametrize("kind", KINDS)
def test_a_list_stays_within_its_query_budget(
    clinician_client, content, django_assert_max_num_queries, kind
):
    clinician_client.get(f"{BASE}{kind}/")  # the token's first use records its last-used time
    # The caller (token, user and membership in one), the entries, then one query per relation:
    # cited sources and related indicators.
    with django_assert_max_num_queries(4):
        response = clinician_client.get(f"{BASE}{kind}/")
    assert len(response.json()) == len(codes(kind))

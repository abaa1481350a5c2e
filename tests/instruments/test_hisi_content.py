"""The HISI definition agrees with the knowledge base and is written in our own words.

Pure Python: reads JSON files only, no database. The originality test checks the definition
against the articles' committed fingerprint (as ``tests/content/test_originality.py`` does).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from content.originality import find_copies
from tests.seeds import seed_fingerprints, walk_strings

REPO = Path(__file__).resolve().parents[2]
HISI = REPO / "screening" / "library" / "hisi.json"
DATA_DIR = REPO / "content" / "data"

# Conditions the HISI must be able to flag (self-harm-risk is deliberately absent: no such item).
REQUIRED_CONDITIONS = {
    "ptsd",
    "avpd",
    "npd",
    "bpd",
    "szpd",
    "depression",
    "anxiety",
    "burnout",
    "loneliness",
}
# Follow-up instruments we ship; a rule names one when its condition's content names it.
SHIPPED_FOLLOW_UPS = {"pc-ptsd-5", "pcl5", "phq9", "gad7", "ucla3"}


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def kb(kind: str) -> dict[str, dict[str, Any]]:
    return {entry["code"]: entry for entry in load(DATA_DIR / f"{kind}.json")["items"]}


@pytest.fixture(scope="module")
def hisi() -> dict[str, Any]:
    return load(HISI)


def items_by_id(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["link_id"]: item for item in definition["items"]}


def scale(definition: dict[str, Any], scale_id: str) -> dict[str, Any] | None:
    return next((s for s in definition["scales"] if s["id"] == scale_id), None)


def endorsement_items(node: dict[str, Any]) -> Iterator[str]:
    """Items an expression needs *endorsed* (at or above a value): every one but the consistency
    checks, which compare an item's low end (`<=`)."""
    ((kind, body),) = node.items()
    if kind in ("all", "any"):
        for child in body:
            yield from endorsement_items(child)
    elif kind == "at_least":
        yield from body["of"]
    elif kind == "compare" and "item" in body and body["op"] in (">", ">="):
        yield body["item"]


def consistency_checks(node: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(item, value) of every `<=` comparison: an answer at the low end that must hold too."""
    ((kind, body),) = node.items()
    if kind in ("all", "any"):
        for child in body:
            yield from consistency_checks(child)
    elif kind == "compare" and "item" in body and body["op"] == "<=":
        yield body["item"], body["value"]


def expression_items(node: dict[str, Any]) -> Iterator[str]:
    """The link id of every item an expression mentions."""
    ((kind, body),) = node.items()
    if kind in ("all", "any"):
        for child in body:
            yield from expression_items(child)
    elif kind == "not":
        yield from expression_items(body)
    elif kind == "at_least":
        yield from body["of"]
    elif kind == "compare" and "item" in body:
        yield body["item"]
    elif kind in ("answered", "unanswered"):
        yield body


# ------------------------------------------------------------------ structure and knowledge base


def test_hisi_is_our_own_unvalidated_inventory(hisi):
    assert hisi["code"] == "hisi"
    assert hisi["version"] == "1.1.0"
    assert hisi["validated"] is False
    assert "not validated" in hisi["licence"].lower()
    assert "not a diagnostic" in hisi["licence"].lower()
    assert "not a validated" in hisi["description"].lower()


def test_item_count_and_one_option_set(hisi):
    assert 24 <= len(hisi["items"]) <= 36
    assert list(hisi["option_sets"]) == ["hisi-frequency"]
    values = [option["value"] for option in hisi["option_sets"]["hisi-frequency"]]
    assert values == [0, 1, 2, 3, 4]
    assert {item["options"] for item in hisi["items"]} == {"hisi-frequency"}


def test_every_item_indicator_exists_in_the_knowledge_base(hisi):
    known = kb("indicators")
    for item in hisi["items"]:
        assert item.get("indicators"), f"{item['link_id']} names no indicator"
        unknown = set(item["indicators"]) - set(known)
        assert not unknown, f"{item['link_id']}: unknown indicators {sorted(unknown)}"


def test_every_domain_has_a_scale_with_at_least_three_items(hisi):
    indicators = kb("indicators")
    items = items_by_id(hisi)
    for code in kb("domains"):
        domain_scale = scale(hisi, code)
        assert domain_scale is not None, f"no scale for domain {code!r}"
        assert domain_scale["method"] == "sum"
        assert len(domain_scale["items"]) >= 3, f"domain {code!r} has fewer than 3 items"
        for link_id in domain_scale["items"]:
            # An item belongs to the domain of its first (primary) indicator.
            primary = items[link_id]["indicators"][0]
            assert indicators[primary]["domain"] == code, f"{link_id} is not a {code!r} item"


def test_domain_scales_partition_the_items_and_the_total_sums_them_all(hisi):
    domain_codes = set(kb("domains"))
    all_ids = [item["link_id"] for item in hisi["items"]]
    total = scale(hisi, "total")
    assert total is not None
    assert total["method"] == "sum"
    assert sorted(total["items"]) == sorted(all_ids)
    in_domains = [i for s in hisi["scales"] if s["id"] in domain_codes for i in s["items"]]
    assert sorted(in_domains) == sorted(all_ids)


def test_reverse_items_are_listed_in_every_scale_that_holds_them(hisi):
    reverse = set(scale(hisi, "total").get("reverse_items", []))
    assert 2 <= len(reverse) <= 4
    for each in hisi["scales"]:
        held = reverse & set(each["items"])
        assert set(each.get("reverse_items", [])) == held, each["id"]


def test_bands_are_provisional_and_say_so(hisi):
    for each in hisi["scales"]:
        assert each.get("bands"), f"scale {each['id']!r} has no bands"
        assert each.get("bands_provisional") is True, each["id"]
        assert each["missing"]["rule"] == "prorate"
        assert "provisional" in each["missing"]["source"].lower()
        for band in each["bands"]:
            text = band["interpretation"].lower()
            assert "provisional" in text, (each["id"], band["code"])
            assert "not validated" in text, (each["id"], band["code"])
            assert "clinician review" in text, (each["id"], band["code"])
            assert "provisional" in band["source"].lower()


def test_indicators_the_conditions_rely_on_are_all_measured(hisi):
    measured = {code for item in hisi["items"] for code in item["indicators"]}
    for code in REQUIRED_CONDITIONS:
        missing = set(kb("conditions")[code]["indicators"]) - measured
        assert not missing, f"condition {code!r} relies on unmeasured {sorted(missing)}"


def test_rule_conditions_exist_and_every_required_condition_has_a_rule(hisi):
    conditions = kb("conditions")
    ruled = {rule["condition"] for rule in hisi["rules"]}
    assert ruled <= set(conditions), f"unknown conditions {sorted(ruled - set(conditions))}"
    assert ruled >= REQUIRED_CONDITIONS, f"no rule for {sorted(REQUIRED_CONDITIONS - ruled)}"
    assert "self-harm-risk" not in ruled
    assert not any(item.get("critical") for item in hisi["items"])


def test_rules_use_the_items_of_their_conditions_indicators(hisi):
    conditions = kb("conditions")
    items = items_by_id(hisi)
    reverse = set(scale(hisi, "total").get("reverse_items", []))
    for rule in hisi["rules"]:
        tied = set(conditions[rule["condition"]]["indicators"])
        for link_id in endorsement_items(rule["when"]):
            # A high raw answer on a reverse-scored item is the healthy end: never count it.
            assert link_id not in reverse, f"{rule['id']} uses reverse-scored {link_id}"
            assert tied & set(items[link_id]["indicators"]), (
                f"{rule['id']}: {link_id} measures none of {rule['condition']}'s indicators"
            )


def test_consistency_checks_only_ask_for_the_low_end_and_are_named_in_the_source(hisi):
    for rule in hisi["rules"]:
        for link_id, value in consistency_checks(rule["when"]):
            assert value <= 1, f"{rule['id']}: {link_id} <= {value} is not its low end"
            assert f"({link_id})" in rule["source"], f"{rule['id']} does not explain {link_id}"


def test_personality_related_patterns_are_info_and_name_a_structured_assessment(hisi):
    for rule in hisi["rules"]:
        if rule["condition"] in ("avpd", "npd", "bpd", "szpd"):
            assert rule["severity"] == "info", rule["id"]
            assert "structured assessment by a qualified clinician" in rule["message"], rule["id"]
            assert "disorder" not in rule["label"].lower(), rule["id"]


def test_every_rule_has_a_screen_label_and_says_not_validated(hisi):
    for rule in hisi["rules"]:
        assert rule["label"].startswith("Possible "), rule["id"]
        assert rule["label"].endswith("(screen, not a diagnosis)"), rule["id"]
        assert "not validated" in rule["message"], rule["id"]


def test_the_trauma_pattern_requires_the_trauma_related_items(hisi):
    (rule,) = [r for r in hisi["rules"] if r["id"] == "ptsd-pattern"]
    required = [c["compare"]["item"] for c in rule["when"]["all"] if "compare" in c]
    assert required == ["hisi-20", "hisi-6"]


def test_rules_are_for_clinician_review_and_name_the_content_follow_up(hisi):
    conditions = kb("conditions")
    for rule in hisi["rules"]:
        assert rule["severity"] in ("info", "review")
        message = rule["message"].lower()
        assert "for clinician review" in message, rule["id"]
        assert "possible" in message, rule["id"]
        assert "consider" in message, rule["id"]
        assert rule.get("follow_up_note"), rule["id"]
        assert f"content condition {rule['condition']}" in rule.get("source", ""), rule["id"]
        expected = conditions[rule["condition"]]["follow_up_instrument"]
        expected = expected if expected in SHIPPED_FOLLOW_UPS else None
        assert rule["follow_up"] == expected, rule["id"]


# ------------------------------------------------------------------ our own words


def hisi_strings(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) for every string of the definition except the citation.

    The citation names the articles by their printed titles, as sources.json does.
    """
    return [
        ("hisi.json:" + "/".join(str(p) for p in path), text)
        for path, text in walk_strings(definition, ())
        if path != ("citation",)
    ]


def test_the_checked_strings_include_all_wording(hisi):
    labels = {label for label, _ in hisi_strings(hisi)}
    assert "hisi.json:instructions" in labels
    assert "hisi.json:description" in labels
    assert "hisi.json:items/0/text" in labels
    assert "hisi.json:rules/0/message" in labels
    assert "hisi.json:scales/0/bands/0/interpretation" in labels


def test_hisi_shares_no_eight_word_run_with_any_article(hisi):
    hits = find_copies(hisi_strings(hisi), seed_fingerprints())
    report = "\n".join(f"{label} <- {src}: {run!r}" for label, src, run in hits)
    assert not hits, f"HISI copies article wording (reword it):\n{report}"

"""Integrity of the knowledge base in content/data/*.json (pure Python, no Django, no DB).

Checks that codes are unique and well formed, that every cross-reference resolves, that every
citation names a real article section (a line of the article, known from the articles' committed
fingerprint), and that the required conditions are present.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.seeds import seed_fingerprints

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "content" / "data"
COVERAGE_DOC = REPO / "docs" / "content-coverage.md"

FILES = [
    "sources.json",
    "domains.json",
    "indicators.json",
    "conditions.json",
    "origins.json",
    "impacts.json",
    "comparisons.json",
    "approaches.json",
]
CODE_PATTERNS = {
    "sources.json": re.compile(r"^src-[a-z0-9]+(?:-[a-z0-9]+)*$"),
    "indicators.json": re.compile(r"^HI-[A-Z0-9]+(?:-[A-Z0-9]+)*$"),
}
LOWER_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

REQUIRED_DOMAINS = {
    "help-seeking",
    "control",
    "trust",
    "relationships",
    "self-worth",
    "detachment",
    "strain",
}
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
    "self-harm-risk",
}
# The validated follow-up instrument each condition points to (codes shipped by screening/).
EXPECTED_FOLLOW_UP = {
    "ptsd": {"pcl5", "pc-ptsd-5"},
    "depression": {"phq9"},
    "anxiety": {"gad7"},
    "loneliness": {"ucla3"},
    "avpd": {None},
    "npd": {None},
    "bpd": {None},
    "szpd": {None},
    "burnout": {None},
    "self-harm-risk": {None},
}
# The one documented entry that may have no article citation (it rests on the PHQ-9 paper).
UNCITED_ALLOWED = {("conditions.json", "self-harm-risk")}

REQUIRED_FIELDS = {
    "sources.json": {"code", "file", "title", "label", "publisher", "author", "date", "sections"},
    "domains.json": {"code", "name", "description", "citations"},
    "indicators.json": {"code", "name", "domain", "description", "examples", "citations"},
    "conditions.json": {
        "code",
        "name",
        "relation",
        "distinguishing",
        "indicators",
        "follow_up_instrument",
        "follow_up_note",
        "not_a_diagnosis",
        "citations",
    },
    "origins.json": {"code", "name", "description", "citations"},
    "impacts.json": {"code", "name", "description", "citations"},
    "comparisons.json": {"code", "aspect", "healthy", "hyper", "citations"},
    "approaches.json": {"code", "name", "description", "citations"},
}

# Promotional material from the articles must not enter our content.
MARKETING = re.compile(
    r"charlie health|unplugged psych|intensive outpatient|\biop\b|get started|book (?:a|an|now)"
    r"|call (?:us|now|today)|https?://|www\.|\b\d{3}[-. ]\d{3}[-. ]\d{4}\b|% of .* clients",
    re.IGNORECASE,
)
# Content never asserts a diagnosis.
DIAGNOSTIC_CLAIM = re.compile(
    r"\b(?:is diagnosed|diagnosed with|confirms? (?:a|the) diagnosis|you have (?:ptsd|"
    r"depression|anxiety|bpd|npd|avpd)|this means you)\b",
    re.IGNORECASE,
)


def load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def items(name: str) -> list[dict]:
    return load(name)["items"]


def by_code(name: str) -> dict[str, dict]:
    return {item["code"]: item for item in items(name)}


def all_entries():
    for name in FILES:
        for item in items(name):
            yield name, item


def is_line_of_article(file_name: str, line: str) -> bool:
    fingerprints = seed_fingerprints()
    assert file_name in fingerprints, f"no fingerprint of article {file_name}"
    return fingerprints[file_name].has_line(line)


# ------------------------------------------------------------------ format


@pytest.mark.parametrize("name", FILES)
def test_file_is_versioned_and_canonically_formatted(name):
    raw = (DATA_DIR / name).read_text(encoding="utf-8")
    data = json.loads(raw)
    assert data["schema_version"] == 1
    assert data["kind"] == name.removesuffix(".json")
    assert isinstance(data["items"], list)
    assert data["items"], f"{name} has no items"
    assert raw == json.dumps(data, indent=2, ensure_ascii=False) + "\n", (
        f"{name} is not in canonical form (UTF-8, 2-space indent, trailing newline)"
    )


def test_no_unexpected_data_files():
    assert sorted(p.name for p in DATA_DIR.glob("*.json")) == sorted(FILES)


@pytest.mark.parametrize("name", FILES)
def test_codes_unique_and_well_formed(name):
    codes = [item["code"] for item in items(name)]
    assert len(codes) == len(set(codes)), f"duplicate codes in {name}"
    pattern = CODE_PATTERNS.get(name, LOWER_CODE)
    bad = [code for code in codes if not pattern.match(code)]
    assert not bad, f"malformed codes in {name}: {bad}"


@pytest.mark.parametrize("name", FILES)
def test_required_fields_present(name):
    for item in items(name):
        missing = REQUIRED_FIELDS[name] - item.keys()
        assert not missing, f"{name}:{item.get('code')} lacks {sorted(missing)}"


def test_text_fields_are_non_empty_strings():
    skip = {"code", "citations", "sections", "examples", "indicators", "external_references"}
    for name, item in all_entries():
        for key, value in item.items():
            if key in skip or value is None:
                continue
            if isinstance(value, str):
                assert value, f"{name}:{item['code']}.{key} is empty"
                assert value.strip() == value, f"{name}:{item['code']}.{key} has padding"


# ------------------------------------------------------------------ citations


def test_sources_sections_are_unique_and_files_distinct():
    sources = items("sources.json")
    assert len(sources) == 4
    assert len({s["file"] for s in sources}) == len(sources)
    for source in sources:
        assert source["sections"], source["code"]
        assert len(source["sections"]) == len(set(source["sections"])), source["code"]
        assert source["date"] is None or re.match(r"^\d{4}-\d{2}-\d{2}$", source["date"])


def test_source_files_and_sections_exist_in_seeds():
    for source in items("sources.json"):
        missing = [s for s in source["sections"] if not is_line_of_article(source["file"], s)]
        assert not missing, f"{source['code']}: headings not found as lines: {missing}"
        if source["title"]:
            assert is_line_of_article(source["file"], source["title"]), source["code"]


def test_every_citation_resolves_to_a_listed_section():
    sources = by_code("sources.json")
    for name, item in all_entries():
        citations = item.get("citations", [])
        seen = set()
        for citation in citations:
            assert set(citation) == {"source", "section"}, f"{name}:{item['code']}"
            source = sources.get(citation["source"])
            assert source, f"{name}:{item['code']} cites unknown source {citation['source']}"
            assert citation["section"] in source["sections"], (
                f"{name}:{item['code']} cites unknown section {citation['section']!r}"
            )
            key = (citation["source"], citation["section"])
            assert key not in seen, f"{name}:{item['code']} repeats citation {key}"
            seen.add(key)


def test_every_cited_section_appears_as_a_line_in_its_seed():
    sources = by_code("sources.json")
    for name, item in all_entries():
        for citation in item.get("citations", []):
            file_name = sources[citation["source"]]["file"]
            assert is_line_of_article(file_name, citation["section"]), (
                f"{name}:{item['code']}: {citation['section']!r} is not a line of "
                f"{sources[citation['source']]['file']}"
            )


def test_every_entry_has_a_citation_except_the_documented_case():
    for name, item in all_entries():
        if name == "sources.json":
            continue
        if (name, item["code"]) in UNCITED_ALLOWED:
            continue
        assert item["citations"], f"{name}:{item['code']} has no citation"


def test_uncited_entry_carries_external_references():
    conditions = by_code("conditions.json")
    for _, code in UNCITED_ALLOWED:
        refs = conditions[code]["external_references"]
        assert refs, code
        assert any("PHQ-9" in ref["citation"] for ref in refs), code


def test_every_source_is_cited():
    cited = {c["source"] for _, item in all_entries() for c in item.get("citations", [])}
    assert cited == set(by_code("sources.json"))


# ------------------------------------------------------------------ cross-references


def test_indicators_have_existing_domains_and_every_domain_has_indicators():
    domains = by_code("domains.json")
    assert set(domains) == REQUIRED_DOMAINS
    counts = dict.fromkeys(domains, 0)
    for indicator in items("indicators.json"):
        assert indicator["domain"] in domains, indicator["code"]
        counts[indicator["domain"]] += 1
    empty = [code for code, n in counts.items() if n == 0]
    assert not empty, f"domains without indicators: {empty}"


def test_indicator_examples_are_lists_of_strings():
    for indicator in items("indicators.json"):
        examples = indicator["examples"]
        assert isinstance(examples, list), indicator["code"]
        assert examples, indicator["code"]
        assert all(isinstance(e, str) and e.strip() for e in examples), indicator["code"]
        assert len(examples) == len(set(examples)), indicator["code"]


def test_indicator_names_are_unique():
    names = [i["name"].casefold() for i in items("indicators.json")]
    assert len(names) == len(set(names))


def test_required_conditions_exist():
    assert set(by_code("conditions.json")) == REQUIRED_CONDITIONS


def test_condition_indicators_exist():
    indicators = set(by_code("indicators.json"))
    for condition in items("conditions.json"):
        codes = condition["indicators"]
        assert len(codes) == len(set(codes)), condition["code"]
        unknown = set(codes) - indicators
        assert not unknown, f"{condition['code']} names unknown indicators {unknown}"
        if condition["code"] != "self-harm-risk":
            assert codes, f"{condition['code']} lists no indicators"


def test_self_harm_risk_is_not_tied_to_hyper_independence_indicators():
    condition = by_code("conditions.json")["self-harm-risk"]
    assert condition["indicators"] == []
    assert "PHQ-9 item 9" in condition["relation"]
    assert "C-SSRS" in condition["follow_up_note"]


def test_condition_follow_up_instruments():
    for condition in items("conditions.json"):
        allowed = EXPECTED_FOLLOW_UP[condition["code"]]
        assert condition["follow_up_instrument"] in allowed, condition["code"]
        assert condition["follow_up_note"], condition["code"]
        instrument = condition["follow_up_instrument"]
        if instrument:
            assert instrument in condition["follow_up_note"], condition["code"]


def test_personality_conditions_point_to_structured_interview():
    for code in ("avpd", "npd", "bpd", "szpd"):
        assert "SCID-5-PD" in by_code("conditions.json")[code]["follow_up_note"], code


def test_conditions_say_they_are_not_a_diagnosis():
    for condition in items("conditions.json"):
        assert "not a diagnosis" in condition["not_a_diagnosis"], condition["code"]


def test_external_references_shape():
    for name, item in all_entries():
        for ref in item.get("external_references", []):
            assert set(ref) == {"citation", "relevance"}, f"{name}:{item['code']}"
            assert ref["citation"].strip()
            assert ref["relevance"].strip()


@pytest.mark.parametrize("name", ["origins.json", "impacts.json", "approaches.json"])
def test_related_indicator_codes_exist(name):
    indicators = set(by_code("indicators.json"))
    for item in items(name):
        unknown = set(item.get("indicators", [])) - indicators
        assert not unknown, f"{name}:{item['code']} names unknown indicators {unknown}"


def test_required_origins_impacts_and_approaches_are_covered():
    origins = set(by_code("origins.json"))
    assert {
        "emotional-neglect",
        "parentification",
        "betrayal-abandonment",
        "relational-trauma",
        "loss",
        "household-strain",
    } <= origins
    impacts = set(by_code("impacts.json"))
    assert {
        "stress-burnout",
        "anxiety",
        "depression",
        "physical-strain",
        "isolation",
        "relationship-strain",
        "self-esteem",
        "numbness",
    } <= impacts
    approaches = set(by_code("approaches.json"))
    assert {
        "cbt",
        "psychodynamic",
        "emdr",
        "tf-cbt",
        "attachment-based",
        "eft",
        "graded-help-seeking",
        "self-compassion",
        "assertive-communication",
        "boundaries",
    } <= approaches


def test_comparisons_have_both_sides():
    for item in items("comparisons.json"):
        assert item["healthy"].strip(), item["code"]
        assert item["hyper"].strip(), item["code"]
        assert item["healthy"] != item["hyper"], item["code"]


# ------------------------------------------------------------------ content hygiene


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def _content_texts():
    for name, item in all_entries():
        fields = dict(item)
        if name == "sources.json":
            for key in ("title", "publisher", "author", "sections"):
                fields.pop(key, None)
        fields.pop("citations", None)
        for text in _texts(fields):
            yield name, item["code"], text


def test_no_marketing_in_content():
    hits = [(n, c, t) for n, c, t in _content_texts() if MARKETING.search(t)]
    assert not hits, hits


def test_no_diagnostic_claims_in_content():
    hits = [(n, c, t) for n, c, t in _content_texts() if DIAGNOSTIC_CLAIM.search(t)]
    assert not hits, hits


# ------------------------------------------------------------------ coverage document


def test_coverage_document_accounts_for_every_indicator_and_source():
    assert COVERAGE_DOC.is_file(), f"missing {COVERAGE_DOC}"
    doc = COVERAGE_DOC.read_text(encoding="utf-8")
    indicators = set(by_code("indicators.json"))
    mentioned = set(re.findall(r"\bHI-[A-Z0-9]+(?:-[A-Z0-9]+)*\b", doc))
    assert not mentioned - indicators, f"unknown codes in coverage: {mentioned - indicators}"
    assert not indicators - mentioned, f"indicators missing from coverage: {indicators - mentioned}"
    for source in items("sources.json"):
        assert source["file"] in doc, source["file"]


def parse_coverage() -> tuple[dict[str, list[str]], set[tuple[str, str, str]]]:
    """Sections per source, and (indicator, source, section) rows, from the coverage document."""
    sections: dict[str, list[str]] = {}
    rows: set[tuple[str, str, str]] = set()
    source = section = None
    for line in COVERAGE_DOC.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^## `(src-[a-z0-9-]+)`", line):
            source, section = match.group(1), None
            sections[source] = []
        elif line.startswith("## "):
            source = section = None
        elif match := re.match(r"^### Section: (.+)$", line):
            assert source, f"section outside an article: {line}"
            section = match.group(1).strip()
            sections[source].append(section)
        elif line.startswith("|") and source and section:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            for code in re.findall(r"`(HI-[A-Z0-9-]+)`", cells[-1]):
                rows.add((code, source, section))
    return sections, rows


def test_coverage_document_has_every_section_of_every_article():
    sections, _ = parse_coverage()
    for source in items("sources.json"):
        assert sections.get(source["code"]) == source["sections"], source["code"]


def test_coverage_rows_match_indicator_citations_exactly():
    _, rows = parse_coverage()
    cited = {
        (indicator["code"], c["source"], c["section"])
        for indicator in items("indicators.json")
        for c in indicator["citations"]
    }
    assert rows - cited == set(), f"coverage rows without a matching citation: {rows - cited}"
    assert cited - rows == set(), f"citations missing from the coverage doc: {cited - rows}"

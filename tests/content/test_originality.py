"""Our content must be in our own words: no run of 8+ words shared with a source article.

Pure Python (no Django). The articles are not in the repository: our texts are checked against
their committed fingerprint (``content/seed_fingerprint.json``, digests of every 8-word shingle),
so every test here runs on any checkout.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from content.originality import (
    DEFAULT_RUN,
    FINGERPRINT_FILE,
    FingerprintIndex,
    SourceIndex,
    find_copies,
    fingerprint_json,
    load_fingerprint,
    longest_shared_run,
    normalize,
    shared_runs,
    tokenize,
)
from tests.seeds import seed_fingerprints, walk_strings

REPO = Path(__file__).resolve().parents[2]

DATA_DIR = REPO / "content" / "data"
COVERAGE_DOC = REPO / "docs" / "content-coverage.md"

# Fields that hold the article's own metadata and may repeat its wording verbatim.
SOURCE_METADATA_FIELDS = {"title", "publisher", "author", "sections", "file", "date"}


def is_article_metadata(file_name: str, path: tuple) -> bool:
    """True for strings that are the article's own words by design (titles, headings, ...)."""
    keys = [p for p in path if isinstance(p, str)]
    if file_name == "sources.json" and any(k in SOURCE_METADATA_FIELDS for k in keys):
        return True
    # A citation's section is an exact heading of the article.
    return bool(keys) and keys[-1] == "section" and "citations" in keys


def content_strings() -> list[tuple[str, str]]:
    """(label, text) for every checked string value in content/data/*.json."""
    out: list[tuple[str, str]] = []
    for json_path in sorted(DATA_DIR.glob("*.json")):
        data = json.loads(json_path.read_text(encoding="utf-8"))
        for path, text in walk_strings(data, ()):
            if not is_article_metadata(json_path.name, path):
                label = json_path.name + ":" + "/".join(str(p) for p in path)
                out.append((label, text))
    return out


def coverage_doc_strings() -> list[tuple[str, str]]:
    """Lines of the coverage document, minus the heading lines that name article sections."""
    if not COVERAGE_DOC.is_file():
        return []
    out = []
    for number, line in enumerate(COVERAGE_DOC.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((f"{COVERAGE_DOC.name}:{number}", line))
    return out


# ------------------------------------------------------------------ the checker itself

SOURCE = (
    "It\u2019s a formidable defense, forged in the fires of past hurts, and it serves a purpose: "
    "to keep you safe. Hyper-Independence can be potentially damaging over many years."
)


def test_copied_eight_word_run_is_caught():
    text = "We note that it serves a purpose: to keep you safe, in our view."
    # "it serves a purpose to keep you safe" is 8 words.
    assert shared_runs(text, SOURCE) == ["it serves a purpose to keep you safe"]


def test_seven_word_run_is_not_caught():
    text = "Our note: serves a purpose to keep you safe, or so they say."
    # "serves a purpose to keep you safe" is 7 words, one short of a run.
    assert shared_runs(text, SOURCE) == []
    assert longest_shared_run(text, SOURCE) == 7


def test_case_punctuation_and_quotes_do_not_hide_a_copy():
    text = 'IT\'S A FORMIDABLE DEFENSE... "FORGED" in the FIRES!'
    assert shared_runs(text, SOURCE) == ["it's a formidable defense forged in the fires"]


def test_dashes_hyphens_and_spacing_do_not_hide_a_copy():
    text = "hyper independence  can be — potentially damaging over\nmany years"
    assert shared_runs(text, SOURCE) == [
        "hyper independence can be potentially damaging over many years"
    ]


def test_overlapping_windows_merge_into_one_run():
    text = "Intro. It's a formidable defense, forged in the fires of past hurts. Outro."
    runs = shared_runs(text, SOURCE)
    assert runs == ["it's a formidable defense forged in the fires of past hurts"]
    assert len(runs[0].split()) == 11


def test_separate_copies_are_reported_separately():
    text = (
        "It's a formidable defense, forged in the fires. Something else entirely here. "
        "It serves a purpose: to keep you safe."
    )
    assert shared_runs(text, SOURCE) == [
        "it's a formidable defense forged in the fires",
        "it serves a purpose to keep you safe",
    ]


def test_short_or_empty_texts_share_nothing():
    assert shared_runs("", SOURCE) == []
    assert shared_runs("to keep you safe", SOURCE) == []
    assert longest_shared_run("", SOURCE) == 0


def test_run_length_is_configurable_and_validated():
    assert shared_runs("to keep you safe", SOURCE, n=4) == ["to keep you safe"]
    with pytest.raises(ValueError, match="at least 1"):
        shared_runs("anything", SOURCE, n=0)
    with pytest.raises(ValueError, match="runs of 8, not 6"):
        shared_runs("anything", SourceIndex(SOURCE, n=8), n=6)


def test_normalize_and_tokenize():
    assert normalize("It\u2019s \u201cQuoted\u201d") == 'it\'s "quoted"'
    assert tokenize("Hyper\u2011Independence, don\u2019t-stop") == [
        "hyper",
        "independence",
        "don't",
        "stop",
    ]
    assert tokenize("self_reliance / 2AM") == ["self", "reliance", "2am"]


def test_find_copies_labels_each_hit():
    index = SourceIndex(SOURCE, name="armor")
    hits = find_copies(
        [("a", "it serves a purpose to keep you safe"), ("b", "all our own words here")],
        {"armor": index},
    )
    assert hits == [("a", "armor", "it serves a purpose to keep you safe")]


def test_default_run_is_eight():
    assert DEFAULT_RUN == 8


# ------------------------------------------------------------------ fingerprints


def test_a_fingerprint_finds_the_same_runs_as_the_text_it_was_made_from():
    fingerprint = FingerprintIndex.of_text(SOURCE)
    text = "Intro. It's a formidable defense, forged in the fires of past hurts. Outro."
    assert shared_runs(text, fingerprint) == shared_runs(text, SOURCE)
    assert shared_runs("Our note: serves a purpose to keep you safe.", fingerprint) == []


def test_a_fingerprint_keeps_no_words_of_its_source():
    document = fingerprint_json({"armor.txt": SOURCE})
    for word in ("formidable", "defense", "forged", "purpose"):
        assert word not in document


def test_a_fingerprint_knows_whole_lines_only():
    fingerprint = FingerprintIndex.of_text("Heading One\nSome body text.\n")
    assert fingerprint.has_line("Heading One")
    assert fingerprint.has_line("  Heading One ")
    assert not fingerprint.has_line("Heading")


def test_the_fingerprint_file_round_trips(tmp_path):
    path = tmp_path / "fingerprint.json"
    path.write_text(fingerprint_json({"armor.txt": SOURCE}), encoding="utf-8")
    (index,) = load_fingerprint(path).values()
    assert index == FingerprintIndex.of_text(SOURCE, name="armor.txt")


# ------------------------------------------------------------------ the real content


def test_the_committed_fingerprint_covers_the_four_articles():
    fingerprints = seed_fingerprints()
    assert FINGERPRINT_FILE.is_file()
    assert len(fingerprints) == 4
    for name, index in fingerprints.items():
        assert index.n == DEFAULT_RUN, name
        assert len(index.shingles) > 500, name
        assert index.lines, name


def test_checker_finds_a_real_copy_through_the_committed_fingerprint():
    """Guard against a vacuous pass: SOURCE's first sentence is quoted from one of the articles
    (the checker's tests above use it), so the committed fingerprint must catch it. It fails when
    normalize() changes without the fingerprint being written again."""
    sentence = "It\u2019s a formidable defense, forged in the fires of past hurts"
    expected = " ".join(tokenize(sentence))
    caught = {name for name, index in seed_fingerprints().items() if shared_runs(sentence, index)}
    assert len(caught) == 1
    assert shared_runs(f"Our words. {sentence}. More.", seed_fingerprints()[caught.pop()]) == [
        expected
    ]


def test_content_data_exists():
    files = sorted(p.name for p in DATA_DIR.glob("*.json"))
    assert "indicators.json" in files
    assert len(content_strings()) > 100


def test_content_shares_no_eight_word_run_with_any_article():
    hits = find_copies(content_strings(), seed_fingerprints())
    report = "\n".join(f"{label} <- {src}: {run!r}" for label, src, run in hits)
    assert not hits, f"content copies article wording (reword it):\n{report}"


def test_coverage_doc_shares_no_eight_word_run_with_any_article():
    if not COVERAGE_DOC.is_file():
        pytest.fail(f"missing {COVERAGE_DOC}")
    hits = find_copies(coverage_doc_strings(), seed_fingerprints())
    report = "\n".join(f"{label} <- {src}: {run!r}" for label, src, run in hits)
    assert not hits, f"coverage document copies article wording (reword it):\n{report}"


def test_metadata_exemption_is_narrow():
    assert is_article_metadata("sources.json", ("items", 0, "title"))
    assert is_article_metadata("sources.json", ("items", 0, "sections", 3))
    assert is_article_metadata("indicators.json", ("items", 0, "citations", 1, "section"))
    assert not is_article_metadata("sources.json", ("items", 0, "label"))
    assert not is_article_metadata("indicators.json", ("items", 0, "description"))
    assert not is_article_metadata("indicators.json", ("items", 0, "title"))
    assert not is_article_metadata("conditions.json", ("items", 0, "section"))

"""Find long runs of words that our content shares with a source article.

Pure Python, no Django: the content tests and any editor tooling can use it as is.

Texts are compared as sequences of word tokens after normalization, so differences in case,
punctuation, curly versus straight quotes, dashes, hyphenation and whitespace never hide a copy:
"Hyper-Independence" and "hyper independence" both give the tokens ``hyper``, ``independence``.
A *shared run* is a stretch of at least ``n`` consecutive tokens of the checked text that also
occurs, in the same order, in the source text.

The articles themselves stay outside the repository. What the repository keeps is their
*fingerprint* (``seed_fingerprint.json``): a digest of every ``n``-word shingle of each article
after this normalization, and of each line (to check cited section headings). A
:class:`FingerprintIndex` answers "does this shingle occur in the article?" from the digests alone,
so the checks run on any machine. ``manage.py fingerprint_seeds`` writes the file from the
articles (see ``content/data/README.md``).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_RUN = 8

# The first 16 hex digits (64 bits) of a SHA-256 are plenty to tell ~10,000 shingles apart: the
# chance that any of a few hundred thousand checked shingles matches one by accident is about
# 1e-10, and the file is a quarter of the size of full digests.
DIGEST_HEX_DIGITS = 16
FINGERPRINT_FILE = Path(__file__).resolve().parent / "seed_fingerprint.json"
FINGERPRINT_SCHEMA_VERSION = 1

# Typographic characters folded to plain ones before tokenizing.
_FOLD = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u02bc": "'",  # modifier letter apostrophe
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": " ",  # hyphen
        "\u2011": " ",  # non-breaking hyphen
        "\u2012": " ",  # figure dash
        "\u2013": " ",  # en dash
        "\u2014": " ",  # em dash
        "\u2015": " ",  # horizontal bar
        "\u2212": " ",  # minus sign
        "-": " ",
        "_": " ",
        "/": " ",
    }
)

# A word is a run of letters or digits, optionally joined by inner apostrophes (don't, it's).
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def normalize(text: str) -> str:
    """Fold compatibility forms, quotes and dashes, and case."""
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_FOLD).casefold()


def tokenize(text: str) -> list[str]:
    """The word tokens of ``text`` after :func:`normalize`."""
    return _WORD.findall(normalize(text))


def ngrams(tokens: list[str], n: int = DEFAULT_RUN) -> set[tuple[str, ...]]:
    """Every window of ``n`` consecutive tokens."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass(frozen=True)
class SourceIndex:
    """A source text prepared for repeated checks with one run length."""

    text: str
    n: int = DEFAULT_RUN
    name: str = ""
    grams: frozenset[tuple[str, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "grams", frozenset(ngrams(tokenize(self.text), self.n)))

    def __contains__(self, gram: tuple[str, ...]) -> bool:
        return gram in self.grams


def shingle_digest(words: Sequence[str]) -> str:
    """The digest of one shingle: its normalized words joined by single spaces."""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:DIGEST_HEX_DIGITS]


def line_digest(line: str) -> str:
    """The digest of one line as written (outer whitespace removed), for exact heading checks."""
    return hashlib.sha256(line.strip().encode("utf-8")).hexdigest()[:DIGEST_HEX_DIGITS]


@dataclass(frozen=True)
class FingerprintIndex:
    """A source known only by the digests of its ``n``-word shingles and of its lines."""

    shingles: frozenset[str]
    n: int = DEFAULT_RUN
    name: str = ""
    lines: frozenset[str] = frozenset()

    @classmethod
    def of_text(cls, text: str, n: int = DEFAULT_RUN, name: str = "") -> FingerprintIndex:
        grams = ngrams(tokenize(text), n)
        lines = {line_digest(line) for line in text.splitlines() if line.strip()}
        return cls(frozenset(map(shingle_digest, grams)), n, name, frozenset(lines))

    def __contains__(self, gram: tuple[str, ...]) -> bool:
        return shingle_digest(gram) in self.shingles

    def has_line(self, line: str) -> bool:
        """Whether ``line`` (outer whitespace ignored) is a whole line of the source."""
        return line_digest(line) in self.lines


Index = SourceIndex | FingerprintIndex


def fingerprint_document(articles: Mapping[str, str], n: int = DEFAULT_RUN) -> dict:
    """The fingerprint file's content for ``articles`` (file name to text): sorted digests only."""
    out = {}
    for name, text in sorted(articles.items()):
        index = FingerprintIndex.of_text(text, n, name)
        out[name] = {
            "words": len(tokenize(text)),
            "lines": sorted(index.lines),
            "shingles": sorted(index.shingles),
        }
    return {
        "schema_version": FINGERPRINT_SCHEMA_VERSION,
        "about": (
            "Fingerprint of the source articles, so originality checks run without them: the "
            f"first {DIGEST_HEX_DIGITS} hex digits of the SHA-256 of every {n}-word shingle after "
            "content.originality.normalize() and of every non-blank line. Written by "
            "`manage.py fingerprint_seeds`; do not edit."
        ),
        "n": n,
        "digest_hex_digits": DIGEST_HEX_DIGITS,
        "articles": out,
    }


def fingerprint_json(articles: Mapping[str, str], n: int = DEFAULT_RUN) -> str:
    """:func:`fingerprint_document` as the exact text committed (stable, diff-friendly)."""
    return json.dumps(fingerprint_document(articles, n), indent=1) + "\n"


def load_fingerprint(path: Path = FINGERPRINT_FILE) -> dict[str, FingerprintIndex]:
    """The committed fingerprint, one index per article file name."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("schema_version") != FINGERPRINT_SCHEMA_VERSION:
        raise ValueError(f"{path.name}: unknown schema_version {document.get('schema_version')!r}")
    if document["digest_hex_digits"] != DIGEST_HEX_DIGITS:
        raise ValueError(f"{path.name} was written with other digests: regenerate it")
    return {
        name: FingerprintIndex(
            frozenset(entry["shingles"]), document["n"], name, frozenset(entry["lines"])
        )
        for name, entry in document["articles"].items()
    }


def _as_index(source: str | Index, n: int) -> Index:
    if isinstance(source, SourceIndex | FingerprintIndex):
        if source.n != n:
            raise ValueError(f"index was built for runs of {source.n}, not {n}")
        return source
    return SourceIndex(source, n)


def shared_runs(text: str, source: str | Index, n: int = DEFAULT_RUN) -> list[str]:
    """The maximal runs of ``n`` or more consecutive words of ``text`` found in ``source``.

    Each run is returned as its normalized words joined by single spaces, in the order the runs
    occur in ``text``. Overlapping windows are merged, so a copied sentence of twelve words gives
    one run of twelve words, not five runs of eight. An empty list means nothing is shared.
    """
    index = _as_index(source, n)
    tokens = tokenize(text)
    hits = [i for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) in index]
    runs: list[str] = []
    start = prev = None
    for i in hits:
        if start is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            runs.append(" ".join(tokens[start : prev + n]))
        start = prev = i
    if start is not None:
        runs.append(" ".join(tokens[start : prev + n]))
    return runs


def longest_shared_run(text: str, source: str | SourceIndex) -> int:
    """Length in words of the longest run of ``text`` that also occurs in ``source`` (0 if none).

    Handy for reporting how close a paraphrase comes to its source.
    """
    source_tokens = tokenize(source.text if isinstance(source, SourceIndex) else source)
    tokens = tokenize(text)
    if not tokens or not source_tokens:
        return 0
    # Classic longest-common-substring dynamic programme over tokens, one row at a time.
    best = 0
    previous = [0] * (len(source_tokens) + 1)
    for word in tokens:
        current = [0] * (len(source_tokens) + 1)
        for j, other in enumerate(source_tokens, start=1):
            if word == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def find_copies(
    texts: Iterable[tuple[str, str]],
    sources: Mapping[str, str | Index],
    n: int = DEFAULT_RUN,
) -> list[tuple[str, str, str]]:
    """Check many labelled texts against many named sources.

    ``texts`` yields ``(label, text)`` pairs; ``sources`` maps a source name to its text or
    index. Returns ``(label, source name, run)`` for every shared run found.
    """
    indexes = {name: _as_index(src, n) for name, src in sources.items()}
    found: list[tuple[str, str, str]] = []
    for label, text in texts:
        for name, index in indexes.items():
            found.extend((label, name, run) for run in shared_runs(text, index, n))
    return found

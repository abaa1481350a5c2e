"""Find long runs of words that our content shares with a source article.

Pure Python, no Django: the content tests and any editor tooling can use it as is.

Texts are compared as sequences of word tokens after normalization, so differences in case,
punctuation, curly versus straight quotes, dashes, hyphenation and whitespace never hide a copy:
"Hyper-Independence" and "hyper independence" both give the tokens ``hyper``, ``independence``.
A *shared run* is a stretch of at least ``n`` consecutive tokens of the checked text that also
occurs, in the same order, in the source text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DEFAULT_RUN = 8

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


def _as_index(source: str | SourceIndex, n: int) -> SourceIndex:
    if isinstance(source, SourceIndex):
        if source.n != n:
            raise ValueError(f"index was built for runs of {source.n}, not {n}")
        return source
    return SourceIndex(source, n)


def shared_runs(text: str, source: str | SourceIndex, n: int = DEFAULT_RUN) -> list[str]:
    """The maximal runs of ``n`` or more consecutive words of ``text`` found in ``source``.

    Each run is returned as its normalized words joined by single spaces, in the order the runs
    occur in ``text``. Overlapping windows are merged, so a copied sentence of twelve words gives
    one run of twelve words, not five runs of eight. An empty list means nothing is shared.
    """
    index = _as_index(source, n)
    tokens = tokenize(text)
    hits = [i for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) in index.grams]
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
    sources: Mapping[str, str | SourceIndex],
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

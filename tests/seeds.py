"""The source articles' fingerprint, for the tests that prove our texts are in our own words.

The articles are not in the repository; `content/seed_fingerprint.json` is (written from them by
`manage.py fingerprint_seeds`), so these tests run on any checkout.
"""

from collections.abc import Iterator
from functools import cache

from content.originality import FingerprintIndex, load_fingerprint


@cache
def seed_fingerprints() -> dict[str, FingerprintIndex]:
    """Every article's fingerprint by file name."""
    return load_fingerprint()


def walk_strings(value: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple, str]]:
    """Every string inside nested dicts and lists, with the path that leads to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, (*path, i))

"""The shapes of an instrument's code and of a version label (pure; no Django).

A version label names the version in URLs (`/api/v1/instruments/phq9/versions/1.1.0/`), in FHIR
ids (`Questionnaire/phq9-1.1.0`) and canonical references (`…/Questionnaire/phq9|1.1.0`), so it
is semver-like and nothing else: `../../y` was accepted as a label and then no URL could reach it.
`MAJOR[.MINOR[.PATCH]]` in ASCII digits, then an optional pre-release after a dash (`1.1.0-rc.1`),
at most 40 characters (the database column). Matched with `fullmatch`, so a trailing newline is not
part of a label (`$` would let one through).
"""

from __future__ import annotations

import re

MAX_CODE_LENGTH = 40
MAX_VERSION_LENGTH = 40

INSTRUMENT_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
VERSION_LABEL = re.compile(
    r"[0-9]{1,9}(\.[0-9]{1,9}){0,2}(-[0-9A-Za-z][0-9A-Za-z-]*(\.[0-9A-Za-z][0-9A-Za-z-]*)*)?"
)
VERSION_LABEL_MESSAGE = (
    "a version label is semver-like: MAJOR[.MINOR[.PATCH]] in digits, then an optional "
    "pre-release after a dash (1.1.0, 2.0, 1.1.0-rc.1), at most 40 characters"
)


def is_version_label(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= MAX_VERSION_LENGTH
        and VERSION_LABEL.fullmatch(value) is not None
    )


def is_instrument_code(value: object) -> bool:
    return isinstance(value, str) and INSTRUMENT_CODE.fullmatch(value) is not None

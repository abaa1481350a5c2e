"""What the data files hold, read directly, so tests compare the API against the files."""

import json

from content.services.library import DATA_DIR

KINDS = (
    "sources",
    "domains",
    "indicators",
    "conditions",
    "origins",
    "impacts",
    "comparisons",
    "approaches",
)
BASE = "/api/v1/content/"


def items(kind: str) -> list[dict]:
    return json.loads((DATA_DIR / f"{kind}.json").read_text(encoding="utf-8"))["items"]


def codes(kind: str) -> list[str]:
    return [item["code"] for item in items(kind)]


def by_code(kind: str) -> dict[str, dict]:
    return {item["code"]: item for item in items(kind)}

"""The README a newcomer starts from: its links lead somewhere and its example runs as written."""

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def test_every_relative_link_of_the_readme_exists():
    targets = re.findall(r"\]\(([^)#\s]+)\)", README)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, "the README links nothing"
    missing = [t for t in local if not (REPOSITORY / t).exists()]
    assert not missing


def test_the_screenshots_of_the_admin_editor_are_linked():
    for name in ("admin-draft-editor", "admin-published-version", "admin-score-preview"):
        assert f"docs/screenshots/{name}.png" in README


def test_the_example_takes_ids_from_responses_rather_than_assuming_them():
    assert not re.search(r'"client"\s*:\s*\d', README)


def test_host_and_port_of_make_run_are_documented():
    assert "make run PORT=" in README
    assert re.search(r"`HOST`, `PORT`", README)

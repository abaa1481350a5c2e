"""`manage.py fingerprint_seeds` writes the articles' fingerprint and tells when it is stale."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from content.originality import FingerprintIndex, load_fingerprint

ARTICLE = "A Heading\nSome words of an article that nobody else wrote in this order at all.\n"


def run(*args: str) -> str:
    out = StringIO()
    call_command("fingerprint_seeds", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "one.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def test_it_writes_the_fingerprint_of_every_article(seeds, tmp_path):
    output = tmp_path / "fingerprint.json"
    assert "from 1 articles" in run("--seeds", str(seeds), "--output", str(output))
    assert load_fingerprint(output) == {
        "one.txt": FingerprintIndex.of_text(ARTICLE, name="one.txt")
    }


def test_check_passes_on_a_current_file_and_fails_on_a_stale_one(seeds, tmp_path):
    output = tmp_path / "fingerprint.json"
    run("--seeds", str(seeds), "--output", str(output))
    assert "matches" in run("--seeds", str(seeds), "--output", str(output), "--check")
    (seeds / "two.txt").write_text("Another article with words of its own.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        run("--seeds", str(seeds), "--output", str(output), "--check")


def test_a_folder_without_articles_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No articles"):
        run("--seeds", str(tmp_path), "--output", str(tmp_path / "out.json"))

"""A fresh clone passes its own tests: nothing a test reads lies outside the repository."""

import hashlib
import os
import re

import pytest

from tests.outside_reads import REPOSITORY, ReadBesideRepository, is_beside_repository

FIXTURES = REPOSITORY / "tests" / "fixtures"


def test_opening_a_file_beside_the_repository_fails_the_test():
    with pytest.raises(ReadBesideRepository, match="outside the repository"):
        (REPOSITORY.parent / "shared" / "fixtures" / "anything.json").read_text()


def test_listing_the_folder_that_holds_the_repository_fails_the_test():
    with pytest.raises(ReadBesideRepository):
        os.listdir(REPOSITORY.parent)


def test_files_of_the_repository_and_the_python_installation_are_readable():
    assert (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert not is_beside_repository(REPOSITORY / "tests" / "fixtures" / "README.md")
    assert not is_beside_repository(os.__file__)


def test_every_fixture_is_listed_with_its_checksum_beside_it():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", readme, re.MULTILINE))
    files = {
        path.relative_to(FIXTURES).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in FIXTURES.rglob("*")
        if path.is_file() and path.name != "README.md"
    }
    assert files, "no fixtures found"
    assert listed == files


def test_vendored_assets_are_those_their_readme_records():
    vendor = REPOSITORY / "screening" / "static" / "screening" / "vendor"
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    recorded = {
        path: digest for digest, path in re.findall(r"^([0-9a-f]{64})  \./(\S+)$", readme, re.M)
    }
    folder = vendor / "codemirror-5.65.21"
    files = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file() and path.name != "LICENSE"
    }
    assert files
    assert recorded == files
    assert (folder / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")

"""Tests read nothing beside the repository.

A checkout on a developer's machine or CI's may have folders next to it (the source articles, a
colleague's fixtures) that a fresh `git clone` does not. A test that opened one would pass there
and fail everywhere else, so while the suite runs, opening or listing anything in the folder that
holds the repository, outside the repository itself, raises `ReadBesideRepository`. The Python
installation, the virtualenv and the temporary folder are allowed wherever they live.
"""

import os
import site
import sys
import sysconfig
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
WATCHED_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})


class ReadBesideRepository(PermissionError):
    pass


def _allowed_roots() -> tuple[str, ...]:
    roots = {str(REPOSITORY), tempfile.gettempdir(), sys.prefix, sys.base_prefix, sys.exec_prefix}
    roots.update(sysconfig.get_paths().values())
    roots.update([*site.getsitepackages(), site.getusersitepackages()])
    return tuple(os.path.realpath(root) for root in roots if root)


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


BESIDE = os.path.realpath(REPOSITORY.parent)
# A root that holds the repository's folder (the temporary folder, for a clone made there) would
# allow everything beside it: only roots inside that folder, or elsewhere, count.
ALLOWED = tuple(root for root in _allowed_roots() if not _within(BESIDE, root))


def is_beside_repository(path: str | bytes | os.PathLike) -> bool:
    """Whether `path` is in the repository's parent folder but not in the repository (nor in an
    allowed root such as the virtualenv)."""
    real = os.path.realpath(os.fsdecode(path))
    if not _within(real, BESIDE):
        return False
    return not any(_within(real, root) for root in ALLOWED)


def _audit(event: str, args: tuple) -> None:
    if event not in WATCHED_EVENTS or not args:
        return
    path = args[0]
    if not isinstance(path, str | bytes | os.PathLike):
        return  # a file descriptor, or None for the current folder
    if is_beside_repository(path):
        raise ReadBesideRepository(
            f"a test read {os.fsdecode(path)!r}, outside the repository: copy what it needs into "
            "tests/fixtures/ (with its provenance in tests/fixtures/README.md)"
        )


def refuse_reads_beside_the_repository() -> None:
    """Install the guard for the rest of the process (audit hooks cannot be removed)."""
    sys.addaudithook(_audit)

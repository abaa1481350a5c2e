"""Loading the shipped instrument library (screening/library/*.json) into the database."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from screening import engine
from screening.models import InstrumentVersion, VersionStatus
from screening.services.instruments import instrument_import, instrument_version_publish

LIBRARY_DIR = Path(__file__).resolve().parent.parent / "library"


class LibraryConflict(Exception):
    """A shipped definition differs from the published version with the same label."""


@dataclass(frozen=True)
class LoadedInstrument:
    code: str
    version: str
    action: str  # "published" or "unchanged"


def library_files(directory: Path = LIBRARY_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def library_load(*, directory: Path = LIBRARY_DIR) -> list[LoadedInstrument]:
    """Publish every shipped definition not yet present; idempotent.

    A shipped file whose version label is already published with different content is refused:
    published versions are frozen, so a changed definition needs a new version label.
    """
    loaded = []
    with transaction.atomic():
        # Import every new definition first and publish after, so a rule may name as its
        # follow-up an instrument that comes later in the library.
        drafts = []
        for path in library_files(directory):
            definition = json.loads(path.read_text(encoding="utf-8"))
            entry, draft = _load_one(definition, path.name)
            loaded.append(entry)
            if draft is not None:
                drafts.append(draft)
        for draft in drafts:
            instrument_version_publish(version=draft, actor=None)
    return loaded


def _load_one(definition: dict, filename: str) -> tuple[LoadedInstrument, InstrumentVersion | None]:
    code, label = definition.get("code"), definition.get("version")
    existing = InstrumentVersion.objects.filter(instrument__code=code, version=label).first()
    if existing is not None:
        if existing.status == VersionStatus.DRAFT:
            raise LibraryConflict(f"{filename}: a draft {code} {label} is in the way.")
        if existing.checksum != engine.checksum(definition):
            raise LibraryConflict(
                f"{filename}: {code} {label} is published with other content; "
                "give the changed definition a new version label."
            )
        return LoadedInstrument(code, label, "unchanged"), None
    version = instrument_import(definition=definition, actor=None)
    return LoadedInstrument(code, label, "published"), version

"""Loading the knowledge base (content/data/*.json) into the database.

The files are the source of truth, reviewed and tested for originality in the repository, so a
load makes every entry in the files match them exactly, matched by its stable `code`:

- an entry new to the database is created;
- an entry whose stored fields differ (a file edit, or an edit made in the Django admin since the
  last load) is updated to the files' text, keeping its primary key;
- an entry that has left the files is **kept and marked retired** (`retired_at`), never deleted:
  screenings and flags name content by code, so a code must keep resolving. The report names the
  retired codes. An entry that comes back to the files is un-retired.

The whole load is one transaction: files that fail validation change nothing.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from clients.models import User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import InvalidInput
from content.models import (
    Approach,
    ApproachType,
    Comparison,
    Condition,
    ContentEntry,
    Domain,
    Impact,
    Indicator,
    Origin,
    Source,
)
from content.services.citations import citation_errors, cited_source_codes

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_VERSION = 1
AUDIT_OBJECT_TYPE = "content_library"

Item = dict[str, Any]
# The primary key of every code loaded so far, by kind: {"domains": {"trust": 3, ...}, ...}.
Pks = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Kind:
    """How one data file maps onto one model."""

    name: str  # the file's name without `.json`, and its `kind`
    model: type[ContentEntry]
    # The item's stored (non-relation) fields, given the primary keys of the kinds loaded before.
    fields: Callable[[Item, Pks], dict[str, Any]]
    # Keys an item must have (optional ones, such as `indicators`, default to empty).
    required: tuple[str, ...]
    has_citations: bool = True
    has_indicators: bool = False


def _text(value: str | None) -> str:
    # The files say `null` for "not printed"; the database keeps Django's "" for empty text.
    return value or ""


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


CONDITION_FIELDS = (
    "code",
    "name",
    "relation",
    "distinguishing",
    "indicators",
    "follow_up_instrument",
    "follow_up_note",
    "not_a_diagnosis",
    "citations",
)

KINDS: tuple[Kind, ...] = (
    Kind(
        "sources",
        Source,
        lambda item, pks: {
            "file": item["file"],
            "title": _text(item["title"]),
            "label": item["label"],
            "publisher": _text(item["publisher"]),
            "author": _text(item["author"]),
            "date": _date(item["date"]),
            "sections": item["sections"],
        },
        ("code", "file", "title", "label", "publisher", "author", "date", "sections"),
        has_citations=False,
    ),
    Kind(
        "domains",
        Domain,
        lambda item, pks: {"name": item["name"], "description": item["description"]},
        ("code", "name", "description", "citations"),
    ),
    Kind(
        "indicators",
        Indicator,
        lambda item, pks: {
            "name": item["name"],
            "domain_id": pks["domains"][item["domain"]],
            "description": item["description"],
            "examples": item["examples"],
        },
        ("code", "name", "domain", "description", "examples", "citations"),
    ),
    Kind(
        "conditions",
        Condition,
        lambda item, pks: {
            "name": item["name"],
            "relation": item["relation"],
            "distinguishing": item["distinguishing"],
            "follow_up_instrument": _text(item["follow_up_instrument"]),
            "follow_up_note": item["follow_up_note"],
            "not_a_diagnosis": item["not_a_diagnosis"],
            "external_references": item.get("external_references", []),
        },
        CONDITION_FIELDS,
        has_indicators=True,
    ),
    Kind(
        "origins",
        Origin,
        lambda item, pks: {"name": item["name"], "description": item["description"]},
        ("code", "name", "description", "citations"),
        has_indicators=True,
    ),
    Kind(
        "impacts",
        Impact,
        lambda item, pks: {"name": item["name"], "description": item["description"]},
        ("code", "name", "description", "citations"),
        has_indicators=True,
    ),
    Kind(
        "comparisons",
        Comparison,
        lambda item, pks: {
            "aspect": item["aspect"],
            "healthy": item["healthy"],
            "hyper": item["hyper"],
        },
        ("code", "aspect", "healthy", "hyper", "citations"),
    ),
    Kind(
        "approaches",
        Approach,
        lambda item, pks: {
            "name": item["name"],
            "description": item["description"],
            "type": item["type"],
        },
        ("code", "name", "description", "type", "citations"),
        has_indicators=True,
    ),
)


@dataclass
class KindReport:
    kind: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Entries in the files (retired ones are not counted: they left the files)."""
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def line(self) -> str:
        line = (
            f"content {self.kind}: {self.total} entries ({len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.retired)} retired)"
        )
        if self.updated:
            line += f"; updated: {', '.join(self.updated)}"
        if self.retired:
            line += f"; retired (kept, out of the lists): {', '.join(self.retired)}"
        return line


@dataclass
class ContentLoadReport:
    kinds: list[KindReport]

    @property
    def changed(self) -> bool:
        return any(k.created or k.updated or k.retired for k in self.kinds)

    def kind(self, name: str) -> KindReport:
        return next(k for k in self.kinds if k.kind == name)

    def lines(self) -> list[str]:
        return [k.line() for k in self.kinds]


def content_load(*, directory: Path = DATA_DIR, actor: User | None = None) -> ContentLoadReport:
    """Make the database match the data files; idempotent (a second load changes nothing).

    Raises ValidationError, keyed by `<file>[<code>].<field>`, when the files are malformed or a
    reference (domain, indicator, citation) does not resolve; nothing is written then.
    """
    documents = _read(directory)
    _validate(documents)
    pks: Pks = {}
    with transaction.atomic():
        # In KINDS order, so every reference points at a kind already loaded.
        report = ContentLoadReport(
            kinds=[_load_kind(kind, documents[kind.name], pks) for kind in KINDS]
        )
        if report.changed:
            # One summary event per load that changed something: the files, not people, are
            # the author, so per-entry events would add volume without adding accountability.
            audit_record(
                actor=actor,
                organization=None,
                action=AuditAction.UPDATE,
                object_type=AUDIT_OBJECT_TYPE,
                object_id="",
                detail={
                    k.kind: {
                        "created": len(k.created),
                        "updated": k.updated,
                        "unchanged": len(k.unchanged),
                        "retired": k.retired,
                    }
                    for k in report.kinds
                },
            )
    return report


# ---------------------------------------------------------------------------- reading


def _read(directory: Path) -> dict[str, list[Item]]:
    documents: dict[str, list[Item]] = {}
    errors: dict[str, list[str]] = {}
    for kind in KINDS:
        filename = f"{kind.name}.json"
        path = directory / filename
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            errors[filename] = ["The file is missing."]
            continue
        except json.JSONDecodeError as exc:
            errors[filename] = [f"Not valid JSON: {exc}."]
            continue
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            errors[filename] = ['Expected {"schema_version", "kind", "items": [...]}.']
            continue
        if data.get("schema_version") != SCHEMA_VERSION:
            errors[filename] = [f"schema_version must be {SCHEMA_VERSION}."]
        elif data.get("kind") != kind.name:
            errors[filename] = [f"kind must be {kind.name!r}."]
        else:
            documents[kind.name] = data["items"]
    if errors:
        raise InvalidInput(fields=errors)
    return documents


def _validate(documents: dict[str, list[Item]]) -> None:
    """Every code present and unique, every field the model needs, every reference resolvable."""
    errors: dict[str, list[str]] = {}

    def codes(name: str) -> set[str]:
        return {item.get("code") for item in documents[name] if isinstance(item, dict)}

    source_sections = {
        s.get("code"): s.get("sections") or [] for s in documents["sources"] if isinstance(s, dict)
    }
    domain_codes, indicator_codes = codes("domains"), codes("indicators")
    for kind in KINDS:
        seen: set[str] = set()
        for index, item in enumerate(documents[kind.name]):
            code = item.get("code") if isinstance(item, dict) else None
            where = f"{kind.name}.json[{code or index}]"
            if not isinstance(code, str) or not code:
                errors.setdefault(where, []).append("Every entry needs a non-empty code.")
                continue
            if code in seen:
                errors.setdefault(where, []).append("Duplicate code.")
            seen.add(code)
            for name in kind.required:
                if name not in item:
                    errors.setdefault(f"{where}.{name}", []).append("This field is required.")
            for name, message in _reference_errors(kind, item, domain_codes, indicator_codes):
                errors.setdefault(f"{where}.{name}", []).append(message)
            if kind.has_citations:
                for message in citation_errors(item.get("citations"), source_sections):
                    errors.setdefault(f"{where}.citations", []).append(message)
    if errors:
        raise InvalidInput(fields=errors)


def _reference_errors(
    kind: Kind, item: Item, domain_codes: set[str], indicator_codes: set[str]
) -> list[tuple[str, str]]:
    errors = []
    if kind.name == "indicators" and item.get("domain") not in domain_codes:
        errors.append(("domain", f"Unknown domain {item.get('domain')!r}."))
    if kind.name == "approaches" and item.get("type") not in ApproachType.values:
        errors.append(("type", f"Use one of {', '.join(ApproachType.values)}."))
    if kind.name == "sources" and item.get("date"):
        try:
            datetime.date.fromisoformat(item["date"])
        except (TypeError, ValueError):
            errors.append(("date", "Use an ISO date (YYYY-MM-DD) or null."))
    if kind.has_indicators:
        unknown = [c for c in item.get("indicators", []) if c not in indicator_codes]
        if unknown:
            errors.append(
                ("indicators", f"Unknown indicator codes: {', '.join(map(str, unknown))}.")
            )
    return errors


# ---------------------------------------------------------------------------- writing


def _load_kind(kind: Kind, items: list[Item], pks: Pks) -> KindReport:
    report = KindReport(kind.name)
    queryset = kind.model.objects.all()
    if kind.has_citations:
        queryset = queryset.prefetch_related("sources")
    if kind.has_indicators:
        queryset = queryset.prefetch_related("indicators")
    existing = {entry.code: entry for entry in queryset}
    source_pks, indicator_pks = pks.get("sources", {}), pks.get("indicators", {})

    new_entries: list[ContentEntry] = []
    new_relations: dict[str, dict[str, set[int]]] = {}  # code -> many-to-many name -> pks
    for position, item in enumerate(items):
        values = {**kind.fields(item, pks), "position": position, "retired_at": None}
        relations: dict[str, set[int]] = {}  # many-to-many name -> related primary keys
        if kind.has_citations:
            values["citations"] = item["citations"]
            relations["sources"] = {source_pks[c] for c in cited_source_codes(item["citations"])}
        if kind.has_indicators:
            relations["indicators"] = {indicator_pks[c] for c in item.get("indicators", [])}

        entry = existing.get(item["code"])
        if entry is None:
            new_entries.append(kind.model(code=item["code"], **values))
            new_relations[item["code"]] = relations
            report.created.append(item["code"])
        elif _apply(entry, values, relations):
            report.updated.append(entry.code)
        else:
            report.unchanged.append(entry.code)
    # New entries in bulk: a first load (every test database, every fresh install) then costs a
    # few queries per kind rather than several per entry.
    _create(kind.model, new_entries, new_relations)

    in_files = {item["code"] for item in items}
    for code, entry in existing.items():
        if code not in in_files and entry.retired_at is None:
            entry.retired_at = timezone.now()
            entry.save(update_fields=["retired_at", "updated_at"])
            report.retired.append(code)

    pks[kind.name] = dict(kind.model.objects.filter(code__in=in_files).values_list("code", "pk"))
    return report


def _create(
    model: type[ContentEntry],
    entries: list[ContentEntry],
    relations: dict[str, dict[str, set[int]]],
) -> None:
    if not entries:
        return
    model.objects.bulk_create(entries)
    created = dict(
        model.objects.filter(code__in=[e.code for e in entries]).values_list("code", "pk")
    )
    for name in {name for by_name in relations.values() for name in by_name}:
        field = model._meta.get_field(name)
        owner, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        field.remote_field.through.objects.bulk_create(
            field.remote_field.through(**{owner: created[code], target: related})
            for code, by_name in relations.items()
            for related in by_name.get(name, ())
        )


def _apply(entry: models.Model, values: dict[str, Any], relations: dict[str, set[int]]) -> bool:
    """Write what differs; True when anything did. Unchanged rows are not touched at all."""
    changed_fields = [name for name, value in values.items() if getattr(entry, name) != value]
    for name in changed_fields:
        setattr(entry, name, values[name])
    if changed_fields:
        entry.save(update_fields=[*changed_fields, "updated_at"])
    changed_relations = False
    for name, related in relations.items():
        manager = getattr(entry, name)
        if {obj.pk for obj in manager.all()} != related:
            manager.set(related)
            changed_relations = True
    return bool(changed_fields) or changed_relations

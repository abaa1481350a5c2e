"""Reads of the instrument library. Drafts are visible to instrument admins only."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from clients.models import User
from content.models import Condition
from screening.flag_labels import flag_label
from screening.models import Instrument, InstrumentVersion, VersionStatus

READABLE_BY_MEMBERS = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


def _sees_drafts(user: User) -> bool:
    return bool(user.is_authenticated and user.is_instrument_admin)


def instrument_list(*, user: User) -> QuerySet[Instrument]:
    instruments = Instrument.objects.all()
    if not _sees_drafts(user):
        published = InstrumentVersion.objects.filter(
            instrument=OuterRef("pk"), status=VersionStatus.PUBLISHED
        )
        instruments = instruments.filter(Exists(published))
    return instruments.order_by("code")


def instrument_version_list(*, user: User, instrument: Instrument) -> QuerySet[InstrumentVersion]:
    versions = instrument.versions.select_related("instrument")
    if not _sees_drafts(user):
        versions = versions.filter(status__in=READABLE_BY_MEMBERS)
    return versions.order_by("-created_at", "-id")


def latest_published_version(*, instrument: Instrument) -> InstrumentVersion | None:
    return (
        instrument.versions.filter(status=VersionStatus.PUBLISHED)
        .select_related("instrument")
        .order_by("-published_at", "-id")
        .first()
    )


def published_version(*, code: str, version: str | None = None) -> InstrumentVersion | None:
    """The published version of instrument `code` named `version`, else its newest published
    one: what a screening may be started with, in one query. Its definition is deferred: a
    published version is used through its compiled form, cached per process by checksum."""
    versions = (
        InstrumentVersion.objects.filter(instrument__code=code, status=VersionStatus.PUBLISHED)
        .select_related("instrument")
        .defer("definition")
    )
    if version is not None:
        return versions.filter(version=version).first()
    return versions.order_by("-published_at", "-id").first()


def latest_published_versions(*, codes: list[str]) -> dict[str, InstrumentVersion]:
    """The newest published version of each instrument code, in one query."""
    latest: dict[str, InstrumentVersion] = {}
    versions = (
        InstrumentVersion.objects.filter(instrument__code__in=codes, status=VersionStatus.PUBLISHED)
        .select_related("instrument")
        .order_by("instrument__code", "-published_at", "-id")
    )
    for version in versions:
        latest.setdefault(version.instrument.code, version)
    return latest


def condition_names(codes: set[str]) -> dict[str, str]:
    """Condition names from the knowledge base, for the codes flags name."""
    if not codes:
        return {}
    return dict(Condition.objects.filter(code__in=codes).values_list("code", "name"))


def flag_labels(flags: list[dict[str, Any]]) -> dict[str, str]:
    """Rule id -> the label its flag is shown under (screening.flag_labels), for engine flags
    (`to_dict()`): one query for the knowledge base's names of rules that name no label."""
    names = condition_names({flag["condition"] for flag in flags if not flag.get("label")})
    labels = {}
    for flag in flags:
        name = names.get(flag["condition"], flag["condition"])
        labels[flag["rule_id"]] = flag_label(flag.get("label"), name)
    return labels

"""Reads of the knowledge base. Content is shared by every organization: nothing to scope.

Lists hold current entries only, in the files' display order. A retired entry (one that left the
data files) is still found by code, because stored screenings and flags name it.

Every list costs a fixed number of queries: the entries, then one prefetch per relation (sources
for citations, indicators), however many entries there are.
"""

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django_filters.utils import translate_validation

from config.filters import ChoiceFilter
from content.models import (
    Approach,
    ApproachType,
    CitedEntry,
    Comparison,
    Condition,
    ContentEntry,
    Domain,
    Impact,
    Indicator,
    Origin,
    Source,
)

SOURCE_HELP = "Source code (`src-armor`): only entries citing that article."
INDICATOR_HELP = (
    "Indicator codes, comma-separated (`HI-ASK-HELP,HI-VIGILANCE`): only entries related to at "
    "least one of them."
)


def _search(*fields: str) -> django_filters.CharFilter:
    """`?q=`: every word must appear, case-insensitively, in at least one of `fields`."""

    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Word by word, so "ask help" finds "ask for help". icontains is portable: ILIKE-style on
        # PostgreSQL, LIKE on SQLite (which folds ASCII letters only).
        for word in value.split():
            match = Q()
            for field in fields:
                match |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(match)
        return queryset

    return django_filters.CharFilter(
        method=search,
        max_length=200,
        help_text=f"Case-insensitive text search; every word must appear in one of: "
        f"{', '.join(fields)}.",
    )


class CodeInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """`?indicator=A,B`: any of the codes."""


# Filters on codes are plain text: an unknown code matches nothing (an empty list), it is no error.


class SourceFilter(django_filters.FilterSet):
    q = _search("code", "title", "label", "publisher", "author")

    class Meta:
        model = Source
        fields = ("q",)


class CitedFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="sources__code", help_text=SOURCE_HELP)


class IndicatorRelatedFilter(CitedFilter):
    # distinct: an entry related to two of the given indicators must still come once.
    indicator = CodeInFilter(field_name="indicators__code", distinct=True, help_text=INDICATOR_HELP)


class DomainFilter(CitedFilter):
    q = _search("code", "name", "description")

    class Meta:
        model = Domain
        fields = ("q", "source")


class IndicatorFilter(CitedFilter):
    q = _search("code", "name", "description", "examples")
    domain = django_filters.CharFilter(
        field_name="domain__code", help_text="Domain code (`help-seeking`)."
    )
    condition = django_filters.CharFilter(
        field_name="conditions__code",
        help_text="Condition code (`ptsd`): only the indicators that condition lists as "
        "possibly pointing towards it.",
    )

    class Meta:
        model = Indicator
        fields = ("q", "source", "domain", "condition")


class ConditionFilter(IndicatorRelatedFilter):
    q = _search("code", "name", "relation", "distinguishing", "follow_up_note")

    class Meta:
        model = Condition
        fields = ("q", "source", "indicator")


class OriginFilter(IndicatorRelatedFilter):
    q = _search("code", "name", "description")

    class Meta:
        model = Origin
        fields = ("q", "source", "indicator")


class ImpactFilter(IndicatorRelatedFilter):
    q = _search("code", "name", "description")

    class Meta:
        model = Impact
        fields = ("q", "source", "indicator")


class ComparisonFilter(CitedFilter):
    q = _search("code", "aspect", "healthy", "hyper")

    class Meta:
        model = Comparison
        fields = ("q", "source")


class ApproachFilter(IndicatorRelatedFilter):
    q = _search("code", "name", "description")
    type = ChoiceFilter(choices=ApproachType.choices, help_text="Kind of approach.")

    class Meta:
        model = Approach
        fields = ("q", "source", "indicator", "type")


FILTERS: dict[type[ContentEntry], type[django_filters.FilterSet]] = {
    Source: SourceFilter,
    Domain: DomainFilter,
    Indicator: IndicatorFilter,
    Condition: ConditionFilter,
    Origin: OriginFilter,
    Impact: ImpactFilter,
    Comparison: ComparisonFilter,
    Approach: ApproachFilter,
}


def _entries(model: type[ContentEntry]) -> QuerySet:
    queryset = model.objects.all()
    if issubclass(model, CitedEntry):
        # Citations render each source's title: one query for all sources of all entries.
        queryset = queryset.prefetch_related(Prefetch("sources", queryset=Source.objects.all()))
    if model is Indicator:
        queryset = queryset.select_related("domain")
    if any(f.name == "indicators" for f in model._meta.many_to_many):
        queryset = queryset.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.only("id", "code"))
        )
    return queryset


def content_list(
    *, model: type[ContentEntry], filters: Mapping[str, Any] | None = None
) -> QuerySet:
    """Current entries of one kind in display order, narrowed by the kind's filter parameters.

    Raises a DRF ValidationError naming the parameter when a filter value is invalid.
    """
    filterset = FILTERS[model](
        filters or {}, queryset=_entries(model).filter(retired_at__isnull=True)
    )
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs.order_by("position", "code")


def content_get(*, model: type[ContentEntry], code: str) -> ContentEntry | None:
    """The entry with this code, retired or not; None when there is none."""
    return _entries(model).filter(code=code).first()

"""Read-only shapes of the knowledge base. Codes stand for related entries everywhere."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.fields import ChoiceField
from content.models import (
    Approach,
    ApproachType,
    CitedEntry,
    Comparison,
    Condition,
    Domain,
    Impact,
    Indicator,
    Origin,
    Source,
)


class EmptyAsNullCharField(serializers.CharField):
    """Text the database keeps as "" when absent (Django's convention) and the API shows as null,
    as the data files do."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: str) -> str | None:
        return value or None


class CitationSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="Source code (`src-armor`).")
    title = serializers.CharField(
        allow_null=True, help_text="The article's title as printed; null when it shows none."
    )
    label = serializers.CharField(help_text="Our short name for the article.")
    section = serializers.CharField(help_text="The heading, exactly as printed in the article.")


class ExternalReferenceSerializer(serializers.Serializer):
    citation = serializers.CharField(help_text="A publication outside the source articles.")
    relevance = serializers.CharField(help_text="Why it is cited.")


class CitedEntrySerializer(serializers.ModelSerializer):
    citations = serializers.SerializerMethodField(
        help_text="The article sections the entry rests on."
    )

    @extend_schema_field(CitationSerializer(many=True))
    def get_citations(self, entry: CitedEntry) -> list[dict]:
        # `sources` is prefetched by the selectors: no query per entry.
        sources = {source.code: source for source in entry.sources.all()}
        citations = []
        for citation in entry.citations:
            source = sources.get(citation["source"])
            citations.append(
                {
                    "source": citation["source"],
                    "title": (source.title or None) if source else None,
                    "label": source.label if source else "",
                    "section": citation["section"],
                }
            )
        return citations


RETIRED_HELP = "When the entry left the data files; null for current entries."
INDICATORS_HELP = "Codes of the related indicators."


def indicator_codes() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=INDICATORS_HELP
    )


class SourceSerializer(serializers.ModelSerializer):
    title = EmptyAsNullCharField(help_text="As printed; null when the article shows none.")
    publisher = EmptyAsNullCharField()
    author = EmptyAsNullCharField()
    sections = serializers.ListField(
        child=serializers.CharField(), help_text="Every heading, in article order."
    )

    class Meta:
        model = Source
        fields = ("code", "title", "label", "publisher", "author", "date", "sections", "retired_at")
        read_only_fields = fields
        extra_kwargs = {"retired_at": {"help_text": RETIRED_HELP}}


class DomainSerializer(CitedEntrySerializer):
    class Meta:
        model = Domain
        fields = ("code", "name", "description", "citations", "retired_at")
        read_only_fields = fields
        extra_kwargs = {"retired_at": {"help_text": RETIRED_HELP}}


class IndicatorSerializer(CitedEntrySerializer):
    domain = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Domain code."
    )
    examples = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Example behaviours."
    )

    class Meta:
        model = Indicator
        fields = ("code", "name", "domain", "description", "examples", "citations", "retired_at")
        read_only_fields = fields
        extra_kwargs = {"retired_at": {"help_text": RETIRED_HELP}}


class ConditionSerializer(CitedEntrySerializer):
    indicators = indicator_codes()
    follow_up_instrument = EmptyAsNullCharField(
        help_text="Code of the validated instrument to consider as a follow-up screen "
        "(`/api/v1/instruments/<code>/`); null when there is none."
    )
    external_references = ExternalReferenceSerializer(many=True, read_only=True)

    class Meta:
        model = Condition
        fields = (
            "code",
            "name",
            "relation",
            "distinguishing",
            "indicators",
            "follow_up_instrument",
            "follow_up_note",
            "not_a_diagnosis",
            "external_references",
            "citations",
            "retired_at",
        )
        read_only_fields = fields
        extra_kwargs = {"retired_at": {"help_text": RETIRED_HELP}}


class OriginSerializer(CitedEntrySerializer):
    indicators = indicator_codes()

    class Meta:
        model = Origin
        fields = ("code", "name", "description", "indicators", "citations", "retired_at")
        read_only_fields = fields
        extra_kwargs = {"retired_at": {"help_text": RETIRED_HELP}}


class ImpactSerializer(OriginSerializer):
    class Meta(OriginSerializer.Meta):
        model = Impact


class ComparisonSerializer(CitedEntrySerializer):
    class Meta:
        model = Comparison
        fields = ("code", "aspect", "healthy", "hyper", "citations", "retired_at")
        read_only_fields = fields
        extra_kwargs = {"retired_at": {"help_text": RETIRED_HELP}}


class ApproachSerializer(CitedEntrySerializer):
    type = ChoiceField(
        choices=ApproachType.choices,
        read_only=True,
        help_text="therapy (a named therapy or process), practice (something the person "
        "practises) or service (assessment by a professional).",
    )
    indicators = indicator_codes()

    class Meta:
        model = Approach
        fields = ("code", "name", "description", "type", "indicators", "citations", "retired_at")
        read_only_fields = fields
        extra_kwargs = {"retired_at": {"help_text": RETIRED_HELP}}

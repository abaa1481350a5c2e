"""Shapes of screenings, results and flags as the REST API shows and accepts them."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.api.strict import StrictFieldsMixin
from config.fields import ChoiceField, NumberField
from screening.api.instrument_serializers import AnswerSerializer
from screening.compiled import compiled_version
from screening.models import (
    Flag,
    FlagReview,
    FlagStatus,
    Screening,
    ScreeningMode,
    ScreeningStatus,
)


class BandSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    interpretation = serializers.CharField()
    min = NumberField()
    max = NumberField()
    source = serializers.CharField(allow_null=True, required=False)


class ScaleResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    score = NumberField(
        allow_null=True, help_text="null when it cannot be scored; whole scores are integers."
    )
    band = BandSerializer(allow_null=True)
    bands_provisional = serializers.BooleanField(
        help_text="True when the cut-offs are not validated (our own inventory)."
    )
    complete = serializers.BooleanField()
    prorated = serializers.BooleanField()
    answered = serializers.IntegerField()
    expected = serializers.IntegerField()


class ResultSerializer(serializers.Serializer):
    complete = serializers.BooleanField()
    scored_at = serializers.DateTimeField()
    scales = ScaleResultSerializer(many=True)


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = FlagReview
        fields = ("reviewer", "status", "note", "created_at")
        read_only_fields = fields


class FlagSerializer(serializers.ModelSerializer):
    condition = serializers.SerializerMethodField()
    rule = serializers.CharField(source="rule_id")
    client = serializers.IntegerField(source="client_id")
    screening = serializers.IntegerField(source="screening_id")
    follow_up_screening = serializers.IntegerField(source="follow_up_screening_id", allow_null=True)
    # Selectors and services attach these lists (prefetch `to_attr`), so rendering never queries.
    reviews = ReviewSerializer(many=True, source="prefetched_reviews")
    for_clinician_review = serializers.SerializerMethodField(
        help_text="Always true: a flag is a prompt for clinician review, never a diagnosis."
    )

    class Meta:
        model = Flag
        fields = (
            "id",
            "client",
            "screening",
            "condition",
            "severity",
            "rule",
            "message",
            "evidence",
            "follow_up_instrument",
            "follow_up_note",
            "follow_up_screening",
            "status",
            "reviews",
            "for_clinician_review",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}
    )
    def get_condition(self, flag: Flag) -> dict[str, str]:
        return {"code": flag.condition_code, "name": flag.condition_name}

    def get_for_clinician_review(self, flag: Flag) -> bool:
        return True


class AnsweredItemSerializer(serializers.Serializer):
    link_id = serializers.CharField()
    value = serializers.JSONField()
    code = serializers.CharField(allow_null=True)
    label = serializers.CharField()


class ScreeningSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id")
    instrument = serializers.CharField(source="instrument_version.instrument.code")
    version = serializers.CharField(source="instrument_version.version")
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    superseded_by = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    flags = FlagSerializer(many=True, source="prefetched_flags")

    class Meta:
        model = Screening
        fields = (
            "id",
            "client",
            "instrument",
            "version",
            "mode",
            "status",
            "revision",
            "supersedes",
            "superseded_by",
            "status_reason",
            "answers",
            "result",
            "flags",
            "created_at",
            "updated_at",
            "submitted_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, screening: Screening) -> int | None:
        # Only an amended screening has a revision; asking any other would cost a query.
        if screening.status != ScreeningStatus.AMENDED:
            return None
        revision = getattr(screening, "superseded_by", None)
        return revision.pk if revision else None

    @extend_schema_field(AnsweredItemSerializer(many=True))
    def get_answers(self, screening: Screening) -> list[dict[str, Any]]:
        compiled = compiled_version(screening.instrument_version)
        answered = []
        for item in compiled.items:
            if item.link_id not in screening.answers:
                continue
            value = screening.answers[item.link_id]
            option = next((o for o in item.options if o.value == value), None)
            answered.append(
                {
                    "link_id": item.link_id,
                    "value": value,
                    "code": option.code if option else None,
                    "label": option.label if option else ("Yes" if value else "No"),
                }
            )
        return answered

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_result(self, screening: Screening) -> dict[str, Any] | None:
        results = getattr(screening, "current_results", None)
        if results is None:
            results = list(screening.results.filter(is_current=True))
        if not results:
            return None
        result = results[0]
        # In the instrument's order: PostgreSQL's jsonb does not keep the keys' order.
        order = [s.id for s in compiled_version(screening.instrument_version).scales]
        scales = [result.scales[i] for i in order if i in result.scales]
        scales += [scale for i, scale in result.scales.items() if i not in order]
        return {"complete": result.complete, "scored_at": result.scored_at, "scales": scales}


class ScreeningCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    client = serializers.IntegerField(min_value=1)
    instrument = serializers.SlugField(max_length=40, help_text="Instrument code, e.g. phq9.")
    version = serializers.CharField(
        max_length=40, required=False, help_text="Default: the latest published version."
    )
    mode = ChoiceField(choices=ScreeningMode.choices)
    answers = AnswerSerializer(many=True, required=False, max_length=500)
    submit = serializers.BooleanField(
        default=False, help_text="Score at once (what an integration does in one call)."
    )


class ScreeningAnswersSerializer(StrictFieldsMixin, serializers.Serializer):
    answers = AnswerSerializer(many=True, max_length=500)


class AmendSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    answers = AnswerSerializer(many=True, max_length=500, help_text="The corrected answers.")


class VoidSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class FlagReviewInputSerializer(StrictFieldsMixin, serializers.Serializer):
    status = ChoiceField(choices=FlagStatus.choices)
    note = serializers.CharField(max_length=4000)


class FollowUpInputSerializer(StrictFieldsMixin, serializers.Serializer):
    mode = ChoiceField(choices=ScreeningMode.choices, default=ScreeningMode.CLINICIAN)

"""Shapes of screenings, results and flags as the REST API shows and accepts them."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.api.strict import StrictFieldsMixin
from config.fields import ChoiceField, NumberField
from screening.api.change_serializers import ScaleChangeSerializer
from screening.api.instrument_serializers import AnswerSerializer
from screening.compiled import compiled_version
from screening.models import (
    Flag,
    FlagReview,
    FlagStatus,
    Screening,
    ScreeningMode,
    ScreeningStatus,
    Severity,
)
from screening.selectors.change import screening_change


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


class ReportedItemSerializer(serializers.Serializer):
    link_id = serializers.CharField()
    text = serializers.CharField()
    codes = serializers.JSONField(help_text="The item's codings, e.g. LOINC 69722-7.")
    value = serializers.JSONField()
    label = serializers.CharField()
    option = serializers.JSONField(allow_null=True, help_text="The option's code and system.")
    scored = serializers.BooleanField(help_text="Always false: reported, never scored.")


class ResultSerializer(serializers.Serializer):
    complete = serializers.BooleanField(
        help_text="False when the screening was submitted with unanswered items "
        "(`allow_incomplete`); `missing_items` lists them."
    )
    missing_items = serializers.ListField(
        child=serializers.CharField(),
        help_text="Link ids of the required or scored items left unanswered, in item order.",
    )
    scored_at = serializers.DateTimeField()
    scales = ScaleResultSerializer(many=True)
    response_quality = serializers.JSONField(
        help_text="`checked` (false when the instrument declares no check) and `warnings`, each "
        "with a code (`straight_lining`, `reverse_contradiction`), a message and the items; "
        "every flag of the screening repeats it."
    )
    reported_items = ReportedItemSerializer(
        many=True,
        help_text="Answers to unscored questions (PHQ-9 question 10, the GAD-7 difficulty "
        "question), returned with the result and never scored.",
    )
    change = ScaleChangeSerializer(
        many=True,
        allow_null=True,
        help_text="Per scale, this screening against the client's earlier completed screenings of "
        "the same instrument (baseline: the first; previous: the one before): change, reliable "
        "change, response, remission, recovery and the criteria used. Empty when nothing earlier "
        "compares; null unless the screening is completed. Earlier versions count only where the "
        "scale's id, method, range and items match.",
    )


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = FlagReview
        fields = ("reviewer", "status", "note", "created_at")
        read_only_fields = fields


RESPONSE_QUALITY_SCHEMA = {
    "type": "object",
    "description": "The response-quality check of the result the flag was raised on: `checked` "
    "is false when the instrument declares no check; each warning has a code "
    "(`straight_lining`, `reverse_contradiction`), a message and the items concerned.",
    "properties": {
        "checked": {"type": "boolean"},
        "warnings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "items": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def response_quality(value: dict[str, Any] | None) -> dict[str, Any]:
    """A stored check as shown: one shape whether or not the instrument declares a check."""
    value = value or {}
    return {"checked": bool(value.get("checked")), "warnings": list(value.get("warnings", []))}


class FlagCoreSerializer(serializers.Serializer):
    """What every flag says about itself, saved or previewed: ONE shape (issue 13).

    It reads attributes named as on the `Flag` model, so the score preview renders its flags
    (screening.selectors.preview.PreviewFlag) through these very fields."""

    condition = serializers.SerializerMethodField(
        help_text="`code`: the knowledge base's condition; `name`: the flag's label, naming a "
        "possible pattern as a screen, never a diagnosis."
    )
    severity = ChoiceField(choices=Severity.choices, read_only=True)
    rule = serializers.CharField(source="rule_id", read_only=True)
    source = serializers.CharField(
        source="rule_source", read_only=True, help_text="Where the rule and its cut-off come from."
    )
    instrument_validated = serializers.BooleanField(
        read_only=True,
        help_text="False when the instrument is not validated (our own inventory); the message "
        "then says so too.",
    )
    message = serializers.CharField(read_only=True)
    determined_from_partial = serializers.SerializerMethodField(
        help_text="True when an answer the rule depends on was missing and the rule held for "
        "every answer it could still be given (the evidence lists the `unanswered` items)."
    )
    evidence = serializers.JSONField(
        read_only=True,
        help_text="`criteria` (the rule in words), `items` and `scales` each with its answer or "
        "score, the rule's `threshold` on it and whether it was `met` (a partial scale also its "
        "`reachable` range), `determined_from_partial` and the `unanswered` items.",
    )
    follow_up_instrument = serializers.CharField(read_only=True)
    follow_up_note = serializers.CharField(read_only=True)
    response_quality = serializers.SerializerMethodField()
    for_clinician_review = serializers.SerializerMethodField(
        help_text="Always true: a flag is a prompt for clinician review, never a diagnosis."
    )

    @extend_schema_field(
        {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}
    )
    def get_condition(self, flag: Any) -> dict[str, str]:
        return {"code": flag.condition_code, "name": flag.condition_name}

    @extend_schema_field(RESPONSE_QUALITY_SCHEMA)
    def get_response_quality(self, flag: Any) -> dict[str, Any]:
        return response_quality(flag.response_quality)

    def get_for_clinician_review(self, flag: Any) -> bool:
        return True

    def get_determined_from_partial(self, flag: Any) -> bool:
        # Kept in the evidence (stored with the flag), so flags stored before it read false.
        return bool((flag.evidence or {}).get("determined_from_partial", False))


CORE_FLAG_FIELDS = tuple(FlagCoreSerializer().fields)


class FlagSerializer(FlagCoreSerializer, serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id")
    screening = serializers.IntegerField(source="screening_id")
    follow_up_screening = serializers.IntegerField(source="follow_up_screening_id", allow_null=True)
    # Selectors and services attach these lists (prefetch `to_attr`), so rendering never queries.
    reviews = ReviewSerializer(many=True, source="prefetched_reviews")

    class Meta:
        model = Flag
        fields = (
            "id",
            "client",
            "screening",
            *CORE_FLAG_FIELDS,
            "follow_up_screening",
            "status",
            "reviews",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class PreviewResultSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    version = serializers.CharField()
    checksum = serializers.CharField()
    complete = serializers.BooleanField()
    missing_items = serializers.ListField(child=serializers.CharField())
    disabled_items = serializers.ListField(child=serializers.CharField())
    scales = serializers.JSONField(help_text="Scale id -> score, band and completeness.")
    response_quality = serializers.JSONField()
    reported_items = ReportedItemSerializer(many=True)
    flags = FlagCoreSerializer(many=True, help_text="In the one shape of a saved flag.")


class ScoreResultSerializer(serializers.Serializer):
    """The engine's result: scales with scores and bands, and the flags rules would raise."""

    instrument = serializers.CharField()
    version = serializers.CharField()
    result = PreviewResultSerializer()


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
        outcomes = screening_change(screening)
        return {
            "complete": result.complete,
            "missing_items": result.missing_items,
            "scored_at": result.scored_at,
            "scales": scales,
            "response_quality": response_quality(result.response_quality),
            "reported_items": result.reported_items,
            "change": None if outcomes is None else ScaleChangeSerializer(outcomes, many=True).data,
        }


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
    allow_incomplete = serializers.BooleanField(
        default=False,
        help_text="With `submit`: complete the screening even with unanswered items. Scales "
        "score as their missing-data rule allows, the result says `complete: false` and lists "
        "`missing_items`, and rules still fire when the answers given already determine them. "
        "Without it, missing required answers are a 400 naming each item.",
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


class SubmitSerializer(StrictFieldsMixin, serializers.Serializer):
    allow_incomplete = serializers.BooleanField(
        default=False,
        help_text="Complete the screening even with unanswered items (see the one-call start).",
    )

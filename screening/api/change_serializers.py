"""Shapes of change between screenings (issue 16) as REST shows them: in a screening's result,
on each trend of the client timeline, and (counts only) in the outcomes report."""

from rest_framework import serializers

from config.fields import ChoiceField, NumberField
from screening.engine import RELIABLE_CHANGE_VALUES


class ReliableChangeCriterionSerializer(serializers.Serializer):
    method = serializers.CharField(
        help_text="`points` (a published threshold) or `jacobson_truax` (computed from norms)."
    )
    threshold = NumberField(
        help_text="Points: a change of at least this many points is reliable (`points`); more "
        "than this many (`jacobson_truax`, shown to 2 decimals)."
    )
    sd = NumberField(required=False, allow_null=True)
    reliability = NumberField(required=False, allow_null=True)
    source = serializers.CharField()


class ResponseCriterionSerializer(serializers.Serializer):
    percent = NumberField(help_text="An improvement of at least this share of the baseline score.")
    source = serializers.CharField()


class ScoreCriterionSerializer(serializers.Serializer):
    op = serializers.CharField(help_text="<, <=, > or >=: `score op value` holds.")
    value = NumberField()
    source = serializers.CharField()


class ChangeCriteriaSerializer(serializers.Serializer):
    direction = serializers.CharField(help_text="`higher_is_worse` or `higher_is_better`.")
    reliable_change = ReliableChangeCriterionSerializer(allow_null=True)
    response = ResponseCriterionSerializer(allow_null=True)
    remission = ScoreCriterionSerializer(allow_null=True)
    caseness = ScoreCriterionSerializer(allow_null=True)


class ChangePointSerializer(serializers.Serializer):
    screening = serializers.IntegerField()
    version = serializers.CharField(help_text="The instrument version that screening was given.")
    date = serializers.DateTimeField(help_text="When it was submitted.")
    score = NumberField()


class ScaleChangeSerializer(serializers.Serializer):
    scale = serializers.CharField()
    title = serializers.CharField()
    baseline = ChangePointSerializer(help_text="The client's first completed, comparable score.")
    previous = ChangePointSerializer(help_text="The comparable score just before the latest.")
    latest = ChangePointSerializer()
    change_since_baseline = NumberField(help_text="Latest minus baseline; integers stay integers.")
    change_since_previous = NumberField(help_text="Latest minus previous.")
    reliable_change = ChoiceField(
        choices=list(RELIABLE_CHANGE_VALUES),
        read_only=True,
        help_text="Baseline to latest, by the scale's declared criterion; `not_defined` when it "
        "declares none (never a guess).",
    )
    reliable_change_since_previous = ChoiceField(
        choices=list(RELIABLE_CHANGE_VALUES), read_only=True
    )
    response = serializers.BooleanField(
        allow_null=True, help_text="null when no response criterion is declared."
    )
    remission = serializers.BooleanField(
        allow_null=True, help_text="The latest score; null when no remission criterion is declared."
    )
    recovery = serializers.BooleanField(
        allow_null=True,
        help_text="From caseness at baseline to non-caseness at the latest; null when no caseness "
        "is declared or the baseline was not a case.",
    )
    criteria = ChangeCriteriaSerializer(
        allow_null=True,
        help_text="The criteria applied, each with its source: the latest screening's version's.",
    )

"""`GET /api/v1/outcomes/`: the organization's outcomes report (issue 16), for clinic leads.

Clinic leads are the organization's admins (`org_admin`): the report covers every client of the
organization, which no single clinician's caseload does, and it is read as an export (audited
with every client it counts), like the audit trail's CSV. Thin: parse, call, render, audit.
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.access import AuditObject
from clients.api.strict import StrictFieldsMixin
from clients.models import Role
from clients.models.audit import AuditAction
from clients.permissions import OrganizationRole, request_organization
from clients.services.audit import audit_record
from config.fields import ChoiceField
from screening.selectors.outcomes import PERIODS, OutcomeRow, outcomes_report, periods_between

MAX_PERIODS = 120  # ten years of months: a report, not a data dump


class OutcomesQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    period = ChoiceField(choices=list(PERIODS), default="quarter")
    # `from` is a Python keyword: the field is named in `get_fields`.
    to = serializers.DateField(required=False)
    instrument = serializers.SlugField(max_length=40, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, data: dict) -> dict:
        today = timezone.now().date()
        last = data.get("to") or today
        first = data.get("from") or last - timedelta(days=365)
        if first > last:
            raise serializers.ValidationError({"from": ["Must not be after `to`."]})
        if len(periods_between(first, last, data["period"])) > MAX_PERIODS:
            raise serializers.ValidationError(
                {"from": [f"At most {MAX_PERIODS} periods in one report; narrow the dates."]}
            )
        return {**data, "from": first, "to": last}


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    percent = serializers.FloatField(
        allow_null=True, help_text="Of `of` clients, to one decimal; null when `of` is 0."
    )
    of = serializers.IntegerField(help_text="The denominator.")


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the period (UTC).")
    end = serializers.DateField(help_text="First day after it.")


class OutcomeRowSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    period = PeriodSerializer()
    scale = serializers.CharField()
    title = serializers.CharField()
    clients = serializers.IntegerField(
        help_text="Clients with two or more completed screenings of the instrument by the period's "
        "end, the latest inside the period."
    )
    reliably_improved = CountSerializer()
    no_reliable_change = CountSerializer()
    reliably_deteriorated = CountSerializer()
    not_defined = CountSerializer(
        help_text="Clients whose latest version declares no reliable change criterion."
    )
    recovered = CountSerializer(
        help_text="Of the clients who were a case at baseline (by the scale's declared caseness): "
        "below caseness at their latest screening. `of` is 0 when no caseness is declared."
    )

    def to_representation(self, row: OutcomeRow) -> dict:
        def count(n: int, of: int) -> dict:
            return {"count": n, "percent": row.percent(n, of), "of": of}

        return {
            "instrument": row.instrument,
            "period": {"start": row.period.start, "end": row.period.end},
            "scale": row.scale,
            "title": row.title,
            "clients": row.clients,
            "reliably_improved": count(row.improved, row.clients),
            "no_reliable_change": count(row.no_reliable_change, row.clients),
            "reliably_deteriorated": count(row.deteriorated, row.clients),
            "not_defined": count(row.not_defined, row.clients),
            "recovered": count(row.recovered, row.cases_at_baseline),
        }


class OutcomesReportSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField(source="first", help_text="Start of the first period.")
    end = serializers.DateField(source="last", help_text="End of the last period (exclusive).")
    results = OutcomeRowSerializer(many=True, source="rows")


class OutcomesView(APIView):
    permission_classes = [OrganizationRole]
    required_roles = (Role.ORG_ADMIN,)

    @extend_schema(
        summary="Read the organization's outcomes report",
        description="Per instrument, calendar period and scale: how many clients had two or more "
        "completed screenings (the latest in the period) and, of them, how many changed reliably "
        "(improved, no reliable change, deteriorated, or not defined when the instrument declares "
        "no criterion) from their first screening, and how many of those who were a case at "
        "baseline recovered; counts and percentages only, no client named. Criteria and series "
        "as on the timeline. For clinic leads (org admins); each read is audited as an export "
        "with the clients counted.",
        parameters=[
            OpenApiParameter("period", str, enum=list(PERIODS), description="Default quarter."),
            OpenApiParameter(
                "from", str, description="A date (YYYY-MM-DD); default a year before `to`."
            ),
            OpenApiParameter("to", str, description="A date; default today (UTC)."),
            OpenApiParameter("instrument", str, description="An instrument code, e.g. phq9."),
        ],
        responses=OutcomesReportSerializer,
    )
    def get(self, request: Request) -> Response:
        params = OutcomesQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        organization = request_organization(request)
        report = outcomes_report(
            organization=organization,
            period=query["period"],
            first=query["from"],
            last=query["to"],
            instrument=query.get("instrument"),
        )
        audit_record(
            actor=request.user,
            organization=organization,
            action=AuditAction.EXPORT,
            object_type=AuditObject.OUTCOMES,
            client_ids=report.client_ids,
            detail={
                "filters": {key: str(value) for key, value in query.items()},
                "rows": len(report.rows),
            },
        )
        return Response(OutcomesReportSerializer(report).data)

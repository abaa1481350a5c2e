"""Screenings, flags and the client timeline over REST. Thin: parse, call, render, audit reads."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.access import CLINICAL_ROLES, AuditObject, audit_read
from clients.models import Role
from clients.permissions import OrganizationRole, request_organization
from clients.selectors import client_get
from config.errors import InvalidInput
from config.idempotency import idempotent
from config.ids import ID_CONVERTER, query_id
from screening.api import examples
from screening.api.screening_serializers import (
    AmendSerializer,
    FlagReviewInputSerializer,
    FlagSerializer,
    FollowUpInputSerializer,
    ScreeningAnswersSerializer,
    ScreeningCreateSerializer,
    ScreeningSerializer,
    SubmitSerializer,
    VoidSerializer,
)
from screening.api.timeline_serializers import TimelineSerializer
from screening.models import Flag, FlagStatus, Screening, ScreeningStatus, Severity
from screening.selectors import (
    client_timeline,
    flag_get,
    flag_list,
    instrument_list,
    published_version,
    screening_get,
    screening_list,
)
from screening.selectors.change import with_changes
from screening.services.flags import flag_review, flag_start_follow_up
from screening.services.screenings import (
    screening_amend,
    screening_save_answers,
    screening_start,
    screening_submit,
    screening_void,
)


def _choice(request: Request, name: str, choices: list[str]) -> str | None:
    value = request.query_params.get(name) or None
    if value is not None and value not in choices:
        raise serializers.ValidationError({name: [f"One of: {', '.join(choices)}."]})
    return value


def _names_a_known_instruments_version(request: Request, data: dict) -> bool:
    """Whether a start that found no published version is to blame on its `version` (the
    instrument exists for this caller) rather than on its `instrument`."""
    return "version" in data and (
        instrument_list(user=request.user).filter(code=data["instrument"]).exists()
    )


class ScreeningViewSet(viewsets.GenericViewSet):
    permission_classes = [OrganizationRole]
    required_roles = CLINICAL_ROLES
    serializer_class = ScreeningSerializer
    queryset = Screening.objects.none()  # schema generation only; requests use the selectors
    lookup_value_converter = ID_CONVERTER  # config/ids.py: ASCII digits, 64-bit, else 404

    def _get(self, pk: int) -> Screening:
        screening = screening_get(organization=request_organization(self.request), pk=pk)
        if screening is None:
            raise Http404
        return screening

    def _render(self, screening: Screening, code: int = status.HTTP_200_OK) -> Response:
        fresh = screening_get(organization=screening.organization, pk=screening.pk)
        return Response(ScreeningSerializer(fresh).data, status=code)

    @extend_schema(
        summary="List screenings",
        description="Your organization's screenings, newest first, by cursor page; filter by "
        "client, status or instrument code.",
        parameters=[
            OpenApiParameter("client", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ScreeningStatus.values),
            OpenApiParameter("instrument", OpenApiTypes.STR),
        ],
    )
    def list(self, request: Request) -> Response:
        screenings = screening_list(
            organization=request_organization(request),
            client_id=query_id(request.query_params, "client"),
            status=_choice(request, "status", ScreeningStatus.values),
            instrument=request.query_params.get("instrument") or None,
        )
        page = with_changes(self.paginate_queryset(screenings))
        audit_read(request, AuditObject.SCREENING, client_ids={s.client_id for s in page})
        return self.get_paginated_response(ScreeningSerializer(page, many=True).data)

    @extend_schema(
        summary="Start a screening, or screen in one call",
        request=ScreeningCreateSerializer,
        responses={201: ScreeningSerializer},
        description="Start a screening of a client with an instrument's latest published version "
        "(or the named `version`). With `submit: true` and complete answers it is scored at once "
        "and the response carries the result and any flags (what an integration does in one "
        "call); without, it stays in progress for more answers. A critical answer raises its "
        "urgent flag as soon as it is saved.",
        examples=[examples.ONE_CALL_SUBMIT_REQUEST, examples.ONE_CALL_SUBMIT_RESPONSE],
    )
    @idempotent(client_ids=lambda data: [data["client"]])
    def create(self, request: Request) -> Response:
        params = ScreeningCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        organization = request_organization(request)
        client = client_get(organization=organization, pk=data["client"], details=False)
        if client is None:
            raise InvalidInput(fields={"client": ["No such client in your organization."]})
        version = published_version(code=data["instrument"], version=data.get("version"))
        if version is None:
            field = "version" if _names_a_known_instruments_version(request, data) else "instrument"
            raise InvalidInput(fields={field: ["No published version by that name."]})
        screening = screening_start(
            organization=organization,
            client=client,
            version=version,
            mode=data["mode"],
            actor=request.user,
            answers=data.get("answers", []),
            submit=data["submit"],
            allow_incomplete=data["allow_incomplete"],
        )
        # The service returns the screening with its result and flags attached: no re-read.
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Read a screening",
        description="One screening with its answers (each with the option's code and label), its "
        "current result and its flags. The read is audited.",
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        screening = self._get(pk)
        audit_read(
            request,
            AuditObject.SCREENING,
            client_ids=[screening.client_id],
            object_id=screening.pk,
        )
        return Response(ScreeningSerializer(screening).data)

    @extend_schema(
        summary="Save answers",
        request=ScreeningAnswersSerializer,
        responses=ScreeningSerializer,
        description="Save answers while in progress (merged with those saved; a null value clears "
        "one). A completed screening is frozen: 409.",
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        params = ScreeningAnswersSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        screening = screening_save_answers(
            screening=self._get(pk), answers=params.validated_data["answers"], actor=request.user
        )
        return self._render(screening)

    @extend_schema(
        summary="Submit and score a screening",
        description="Score an in-progress screening with the answers saved: every required item "
        "must be answered (400 names the missing ones), unless `allow_incomplete` is true: then "
        "it is completed as it stands, the result says `complete: false` and lists "
        "`missing_items`, and flags the answers given already determine are raised (each says "
        "`determined_from_partial`). The response carries the result and any flags. The body "
        "may be empty.",
        request=SubmitSerializer,
        responses=ScreeningSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: int) -> Response:
        params = SubmitSerializer(data=request.data or {})
        params.is_valid(raise_exception=True)
        screening = screening_submit(
            screening=self._get(pk),
            actor=request.user,
            allow_incomplete=params.validated_data["allow_incomplete"],
        )
        return self._render(screening)

    @extend_schema(
        summary="Amend a completed screening",
        request=AmendSerializer,
        responses={201: ScreeningSerializer},
        description="Create a corrected revision (scored at once) that supersedes this completed "
        "screening, with a reason; the original is kept, marked amended. Its flags stay open.",
    )
    @idempotent(client_ids=lambda data: [data["client"]])
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: int) -> Response:
        params = AmendSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        revision = screening_amend(
            screening=self._get(pk),
            actor=request.user,
            reason=params.validated_data["reason"],
            answers=params.validated_data["answers"],
        )
        return self._render(revision, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Void a screening given in error",
        description="Mark a screening as given in error, with a reason. Nothing is deleted, it "
        "leaves the trends, and its flags stay for a clinician to close.",
        request=VoidSerializer,
        responses=ScreeningSerializer,
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: int) -> Response:
        params = VoidSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        screening = screening_void(
            screening=self._get(pk), actor=request.user, reason=params.validated_data["reason"]
        )
        return self._render(screening)


class FlagViewSet(viewsets.GenericViewSet):
    """Flags for clinician review across the organization's clients: urgent first, then newest."""

    permission_classes = [OrganizationRole]
    required_roles = CLINICAL_ROLES
    serializer_class = FlagSerializer
    queryset = Flag.objects.none()  # schema generation only
    lookup_value_converter = ID_CONVERTER  # config/ids.py: ASCII digits, 64-bit, else 404
    pagination_ordering = ("severity_rank", "-created_at", "-id")

    def get_permissions(self):
        # Reviewing and starting follow-ups are clinical decisions: clinicians only.
        if self.action in ("review", "follow_up"):
            self.required_roles = (Role.CLINICIAN,)
        return super().get_permissions()

    def _get(self, pk: int) -> Flag:
        flag = flag_get(organization=request_organization(self.request), pk=pk)
        if flag is None:
            raise Http404
        return flag

    def _render(self, flag: Flag) -> Response:
        return Response(FlagSerializer(flag_get(organization=flag.organization, pk=flag.pk)).data)

    @extend_schema(
        summary="List flags for clinician review",
        description="Your organization's flags for clinician review, urgent first and then "
        "newest, by cursor page; filter by status, severity, condition code or client.",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=FlagStatus.values),
            OpenApiParameter("severity", OpenApiTypes.STR, enum=Severity.values),
            OpenApiParameter("condition", OpenApiTypes.STR),
            OpenApiParameter("client", OpenApiTypes.INT),
        ],
    )
    def list(self, request: Request) -> Response:
        flags = flag_list(
            organization=request_organization(request),
            status=_choice(request, "status", FlagStatus.values),
            severity=_choice(request, "severity", Severity.values),
            condition=request.query_params.get("condition") or None,
            client_id=query_id(request.query_params, "client"),
        )
        page = self.paginate_queryset(flags)
        audit_read(request, AuditObject.FLAG, client_ids={f.client_id for f in page})
        return self.get_paginated_response(FlagSerializer(page, many=True).data)

    @extend_schema(
        summary="Read a flag",
        description="One flag: the rule that raised it, the items, answers and scores it rests "
        "on, the condition, the follow-up to consider, and its review history. Never a diagnosis.",
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        flag = self._get(pk)
        audit_read(request, AuditObject.FLAG, client_ids=[flag.client_id], object_id=flag.pk)
        return Response(FlagSerializer(flag).data)

    @extend_schema(
        summary="Review a flag",
        description="Record a clinician's decision on the flag, with a note: `acknowledged` "
        "(seen, acted on), `dismissed` (not relevant), or `open` again. Every decision stays in "
        "the flag's `reviews`. Clinicians only.",
        request=FlagReviewInputSerializer,
        responses=FlagSerializer,
        examples=[examples.FLAG_REVIEW_REQUEST, examples.FLAG_REVIEW_RESPONSE],
    )
    @idempotent(client_ids=lambda data: [data["client"]])
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: int) -> Response:
        params = FlagReviewInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        flag = flag_review(
            flag=self._get(pk),
            actor=request.user,
            status=params.validated_data["status"],
            note=params.validated_data["note"],
        )
        return self._render(flag)

    @extend_schema(
        summary="Start the flag's follow-up screening",
        request=FollowUpInputSerializer,
        responses={201: ScreeningSerializer},
        description="Start an in-progress screening of the flag's follow-up instrument for the "
        "same client, linked to the flag. Asking again returns the same screening, and so does "
        "asking for another flag of the client that suggests the same instrument while that "
        "screening is in progress. A flag without a follow-up instrument answers 409 (its "
        "`follow_up_note` says what to consider). Clinicians only.",
        examples=[examples.FOLLOW_UP_REQUEST, examples.FOLLOW_UP_RESPONSE],
    )
    @idempotent(client_ids=lambda data: [data["client"]])
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: int) -> Response:
        params = FollowUpInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        screening = flag_start_follow_up(
            flag=self._get(pk), actor=request.user, mode=params.validated_data["mode"]
        )
        fresh = screening_get(organization=screening.organization, pk=screening.pk)
        return Response(ScreeningSerializer(fresh).data, status=status.HTTP_201_CREATED)


class ClientTimelineView(APIView):
    permission_classes = [OrganizationRole]
    required_roles = CLINICAL_ROLES

    @extend_schema(
        summary="Read a client's timeline",
        responses=TimelineSerializer,
        description="Every screening of the client, newest first (each completed one with its "
        "change against the client's earlier screenings of the instrument), and per instrument "
        "and scale, in the instrument's scale order, the series of completed scores (whole scores "
        "as integers) with the change since the previous one and the `outcome`: the latest score "
        "against the first (baseline) and the previous, with reliable change, response, "
        "remission and recovery by the scale's published criteria (`not_defined` / null where it "
        "declares none).",
    )
    def get(self, request: Request, pk: int) -> Response:
        organization = request_organization(request)
        client = client_get(organization=organization, pk=pk, details=False)
        if client is None:
            raise Http404
        timeline = client_timeline(organization=organization, client=client)
        audit_read(request, AuditObject.TIMELINE, client_ids=[client.pk], object_id=client.pk)
        return Response(TimelineSerializer(timeline).data)

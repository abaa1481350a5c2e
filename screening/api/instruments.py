"""The instrument library over REST: members read published versions, instrument admins curate."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.idempotency import idempotent
from screening.api import examples
from screening.api.instrument_serializers import (
    DefinitionInputSerializer,
    InstrumentDetailSerializer,
    InstrumentSerializer,
    InstrumentVersionSerializer,
    InstrumentVersionSummarySerializer,
    ScorePreviewSerializer,
    VersionCreateSerializer,
)
from screening.api.screening_serializers import FlagCoreSerializer, ScoreResultSerializer
from screening.models import Instrument, InstrumentVersion
from screening.permissions import LibraryAccess
from screening.selectors import (
    instrument_list,
    instrument_version_list,
    latest_published_version,
    latest_published_versions,
    preview_flags,
    score_preview,
)
from screening.services.instruments import (
    instrument_import,
    instrument_version_create,
    instrument_version_delete,
    instrument_version_publish,
    instrument_version_retire,
    instrument_version_update,
)

TAGS = ["instruments"]


def _instrument(request: Request, code: str) -> Instrument:
    return get_object_or_404(instrument_list(user=request.user), code=code)


def _version(request: Request, code: str, version: str) -> InstrumentVersion:
    instrument = _instrument(request, code)
    return get_object_or_404(
        instrument_version_list(user=request.user, instrument=instrument), version=version
    )


class LibraryView(APIView):
    permission_classes = [LibraryAccess]


class InstrumentListView(LibraryView):
    @extend_schema(
        tags=TAGS,
        summary="List instruments",
        description="Every instrument with a published version (instrument admins also see those "
        "with drafts only), by code: title, latest published version, whether it is validated, "
        "citation and licence. Follow `url` for an instrument's items, options, scales and bands.",
        responses=InstrumentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        instruments = list(instrument_list(user=request.user))
        latest = latest_published_versions(codes=[i.code for i in instruments])
        context = {"latest": latest, "request": request}
        data = InstrumentSerializer(instruments, many=True, context=context).data
        return Response(data)

    @extend_schema(
        tags=TAGS,
        summary="Import an instrument definition as a draft",
        request=DefinitionInputSerializer,
        responses={201: InstrumentVersionSerializer},
        description="Import a definition as a draft (instrument admins). The instrument is "
        "created on first import. An invalid definition gets every error with its path.",
    )
    @idempotent()
    def post(self, request: Request) -> Response:
        params = DefinitionInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        version = instrument_import(
            definition=params.validated_data["definition"], actor=request.user
        )
        return Response(InstrumentVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class InstrumentDetailView(LibraryView):
    @extend_schema(
        tags=TAGS,
        summary="Read an instrument with its items and scoring",
        description="The instrument and, under `latest`, its latest published version: the "
        "instructions, every item with its options (send an item's `link_id` and an option's "
        "`value` as an answer), and every scale with its range and bands. Links lead to its "
        "versions, the score preview and where to start a screening.",
        responses=InstrumentDetailSerializer,
    )
    def get(self, request: Request, code: str) -> Response:
        instrument = _instrument(request, code)
        latest = latest_published_version(instrument=instrument)
        context = {"latest": {code: latest} if latest else {}, "request": request}
        return Response(InstrumentDetailSerializer(instrument, context=context).data)


class InstrumentVersionListView(LibraryView):
    @extend_schema(
        tags=TAGS,
        summary="List an instrument's versions",
        description="Every version of the instrument, newest first, with its status and checksum "
        "(members see published and retired versions; instrument admins drafts too).",
        responses=InstrumentVersionSummarySerializer(many=True),
    )
    def get(self, request: Request, code: str) -> Response:
        versions = instrument_version_list(user=request.user, instrument=_instrument(request, code))
        return Response(InstrumentVersionSummarySerializer(versions, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Start a new draft version",
        request=VersionCreateSerializer,
        responses={201: InstrumentVersionSerializer},
        description="Start a draft (instrument admins): from the given definition, or a copy of "
        "the newest version under a new label.",
    )
    @idempotent()
    def post(self, request: Request, code: str) -> Response:
        params = VersionCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        version = instrument_version_create(
            instrument=_instrument(request, code),
            actor=request.user,
            definition=params.validated_data.get("definition"),
            version=params.validated_data.get("version"),
        )
        return Response(InstrumentVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class InstrumentVersionDetailView(LibraryView):
    @extend_schema(
        tags=TAGS,
        summary="Read a version with its full definition",
        description="One version of the instrument with its whole definition "
        "(docs/instrument-format.md): items, option sets, scales, rules and worked examples.",
        responses=InstrumentVersionSerializer,
    )
    def get(self, request: Request, code: str, version: str) -> Response:
        return Response(InstrumentVersionSerializer(_version(request, code, version)).data)

    @extend_schema(
        tags=TAGS,
        summary="Replace a draft's definition",
        request=DefinitionInputSerializer,
        responses={200: InstrumentVersionSerializer},
        description="Replace a draft's definition (instrument admins); an invalid one gets every "
        "error with its path. Published and retired versions are frozen and answer 409.",
    )
    def put(self, request: Request, code: str, version: str) -> Response:
        params = DefinitionInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        updated = instrument_version_update(
            version=_version(request, code, version),
            definition=params.validated_data["definition"],
            actor=request.user,
        )
        return Response(InstrumentVersionSerializer(updated).data)

    @extend_schema(
        tags=TAGS,
        summary="Delete a draft",
        responses={204: None},
        description="Delete a draft version (instrument admins). Published and retired versions "
        "are kept for the screenings pinned to them and answer 409.",
    )
    def delete(self, request: Request, code: str, version: str) -> Response:
        instrument_version_delete(version=_version(request, code, version), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InstrumentVersionPublishView(LibraryView):
    @extend_schema(
        tags=TAGS,
        summary="Publish a draft",
        request=None,
        responses=InstrumentVersionSerializer,
        description="Publish a draft (instrument admins): its worked examples must score as they "
        "say and its rules must name known conditions and follow-ups; it is then frozen with a "
        "checksum and new screenings use it.",
    )
    def post(self, request: Request, code: str, version: str) -> Response:
        published = instrument_version_publish(
            version=_version(request, code, version), actor=request.user
        )
        return Response(InstrumentVersionSerializer(published).data)


class InstrumentVersionRetireView(LibraryView):
    @extend_schema(
        tags=TAGS,
        summary="Retire a published version",
        request=None,
        responses=InstrumentVersionSerializer,
        description="Retire a published version (instrument admins): no new screening starts "
        "with it; completed screenings keep their scores against it.",
    )
    def post(self, request: Request, code: str, version: str) -> Response:
        retired = instrument_version_retire(
            version=_version(request, code, version), actor=request.user
        )
        return Response(InstrumentVersionSerializer(retired).data)


class InstrumentVersionExportView(LibraryView):
    @extend_schema(
        tags=TAGS,
        summary="Export a version's definition",
        responses={200: OpenApiTypes.OBJECT},
        description="The version's definition as a JSON download (docs/instrument-format.md), "
        "ready to import elsewhere.",
    )
    def get(self, request: Request, code: str, version: str) -> Response:
        found = _version(request, code, version)
        filename = f"{found.instrument.code}-{found.version}.json"
        return Response(
            found.definition, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )


class ScorePreviewView(LibraryView):
    read_only_post = True

    @extend_schema(
        tags=TAGS,
        summary="Preview the scores and flags of answers",
        request=ScorePreviewSerializer,
        responses=ScoreResultSerializer,
        parameters=[
            OpenApiParameter("version", OpenApiTypes.STR, description="Default: latest published.")
        ],
        description="Score answers against a version without saving anything: each scale's score "
        "and band, and the flags its rules would raise. Instrument admins preview drafts with "
        "`?version=`.",
        examples=[examples.SCORE_PREVIEW_REQUEST, examples.SCORE_PREVIEW_RESPONSE],
    )
    def post(self, request: Request, code: str) -> Response:
        params = ScorePreviewSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        label = request.query_params.get("version")
        if label:
            version = _version(request, code, label)
        else:
            version = latest_published_version(instrument=_instrument(request, code))
            if version is None:
                raise Http404
        result = score_preview(version=version, answers=params.validated_data["answers"])
        scored = result.to_dict()
        # Flags in the one shape saved flags have (issue 13), not the engine's own record.
        scored["flags"] = FlagCoreSerializer(preview_flags(result), many=True).data
        return Response({"instrument": code, "version": version.version, "result": scored})

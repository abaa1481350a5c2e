"""The knowledge base over REST: `/api/v1/content/<kind>/` and `/api/v1/content/<kind>/<code>/`.

Read-only, for every member of any organization and for instrument admins. Lists are not paged:
the whole knowledge base is about a hundred and thirty entries written by hand, so a kind is
always small, and a client wants all of it (a domain's indicators, every condition) at once.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from clients.permissions import request_membership
from content.api import serializers as shapes
from content.models import (
    Approach,
    Comparison,
    Condition,
    ContentEntry,
    Domain,
    Impact,
    Indicator,
    Origin,
    Source,
)
from content.selectors import FILTERS, content_get, content_list

TAGS = ["content"]


class ContentReader(BasePermission):
    """Any member of an organization, or an instrument admin (who curates the content)."""

    message = "Only members of an organization and instrument admins may read the content."

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(user.is_instrument_admin or request_membership(request) is not None)


class ContentViewSet(viewsets.GenericViewSet):
    permission_classes = [ContentReader]
    pagination_class = None
    lookup_field = "code"
    # Codes are short slugs (`src-armor`, `HI-ASK-HELP`); anything else is no content URL.
    lookup_value_regex = r"[A-Za-z0-9-]{1,64}"
    model: type[ContentEntry]

    def list(self, request: Request) -> Response:
        entries = content_list(model=self.model, filters=request.query_params)
        return Response(self.get_serializer(entries, many=True).data)

    def retrieve(self, request: Request, code: str) -> Response:
        entry = content_get(model=self.model, code=code)
        if entry is None:
            raise NotFound()
        return Response(self.get_serializer(entry).data)


def content_viewset(
    model: type[ContentEntry],
    serializer: type[serializers.Serializer],
    *,
    plural: str,
    about: str,
) -> type[ContentViewSet]:
    """One read-only viewset per kind; they differ only in model, shape and filters."""
    schema = extend_schema_view(
        list=extend_schema(
            tags=TAGS,
            summary=f"List {plural}",
            description=f"{about} Current entries, in display order, unpaged (the set is small).",
        ),
        retrieve=extend_schema(
            tags=TAGS,
            summary=f"Read one of the {plural} by code",
            description=f"{about} Codes are stable; an entry that has left the knowledge base "
            "is still found by its code, with `retired_at` set.",
        ),
    )
    attributes = {
        "model": model,
        "serializer_class": serializer,
        "filterset_class": FILTERS[model],
        # Only for schema generation; requests always go through the selectors.
        "queryset": model.objects.none(),
        "__doc__": about,
    }
    return schema(type(f"{model.__name__}ViewSet", (ContentViewSet,), attributes))


SourceViewSet = content_viewset(
    Source,
    shapes.SourceSerializer,
    plural="sources",
    about="The source articles the knowledge base is drawn from.",
)
DomainViewSet = content_viewset(
    Domain,
    shapes.DomainSerializer,
    plural="domains",
    about="The domains that group the indicators.",
)
IndicatorViewSet = content_viewset(
    Indicator,
    shapes.IndicatorSerializer,
    plural="indicators",
    about="Documented signs of hyper-independence, with examples. Signs to screen for, "
    "never a diagnosis.",
)
ConditionViewSet = content_viewset(
    Condition,
    shapes.ConditionSerializer,
    plural="conditions",
    about="Conditions a flag may name for clinician review: how the articles relate each to "
    "hyper-independence, what sets it apart, and the validated follow-up to consider. A flag is "
    "never a diagnosis.",
)
OriginViewSet = content_viewset(
    Origin,
    shapes.OriginSerializer,
    plural="origins",
    about="Where hyper-independence may come from, per the articles.",
)
ImpactViewSet = content_viewset(
    Impact,
    shapes.ImpactSerializer,
    plural="impacts",
    about="What hyper-independence may cost the person, per the articles.",
)
ComparisonViewSet = content_viewset(
    Comparison,
    shapes.ComparisonSerializer,
    plural="comparisons",
    about="Healthy independence set against hyper-independence, one aspect per entry.",
)
ApproachViewSet = content_viewset(
    Approach,
    shapes.ApproachSerializer,
    plural="approaches",
    about="Therapeutic approaches the articles describe: therapies, practices and services.",
)

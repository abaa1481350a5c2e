"""Reads, always starting from the caller's organization."""

from django.db.models import QuerySet

from clients.models import ApiToken, Organization


def api_token_list(*, organization: Organization) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user__membership__organization=organization).select_related(
        "user__membership"
    )

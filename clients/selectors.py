"""Reads, always starting from the caller's organization."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field

from clients.models import (
    ApiToken,
    AuditEvent,
    Client,
    ClientIdentifier,
    Membership,
    Organization,
    Role,
    SafetySettings,
    User,
)
from clients.models.audit import AuditAction
from config.filters import ChoiceFilter
from config.ids import ID_SCHEMA, IdField


def own_api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The caller's own tokens (any member, and instrument admins, who have no organization)."""
    return ApiToken.objects.filter(user=user).select_related("user")


def api_token_list(*, organization: Organization) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user__membership__organization=organization).select_related(
        "user__membership"
    )


@dataclass(frozen=True)
class ProxyToken:
    """A live token of a person that someone else issued (before issue 14's rule)."""

    token: ApiToken
    issuer_id: int
    issuer_username: str
    issued_at: datetime


def proxy_token_list(*, organization: Organization | None = None) -> list[ProxyToken]:
    """Live tokens of people (not integration clients) issued by another user: what an org
    admin could do before "a person's token is issued by that person" (issue 14), read as the
    person. For operators (every organization, or one). The issuer comes from the token's
    `token_issued` audit event: a token issued at the command line has none and is not one."""
    issued = {
        int(object_id): (actor_id, username, occurred_at)
        for object_id, actor_id, username, occurred_at in AuditEvent.objects.filter(
            action=AuditAction.TOKEN_ISSUED, object_type="api_token", actor__isnull=False
        ).values_list("object_id", "actor_id", "actor__username", "occurred_at")
        if object_id.isascii() and object_id.isdigit()
    }
    now = timezone.now()
    tokens = (
        ApiToken.objects.filter(pk__in=issued, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .exclude(user__membership__role=Role.INTEGRATION)
        .select_related("user__membership__organization")
        .order_by("pk")
    )
    if organization is not None:
        tokens = tokens.filter(user__membership__organization=organization)
    return [
        ProxyToken(token, issued[token.pk][0], issued[token.pk][1], issued[token.pk][2])
        for token in tokens
        if issued[token.pk][0] != token.user_id
    ]


class IdentifierTokenField(forms.CharField):
    """`system|value`, the FHIR token form; cleans to a (system, value) pair."""

    default_error_messages = {
        "token": 'Use "system|value", for example "https://ehr.example.org/mrn|12345".'
    }

    def to_python(self, value: Any) -> tuple[str, str] | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        # Split at the first "|": a URI cannot hold a bare "|", a value may.
        system, separator, identifier = text.partition("|")
        if not separator or not system or not identifier:
            raise forms.ValidationError(self.error_messages["token"], code="token")
        return system, identifier


class IdentifierFilter(django_filters.Filter):
    field_class = IdentifierTokenField


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.Filter):
    """An id query parameter, read by the one id parser (config/ids.py)."""

    field_class = IdField


class ClientFilter(django_filters.FilterSet):
    """The query parameters of the client list. Invalid values are a 400, never ignored."""

    identifier = IdentifierFilter(
        method="filter_identifier",
        help_text='Exact match on both parts of an identifier: "system|value".',
    )
    name = django_filters.CharFilter(
        method="filter_name",
        max_length=200,
        help_text=(
            "Case-insensitive; every word must appear in the given or the family name "
            '("ana sil" finds Ana Silva).'
        ),
    )
    care_team = IdFilter(
        method="filter_care_team",
        help_text="Id of a clinician: only clients whose care team includes them.",
    )
    active = ChoiceFilter(
        choices=(("true", "true"), ("false", "false")),
        method="filter_active",
        help_text="Only active (true) or only deactivated (false) clients; both when absent.",
    )

    class Meta:
        model = Client
        fields = ("identifier", "name", "care_team", "active")

    def filter_identifier(
        self, queryset: QuerySet[Client], name: str, value: tuple[str, str]
    ) -> QuerySet[Client]:
        system, identifier = value
        # One filter() call, so system and value must match on the same identifier row.
        return queryset.filter(identifiers__system=system, identifiers__value=identifier)

    def filter_name(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        for word in value.split():
            queryset = queryset.filter(
                Q(given_name__icontains=word) | Q(family_name__icontains=word)
            )
        return queryset

    def filter_care_team(
        self, queryset: QuerySet[Client], name: str, value: int
    ) -> QuerySet[Client]:
        return queryset.filter(care_team=value)

    def filter_active(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        return queryset.filter(active=value == "true")


def _clients_of(organization: Organization) -> QuerySet[Client]:
    # Identifiers and the care team come in one query each, however many clients a page holds.
    # Into plain lists (`to_attr`): a prefetch into the related managers builds a queryset per
    # client and relation, which was most of a client page's CPU (docs/performance.md).
    return Client.objects.filter(organization=organization).prefetch_related(
        Prefetch(
            "identifiers",
            queryset=ClientIdentifier.objects.all(),
            to_attr="prefetched_identifiers",
        ),
        Prefetch(
            "care_team",
            queryset=User.objects.only("id", "username").order_by("id"),
            to_attr="prefetched_care_team",
        ),
    )


def client_list(
    *, organization: Organization, filters: Mapping[str, Any] | None = None
) -> QuerySet[Client]:
    """The organization's clients, newest first, narrowed by `ClientFilter` parameters.

    Raises a DRF ValidationError naming the parameter when a filter value is invalid. None of the
    filters can match one client twice (an identifier is unique in the organization, a clinician
    is on a care team once), so the list needs no DISTINCT.
    """
    filterset = ClientFilter(filters or {}, queryset=_clients_of(organization))
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs.order_by("-created_at", "-id")


def client_get(*, organization: Organization, pk: int, details: bool = True) -> Client | None:
    """The client, or None when the organization has no client with this id. `details=False`
    skips its identifiers and care team (two queries) for writes that only refer to it."""
    if not details:
        return Client.objects.filter(organization=organization, pk=pk).first()
    return _clients_of(organization).filter(pk=pk).first()


def safety_settings_get(*, organization: Organization) -> SafetySettings:
    """The organization's safety settings; the defaults (unsaved) until an admin changes them."""
    found = SafetySettings.objects.filter(organization=organization).first()
    return found or SafetySettings(organization=organization)


def org_admin_emails(*, organization_id: int) -> list[str]:
    """E-mail addresses of the organization's active admins (told when a webhook is disabled)."""
    return sorted(
        Membership.objects.filter(
            organization_id=organization_id, role=Role.ORG_ADMIN, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )

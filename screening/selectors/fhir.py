"""Reads for the FHIR interface. Clinical reads start from the caller's organization, so another
organization's row is simply not found; the instrument library is shared, drafts for admins only.

Each `*_search` takes criteria already parsed from FHIR search parameters (ids, `Token`s,
`DateRange`s) and returns a queryset that renders without further queries per row.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client, ClientIdentifier, Organization, User
from clients.selectors import client_get
from config.ids import parse_ids
from screening.compiled import version_definitions
from screening.engine.labels import MAX_CODE_LENGTH, is_instrument_code
from screening.fhir.observation import SURVEY, scale_codings
from screening.fhir.search import DateRange, Token
from screening.models import (
    Flag,
    FlagReview,
    FlagStatus,
    IdempotencyRecord,
    InstrumentVersion,
    ObservationKind,
    ScaleScore,
    Screening,
    ScreeningStatus,
    VersionStatus,
)
from screening.selectors.instruments import published_version

SURVEY_CODING = SURVEY["coding"][0]
READABLE_BY_MEMBERS = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)
_DIGITS = frozenset("0123456789")


def _ids(values: Iterable[str]) -> list[int]:
    """Our ids among FHIR ids; anything else can match no row (the one id parser's rule)."""
    return parse_ids(values)


# `ap` (approximately): the value's range widened by a tenth of its distance from now, the
# margin FHIR recommends ("10% of the gap between now and the date").
APPROXIMATELY = 0.1


def date_condition(field: str, value: DateRange, *, now: datetime | None = None) -> Q:
    """FHIR date search on an instant column: the prefix compares the value's range with it."""
    start, end = value.start, value.end
    if value.prefix == "ap":
        margin = abs((now or timezone.now()) - start) * APPROXIMATELY
        return Q(**{f"{field}__gte": start - margin, f"{field}__lt": end + margin})
    if value.prefix == "eq":
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})
    if value.prefix == "ne":
        return ~Q(**{f"{field}__gte": start, f"{field}__lt": end})
    if value.prefix in ("gt", "sa"):
        return Q(**{f"{field}__gte": end})
    if value.prefix in ("lt", "eb"):
        return Q(**{f"{field}__lt": start})
    if value.prefix == "ge":
        return Q(**{f"{field}__gte": start})
    return Q(**{f"{field}__lt": end})  # le


def day_condition(field: str, value: DateRange, *, now: datetime | None = None) -> Q:
    """FHIR date search on a date column (a birth date: a whole day). The value's range is taken
    in its own time zone, as the dates it covers: `1990` is every day of 1990."""
    first = value.start.date()
    # The day after the last one the range touches (its end is exclusive).
    after = value.end.date() + timedelta(days=0 if value.end.time() == time(0) else 1)
    if value.prefix == "ap":
        margin = timedelta(days=abs(((now or timezone.now()).date() - first).days) * APPROXIMATELY)
        return Q(**{f"{field}__gte": first - margin, f"{field}__lt": after + margin})
    if value.prefix == "eq":
        return Q(**{f"{field}__gte": first, f"{field}__lt": after})
    if value.prefix == "ne":
        return ~Q(**{f"{field}__gte": first, f"{field}__lt": after})
    if value.prefix in ("gt", "sa"):
        return Q(**{f"{field}__gte": after})
    if value.prefix in ("lt", "eb"):
        return Q(**{f"{field}__lt": first})
    if value.prefix == "ge":
        return Q(**{f"{field}__gte": first})
    return Q(**{f"{field}__lt": after})  # le


def dates_condition(field: str, alternatives: Sequence[DateRange], *, day: bool = False) -> Q:
    """Any of `alternatives` (a comma-separated date list)."""
    now = timezone.now()
    condition = Q(pk__in=[])
    for value in alternatives:
        condition |= (day_condition if day else date_condition)(field, value, now=now)
    return condition


def common_filters(
    queryset: QuerySet,
    *,
    ids: Sequence[Sequence[str]] = (),
    last_updated: Sequence[Sequence[DateRange]] = (),
    updated_field: str = "updated_at",
) -> QuerySet:
    """`_id` and `_lastUpdated`, the same on every resource: each a list (AND) of alternatives
    (OR)."""
    for alternatives in ids:
        queryset = queryset.filter(pk__in=_ids(alternatives))
    for alternatives in last_updated:
        queryset = queryset.filter(dates_condition(updated_field, alternatives))
    return queryset


def name_condition(fields: Sequence[str], value: str) -> Q:
    """FHIR string search: case-insensitive, the start of the name or of any of its words
    (`Maria` finds the given names "Ana Maria")."""
    condition = Q(pk__in=[])
    for field in fields:
        condition |= Q(**{f"{field}__istartswith": value})
        condition |= Q(**{f"{field}__icontains": f" {value}"})
    return condition


def token_matches(token: Token, codings: Iterable[dict]) -> bool:
    for coding in codings:
        if token.code is not None and coding.get("code") != token.code:
            continue
        if token.system is None:
            return True
        if token.system == "" and not coding.get("system"):
            return True
        if token.system and coding.get("system") == token.system:
            return True
    return False


# --- Questionnaire --------------------------------------------------------------------------


def questionnaire_versions(*, user: User) -> list[InstrumentVersion]:
    """Every version the caller may read as a Questionnaire: published and retired ones, and
    drafts for instrument admins. One query; the library is small and shared."""
    versions = InstrumentVersion.objects.select_related("instrument")
    if not (user.is_authenticated and user.is_instrument_admin):
        versions = versions.filter(status__in=READABLE_BY_MEMBERS)
    return list(versions.order_by("instrument__code", "-created_at", "-id"))


def questionnaire_version_for_id(*, user: User, resource_id: str) -> InstrumentVersion | None:
    """The version whose Questionnaire id (`<code>-<version>`) is `resource_id`.

    Codes hold dashes too (`pc-ptsd-5-1.0.0`), so each dash is a candidate split; but only one
    within an instrument code's length of the start, with a code before it and a version label
    (which starts with a digit) after it, can be one. So at most 40 candidates are tried, and
    the work is linear in the id: every prefix/suffix pair of a 16,000-dash id took 11.8 s.
    """
    splits = [
        (resource_id[:i], resource_id[i + 1 :])
        for i, c in enumerate(resource_id[: MAX_CODE_LENGTH + 1])
        if c == "-"
        and resource_id[i + 1 : i + 2] in _DIGITS
        and is_instrument_code(resource_id[:i])
    ]
    if not splits:
        return None
    match = Q()
    for code, label in splits:
        match |= Q(instrument__code=code, version=label)
    versions = InstrumentVersion.objects.filter(match).select_related("instrument")
    if not (user.is_authenticated and user.is_instrument_admin):
        versions = versions.filter(status__in=READABLE_BY_MEMBERS)
    return versions.order_by("-id").first()


def administrable_version(*, code: str, version: str | None) -> InstrumentVersion | None:
    """The version a response may answer: the named one (any status, so the caller can say why
    it cannot be used), else the newest published one."""
    if version is None:
        return published_version(code=code)
    return (
        InstrumentVersion.objects.filter(instrument__code=code, version=version)
        .select_related("instrument")
        # Used through screening.compiled's per-process caches, like published_version's.
        .defer("definition")
        .first()
    )


def scale_keys(*, tokens: Sequence[Token]) -> list[tuple[int, str]]:
    """(version id, scale id) of every scale whose Observation code matches one of `tokens`."""
    keys = []
    versions = list(InstrumentVersion.objects.select_related("instrument").defer("definition"))
    definitions = version_definitions(versions)
    for version in versions:
        for scale in definitions[version.pk].get("scales", ()):
            codings = scale_codings(version.instrument.code, scale["id"], scale)
            if any(token_matches(token, codings) for token in tokens):
                keys.append((version.pk, scale["id"]))
    return keys


# --- Patient --------------------------------------------------------------------------------


def patient_search(
    *,
    organization: Organization,
    ids: Sequence[str] | None = None,
    identifiers: Sequence[Sequence[Token]] = (),
    names: Sequence[Sequence[str]] = (),
    families: Sequence[Sequence[str]] = (),
    givens: Sequence[Sequence[str]] = (),
    birthdates: Sequence[Sequence[DateRange]] = (),
) -> QuerySet[Client]:
    """Clients of the organization; each criterion is a list (AND) of alternatives (OR)."""
    clients = Client.objects.filter(organization=organization).prefetch_related(
        Prefetch("identifiers", queryset=ClientIdentifier.objects.order_by("id"))
    )
    if ids is not None:
        clients = clients.filter(pk__in=_ids(ids))
    for alternatives in identifiers:
        match = Q(pk__in=[])
        for token in alternatives:
            rows = ClientIdentifier.objects.filter(client=OuterRef("pk"))
            if token.system is not None:
                rows = rows.filter(system=token.system)
            if token.code is not None:
                rows = rows.filter(value=token.code)
            match |= Q(Exists(rows))
        clients = clients.filter(match)
    for fields, criteria in (
        (("given_name", "family_name"), names),
        (("family_name",), families),
        (("given_name",), givens),
    ):
        for alternatives in criteria:
            clients = clients.filter(_any(name_condition(fields, v) for v in alternatives))
    for alternatives in birthdates:
        clients = clients.filter(dates_condition("birth_date", alternatives, day=True))
    return clients


def patient_get(*, organization: Organization, pk: str) -> Client | None:
    return patient_search(organization=organization, ids=[pk]).first()


def patient_referenced(*, organization: Organization, pk: str) -> Client | None:
    """The client a reference names, without the identifiers a Patient resource would show."""
    ids = _ids([pk])
    return client_get(organization=organization, pk=ids[0], details=False) if ids else None


# --- QuestionnaireResponse ------------------------------------------------------------------

RESPONSE_STATUS = {
    "in-progress": Q(status=ScreeningStatus.IN_PROGRESS),
    "completed": Q(status=ScreeningStatus.COMPLETED),
    "amended": Q(status=ScreeningStatus.AMENDED),
    "entered-in-error": Q(status=ScreeningStatus.VOIDED),
}


def response_search(
    *,
    organization: Organization,
    ids: Sequence[str] | None = None,
    patients: Sequence[Sequence[str]] = (),
    questionnaires: Sequence[Q] = (),
    authored: Sequence[Sequence[DateRange]] = (),
    statuses: Sequence[Sequence[str]] = (),
    identifiers: Sequence[Sequence[str]] = (),
) -> QuerySet[Screening]:
    screenings = (
        Screening.objects.filter(organization=organization)
        .select_related("instrument_version__instrument", "superseded_by")
        # Rendering goes through the per-process caches of screening.compiled.
        .defer("instrument_version__definition")
        .annotate(authored=Coalesce("submitted_at", "created_at"))
    )
    if ids is not None:
        screenings = screenings.filter(pk__in=_ids(ids))
    for alternatives in patients:
        screenings = screenings.filter(client_id__in=_ids(alternatives))
    for condition in questionnaires:
        screenings = screenings.filter(condition)
    for alternatives in authored:
        screenings = screenings.filter(dates_condition("authored", alternatives))
    for alternatives in statuses:
        screenings = screenings.filter(_any(RESPONSE_STATUS.get(s) for s in alternatives))
    for alternatives in identifiers:
        screenings = screenings.filter(source_identifier__in=list(alternatives))
    return screenings


def questionnaire_condition(*, code: str, version: str | None) -> Q:
    condition = Q(instrument_version__instrument__code=code)
    if version is not None:
        condition &= Q(instrument_version__version=version)
    return condition


def response_get(*, organization: Organization, pk: str) -> Screening | None:
    return response_search(organization=organization, ids=[pk]).first()


def response_by_identifier(*, organization: Organization, identifier: str) -> Screening | None:
    return (
        Screening.objects.filter(organization=organization, source_identifier=identifier)
        .select_related("instrument_version__instrument")
        .first()
    )


def _any(conditions: Iterable[Q | None]) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        if condition is not None:
            combined |= condition
    return combined


# --- Observation ----------------------------------------------------------------------------

OBSERVATION_STATUS = {
    "final": Q(screening__status=ScreeningStatus.COMPLETED, screening__supersedes__isnull=True),
    "amended": Q(screening__status=ScreeningStatus.COMPLETED, screening__supersedes__isnull=False),
    "cancelled": Q(screening__status=ScreeningStatus.AMENDED),
    "entered-in-error": Q(screening__status=ScreeningStatus.VOIDED),
}


def observation_search(
    *,
    organization: Organization,
    ids: Sequence[str] | None = None,
    patients: Sequence[Sequence[str]] = (),
    codes: Sequence[Sequence[Token]] = (),
    dates: Sequence[Sequence[DateRange]] = (),
    responses: Sequence[Sequence[str]] = (),
    statuses: Sequence[Sequence[str]] = (),
    categories: Sequence[Sequence[Token]] = (),
) -> QuerySet[ScaleScore]:
    """Scale scores of current results and their reported unscored answers (one Observation
    each). A `code` search matches scales only."""
    scores = ScaleScore.observations.filter(
        organization=organization, result__is_current=True
    ).select_related(
        "result", "screening__instrument_version__instrument", "screening__superseded_by"
    )
    # An Observation shows neither; its scale comes from screening.compiled's per-process cache.
    scores = scores.defer("screening__answers", "screening__instrument_version__definition")
    if ids is not None:
        scores = scores.filter(pk__in=_ids(ids))
    for alternatives in patients:
        scores = scores.filter(client_id__in=_ids(alternatives))
    for alternatives in codes:
        match = Q(pk__in=[])
        for version_id, scale_id in scale_keys(tokens=alternatives):
            match |= Q(
                screening__instrument_version_id=version_id,
                scale_id=scale_id,
                kind=ObservationKind.SCALE,
            )
        scores = scores.filter(match)
    for alternatives in dates:
        scores = scores.filter(dates_condition("screening__submitted_at", alternatives))
    for alternatives in categories:
        # Every Observation of ours is a `survey`; any other category matches none of them.
        if not any(token_matches(t, [SURVEY_CODING]) for t in alternatives):
            scores = scores.none()
    for alternatives in responses:
        scores = scores.filter(screening_id__in=_ids(alternatives))
    for alternatives in statuses:
        scores = scores.filter(_any(OBSERVATION_STATUS.get(s) for s in alternatives))
    return scores


def observation_get(*, organization: Organization, pk: str) -> ScaleScore | None:
    return observation_search(organization=organization, ids=[pk]).first()


# --- Flag -----------------------------------------------------------------------------------

FLAG_STATUS = {
    "active": Q(status__in=(FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED))
    & ~Q(screening__status=ScreeningStatus.VOIDED),
    "inactive": Q(status=FlagStatus.DISMISSED) & ~Q(screening__status=ScreeningStatus.VOIDED),
    "entered-in-error": Q(screening__status=ScreeningStatus.VOIDED),
}


def flag_search(
    *,
    organization: Organization,
    ids: Sequence[str] | None = None,
    patients: Sequence[Sequence[str]] = (),
    statuses: Sequence[Sequence[str]] = (),
    dates: Sequence[Sequence[DateRange]] = (),
) -> QuerySet[Flag]:
    flags = (
        Flag.objects.filter(organization=organization)
        .select_related("screening__instrument_version__instrument")
        # A Flag resource names its screening's instrument and version, nothing more.
        .defer("screening__answers", "screening__instrument_version__definition")
        .prefetch_related(
            Prefetch("reviews", queryset=FlagReview.objects.order_by("created_at", "id")),
            Prefetch("result__scores", queryset=ScaleScore.objects.order_by("id")),
        )
    )
    if ids is not None:
        flags = flags.filter(pk__in=_ids(ids))
    for alternatives in patients:
        flags = flags.filter(client_id__in=_ids(alternatives))
    for alternatives in statuses:
        flags = flags.filter(_any(FLAG_STATUS.get(s) for s in alternatives))
    for alternatives in dates:
        flags = flags.filter(dates_condition("created_at", alternatives))
    return flags


def flag_get(*, organization: Organization, pk: str) -> Flag | None:
    return flag_search(organization=organization, ids=[pk]).first()


# --- Idempotency ----------------------------------------------------------------------------


def idempotency_record_get(
    *, actor: User, key: str, ttl: timedelta, now: datetime | None = None
) -> IdempotencyRecord | None:
    """The caller's unexpired record for `key`, if any."""
    since = (now or timezone.now()) - ttl
    return IdempotencyRecord.objects.filter(actor=actor, key=key, created_at__gt=since).first()

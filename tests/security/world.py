"""An organization with one of everything the API serves, built through the services."""

from dataclasses import dataclass, field

from clients.models import ApiToken, Client, Organization, Role, User
from clients.services.tokens import token_issue
from tests.factories import ClientFactory, UserFactory, member

PHQ9_URGENT = [
    *({"link_id": f"phq9-{n}", "value": 1} for n in range(1, 9)),
    {"link_id": "phq9-9", "value": 1},
]


@dataclass
class World:
    """Objects of one organization, made on first use (screenings need the library loaded)."""

    organization: Organization
    _cache: dict = field(default_factory=dict)

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def user(self, role: str) -> User:
        """A member with `role`; "instrument_admin" is global (no organization)."""
        if role == "instrument_admin":
            return self._once(
                ("user", role), lambda: UserFactory(is_instrument_admin=True, is_staff=True)
            )
        return self._once(("user", role), lambda: member(role, self.organization))

    @property
    def clinician(self) -> User:
        return self.user(Role.CLINICIAN)

    @property
    def client(self) -> Client:
        return self._once("client", lambda: ClientFactory(organization=self.organization))

    @property
    def token(self) -> ApiToken:
        return self._once(
            "token", lambda: token_issue(user=self.clinician, actor=None, name="target")[0]
        )

    @property
    def screening(self):
        """A completed PHQ-9 whose item 9 raised an urgent flag."""

        def make():
            from screening.models import InstrumentVersion
            from screening.services.screenings import screening_start

            version = InstrumentVersion.objects.get(
                instrument__code="phq9", status="published", version="1.1.0"
            )
            return screening_start(
                organization=self.organization,
                client=self.client,
                version=version,
                mode="clinician",
                actor=self.clinician,
                answers=PHQ9_URGENT,
                submit=True,
            )

        return self._once("screening", make)

    @property
    def scale_score(self):
        """A scale of the screening's result (a FHIR Observation)."""
        from screening.models import ScaleScore

        return self._once(
            "scale_score",
            lambda: ScaleScore.objects.filter(screening=self.screening).order_by("pk").first(),
        )

    @property
    def flag(self):
        return self._once("flag", lambda: self.screening.flags.order_by("severity_rank").first())

    @property
    def webhook_endpoint(self):
        from notifications.services.endpoints import endpoint_create

        return self._once(
            "webhook_endpoint",
            lambda: endpoint_create(
                organization=self.organization,
                actor=self.user("org_admin"),
                url="https://hooks.example.org/screening",
                event_types=["flag.raised"],
            )[0],
        )

    @property
    def webhook_delivery(self):
        """A delivery of an event to the webhook endpoint (written directly: arranging)."""

        def make():
            from django.utils import timezone

            from notifications.models import Channel, Delivery
            from outbox.models import OutboxEvent

            now = timezone.now()
            event = OutboxEvent.objects.create(
                organization=self.organization,
                type="flag.raised",
                subject_type="flag",
                subject_id=1,
                occurred_at=now,
                enqueued_at=now,
            )
            return Delivery.objects.create(
                organization=self.organization,
                event=event,
                channel=Channel.WEBHOOK,
                endpoint=self.webhook_endpoint,
                message_id=f"msg_world_{self.organization.pk}",
                status="delivered",
                next_attempt_at=now,
                enqueued_at=now,
                created_at=now,
                retry_until=now,
            )

        return self._once("webhook_delivery", make)

    @property
    def subscription(self):
        """A FHIR Subscription of the organization's integration."""

        def make():
            from notifications.fhir import SubscriptionInput
            from notifications.services.subscriptions import subscription_create

            return subscription_create(
                organization=self.organization,
                actor=self.user("integration"),
                fields=SubscriptionInput(
                    criteria="Flag?status=active",
                    resource_type="Flag",
                    status_filter="active",
                    reason="urgent flags",
                    endpoint="https://hooks.example.org/fhir",
                    payload="",
                    headers=[],
                    end=None,
                ),
            )

        return self._once("subscription", make)

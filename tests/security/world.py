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
                instrument__code="phq9", status="published", version="1.0.0"
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

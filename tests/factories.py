"""factory_boy factories shared by the whole suite."""

import factory
from rest_framework.test import APIClient

from clients.models import Membership, Organization, Role, User
from clients.services.tokens import token_issue


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"clinic-{n}")
    name = factory.Sequence(lambda n: f"Clinic {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CLINICIAN


def member(role: str = Role.CLINICIAN, organization: Organization | None = None) -> User:
    """A user with a membership of `role` in `organization` (a new one when not given)."""
    membership = MembershipFactory(role=role, organization=organization or OrganizationFactory())
    return membership.user


def bearer(user: User, days: int = 30) -> str:
    _, raw = token_issue(user=user, actor=None, days=days)
    return raw


def api_client_for(user: User) -> APIClient:
    """An API client that authenticates as a real integration would: with a bearer token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
    return client


class ClientFactory(factory.django.DjangoModelFactory):
    """A client row written directly (no audit event): for arranging tests, not for behaviour."""

    class Meta:
        model = "clients.Client"
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)

    @factory.post_generation
    def care_team(self, create, extracted, **kwargs):
        if create and extracted:
            self.care_team.set(extracted)


class ClientIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.ClientIdentifier"

    client = factory.SubFactory(ClientFactory)
    organization = factory.SelfAttribute("client.organization")
    system = "https://ehr.example.org/mrn"
    value = factory.Sequence(lambda n: f"MRN-{n:06d}")

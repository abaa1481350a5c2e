from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from clients.models import Organization
from clients.services.members import organization_create


class Command(BaseCommand):
    help = "Create an organization (a clinic or clinic network)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)

    def handle(self, *args, slug: str, name: str, **options):
        try:
            validate_slug(slug)
        except ValidationError as exc:
            raise CommandError(f"Invalid slug {slug!r}: letters, digits, - and _ only.") from exc
        if Organization.objects.filter(slug=slug).exists():
            raise CommandError(f"Organization {slug!r} already exists.")
        organization = organization_create(slug=slug, name=name, actor=None)
        self.stdout.write(f"Created organization {organization.slug} ({organization.name}).")

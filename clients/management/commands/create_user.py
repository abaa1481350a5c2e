import os

from django.core.management.base import BaseCommand, CommandError

from clients.models import Organization, Role, User
from clients.services.members import INSTRUMENT_ADMIN, user_create


class Command(BaseCommand):
    help = "Create a member of an organization, or a global instrument admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", help="Organization slug (not for instrument_admin).")
        parser.add_argument("--role", required=True, choices=[*Role.values, INSTRUMENT_ADMIN])
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable (never from the command line).",
        )

    def handle(self, *args, username: str, org: str | None, role: str, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        organization = None
        if role != INSTRUMENT_ADMIN:
            if not org:
                raise CommandError(f"--org is required for the role {role}.")
            organization = Organization.objects.filter(slug=org).first()
            if organization is None:
                raise CommandError(f"No organization {org!r}.")
        elif org:
            raise CommandError("Instrument admins are global: leave out --org.")
        password = None
        variable = options.get("password_from_env")
        if variable:
            password = os.environ.get(variable)
            if not password:
                raise CommandError(f"Environment variable {variable} is empty or unset.")
        user = user_create(
            username=username, role=role, organization=organization, password=password, actor=None
        )
        where = f" in {organization.slug}" if organization else ""
        self.stdout.write(f"Created {role} {user.username}{where}.")

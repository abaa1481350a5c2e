from django.core.management.base import BaseCommand, CommandError

from clients.models import User
from clients.services.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user. Prints the token alone on stdout, once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="Validity in days.")
        parser.add_argument("--name", default="issued from the command line")

    def handle(self, *args, username: str, days: int | None, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        _, raw = token_issue(user=user, actor=None, name=name, days=days)
        self.stdout.write(raw)

import os
import secrets

from django.core.management.base import BaseCommand, CommandError

from clients.models import User
from clients.services.members import user_set_password
from config.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Give a user a new password: a random one printed once, or one read from an environment "
        "variable. For getting back into the Django admin (`set_password demo-librarian`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable (never from the command line).",
        )

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        variable = options.get("password_from_env")
        generated = not variable
        if variable:
            password = os.environ.get(variable)
            if not password:
                raise CommandError(f"Environment variable {variable} is empty or unset.")
        else:
            password = secrets.token_urlsafe(12)
        try:
            user_set_password(user=user, password=password, actor=None)
        except InvalidInput as error:
            raise CommandError(" ".join(error.fields["password"])) from None
        if generated:
            self.stdout.write(f"New password for {username} (shown once): {password}")
        else:
            self.stdout.write(f"Password of {username} set from {variable}.")

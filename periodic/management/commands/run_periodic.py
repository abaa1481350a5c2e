from django.core.management.base import BaseCommand, CommandError

from periodic.registry import PERIODIC
from periodic.services import periodic_run_now


class Command(BaseCommand):
    help = (
        "Run one periodic task now, in this process (for cron-only deployments and operators); "
        "the task chains run by the workers are not touched."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", choices=[entry.name for entry in PERIODIC])

    def handle(self, *args, name: str, **options) -> None:
        try:
            periodic_run_now(name)
        except KeyError as exc:
            raise CommandError(f"No periodic task {name!r}") from exc
        self.stdout.write(f"{name}: done")

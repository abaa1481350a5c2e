from django.core.management.base import BaseCommand

from periodic.models import PeriodicRun
from periodic.registry import PERIODIC
from periodic.services import periodic_ensure


class Command(BaseCommand):
    help = (
        "Start the periodic tasks that have no pending run (never a second one). Safe to run at "
        "any time: at start-up and from a systemd timer or cron as a watchdog."
    )

    def handle(self, *args, **options) -> None:
        started = periodic_ensure()
        rows = {row.name: row for row in PeriodicRun.objects.all()}
        for entry in PERIODIC:
            row = rows.get(entry.name)
            state = "started" if entry.name in started else "running"
            last = row.last_finished_at.isoformat() if row and row.last_finished_at else "never"
            error = f" last error: {row.last_error}" if row and row.last_error else ""
            self.stdout.write(
                f"{entry.name:<24} every {int(entry.interval().total_seconds())}s  {state:<8} "
                f"last finished {last}{error}"
            )

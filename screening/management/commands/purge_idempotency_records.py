from django.core.management.base import BaseCommand

from screening.services.fhir import IDEMPOTENCY_TTL, idempotency_records_purge


class Command(BaseCommand):
    help = (
        "Delete the stored responses of Idempotency-Key requests older than "
        f"{IDEMPOTENCY_TTL} (they hold client data and no retry can use them). Run daily."
    )

    def handle(self, *args, **options):
        deleted = idempotency_records_purge()
        self.stdout.write(f"deleted {deleted} expired idempotency records")

from django.core.management.base import BaseCommand, CommandError

from config.errors import InvalidInput
from content.services.library import content_load
from screening.services.library import LibraryConflict, library_load


class Command(BaseCommand):
    help = "Load or update the shipped content and instrument library (idempotent)."

    def handle(self, *args, **options):
        try:
            # Content first: instrument flag rules name condition codes.
            content = content_load()
            for line in content.lines():
                self.stdout.write(line)
            loaded = library_load()
        except LibraryConflict as exc:
            raise CommandError(str(exc)) from exc
        except InvalidInput as exc:
            raise CommandError(f"A shipped definition is invalid: {exc.fields}") from exc
        for entry in loaded:
            self.stdout.write(f"instrument {entry.code} {entry.version}: {entry.action}")

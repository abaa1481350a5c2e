from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load or update the shipped content and instrument library (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write("Library: nothing to load yet.")

"""Write (or check) content/seed_fingerprint.json from the source articles.

The articles are not part of the repository; their fingerprint is, so the originality tests run
anywhere. Run this after the articles change, from a checkout with the articles beside it:

    python manage.py fingerprint_seeds                 # reads ../shared/seeds/*.txt
    python manage.py fingerprint_seeds --seeds DIR     # or another folder
    python manage.py fingerprint_seeds --check         # exit 1 when the file is out of date
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from content.originality import FINGERPRINT_FILE, fingerprint_json


class Command(BaseCommand):
    help = "Write the fingerprint of the source articles (content/seed_fingerprint.json)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            type=Path,
            default=Path(settings.BASE_DIR).parent / "shared" / "seeds",
            help="Folder of the articles (*.txt). Default: ../shared/seeds beside the checkout.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=FINGERPRINT_FILE,
            help="The fingerprint file. Default: the committed content/seed_fingerprint.json.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail when the committed file differs from the articles'.",
        )

    def handle(self, *args, seeds: Path, output: Path, check: bool, **options):
        files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
        if not files:
            raise CommandError(f"No articles (*.txt) in {seeds}.")
        text = fingerprint_json({path.name: path.read_text(encoding="utf-8") for path in files})
        if check:
            current = output.read_text(encoding="utf-8") if output.is_file() else ""
            if current != text:
                raise CommandError(f"{output.name} is out of date: run fingerprint_seeds.")
            self.stdout.write(f"{output.name} matches the {len(files)} articles.")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output.name} from {len(files)} articles in {seeds}.")

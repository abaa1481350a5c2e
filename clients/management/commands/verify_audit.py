from django.core.management.base import BaseCommand, CommandError

from clients.services.audit_verify import audit_verify, chain_heads


class Command(BaseCommand):
    help = (
        "Walk every audit chain in sequence order, recompute each event's hash and check the "
        "links. Prints the first break and exits non-zero, or 'OK: N events in M chains'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--heads",
            action="store_true",
            help="Also print each chain's last sequence and hash, to keep outside the database.",
        )

    def handle(self, *args, heads: bool, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(f"Audit chain broken at {result.first_break}")
        self.stdout.write(f"OK: {result.events} events in {result.chains} chains")
        if heads:
            for chain_key, (sequence, digest) in chain_heads().items():
                self.stdout.write(f"{chain_key} {sequence} {digest}")

from django.core.management.base import BaseCommand, CommandError

from clients.services.audit_sink import checkpoints_read
from clients.services.audit_verify import SHOWN, audit_verify


class Command(BaseCommand):
    help = (
        "Walk the audit chain, recompute every seal from its event and check the chain against "
        "the signed checkpoints (the database's, or an exported file's with --checkpoints). "
        "Prints each problem with its sequence and exits non-zero; lists unsealed events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="Check against this exported checkpoint file (AUDIT_CHECKPOINT_FILE's format, "
            "or the log's lines) instead of the database's checkpoints.",
        )

    def handle(self, *args, checkpoints: str | None, **options):
        signed = None
        if checkpoints:
            try:
                signed = checkpoints_read(checkpoints)
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the checkpoints: {exc}") from None
        result = audit_verify(signed)
        if result.unsealed:
            shown = ", ".join(str(pk) for pk in result.unsealed_ids)
            more = f" and {result.unsealed - SHOWN} more" if result.unsealed > SHOWN else ""
            self.stdout.write(f"Unsealed: {result.unsealed} events (ids {shown}{more})")
        if not result.ok:
            for problem in result.problems[:SHOWN]:
                self.stderr.write(f"FAIL {problem}")
            raise CommandError(
                f"Audit trail does not verify: {len(result.problems)} problem(s), the first at "
                f"{result.problems[0]}"
            )
        source = "the file's" if checkpoints else "the database's"
        self.stdout.write(
            f"OK: {result.sealed} sealed events match {result.checkpoints} of {source} signed "
            f"checkpoints; {result.unsealed} unsealed"
        )

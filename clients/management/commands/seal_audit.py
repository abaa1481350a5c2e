from django.core.management.base import BaseCommand, CommandError

from clients.services.audit_chain import SigningKeyMissing
from clients.services.audit_seal import audit_seal


class Command(BaseCommand):
    help = (
        "Chain the audit events committed since the last checkpoint and sign a checkpoint per "
        "batch (the periodic task 'audit.seal' does the same every AUDIT_SEAL_INTERVAL seconds). "
        "Looks at every unsealed event, however late it committed."
    )

    def handle(self, *args, **options):
        try:
            report = audit_seal(full=True)
        except SigningKeyMissing as exc:
            raise CommandError(str(exc)) from None
        if not report.checkpoints:
            self.stdout.write("Nothing to seal.")
        for checkpoint in report.checkpoints:
            self.stdout.write(checkpoint.to_json())
        self.stdout.write(
            f"Sealed {report.sealed} events ({report.late} late) in "
            f"{len(report.checkpoints)} checkpoints."
        )
        if report.waiting_at_gap is not None:
            self.stdout.write(
                f"Waiting at id {report.waiting_at_gap}: not yet committed, or rolled back "
                "(sealed past after AUDIT_SEAL_GRACE seconds)."
            )

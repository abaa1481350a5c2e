from django.core.management.base import BaseCommand, CommandError

from clients.models import Organization
from clients.selectors import proxy_token_list
from clients.services.tokens import token_revoke

REASON = "issued for a person by another user (before issue 14's rule); revoked by an operator"


class Command(BaseCommand):
    help = (
        "List the live tokens of people that another user issued (an org admin could, before "
        "'a person's token is issued by that person'); with --revoke, revoke them (audited). "
        "Integration clients' tokens and tokens issued at the command line are not listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="Only this organization (its slug).")
        parser.add_argument("--revoke", action="store_true", help="Revoke every token listed.")

    def handle(self, *args, organization: str | None, revoke: bool, **options):
        scope = None
        if organization is not None:
            scope = Organization.objects.filter(slug=organization).first()
            if scope is None:
                raise CommandError(f"No organization {organization!r}.")
        found = proxy_token_list(organization=scope)
        for entry in found:
            token = entry.token
            membership = getattr(token.user, "membership", None)
            where = membership.organization.slug if membership else "-"
            self.stdout.write(
                f"{where} token {token.prefix} of {token.user.username} issued by "
                f"{entry.issuer_username} at {entry.issued_at:%Y-%m-%d %H:%M} "
                f"(last used {token.last_used_at or 'never'})" + (": revoked" if revoke else "")
            )
            if revoke:
                token_revoke(token=token, actor=None, reason=REASON)
        if not found:
            self.stdout.write("No live token of a person issued by someone else.")
        elif not revoke:
            self.stdout.write(f"{len(found)} found; run again with --revoke to revoke them.")

"""Issuing and revoking API tokens. The raw token exists only in the return value of token_issue.

Who may issue whose token (issue 14: an org admin issued a token for a clinician and read every
client as that clinician):
- a person's token is issued by that person (`actor` is `user`: the signed-in console, or
  `POST /api/v1/me/tokens/` from a session), or by an operator at the command line
  (`manage.py issue_token`, `actor` None);
- an org admin issues tokens for the integration clients (machine members) of their own
  organization, and for no person;
- revoking stays with org admins (any member's token of their organization), so a leaked token
  can be stopped without its owner.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients.models import ApiToken, Role, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import InvalidInput

TOKEN_SCHEME = "sk"  # noqa: S105 - the public scheme marker of a token
PREFIX_LENGTH = 12


def token_digest(raw_token: str) -> str:
    # The secret part carries 256 bits of entropy, so a fast hash is enough: there is nothing to
    # brute-force that a slow hash would protect.
    return hashlib.sha256(raw_token.encode()).hexdigest()


def split_token(raw_token: str) -> str | None:
    """Return the lookup prefix of a well-formed token, or None."""
    # The secret itself may contain "_" (URL-safe base64), so split off the first two parts only.
    parts = raw_token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or len(parts[1]) != PREFIX_LENGTH:
        return None
    return parts[1]


def token_issue(
    *, user: User, actor: User | None, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the stored row and the raw token (shown once).
    ValidationError on `user` when `actor` may not issue it (see the module's rules)."""
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if days < 1:
        raise ValueError("A token must be valid for at least one day.")
    _check_issuer(user=user, actor=actor)
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    raw = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=prefix,
            digest=token_digest(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(
            actor=actor,
            organization=user.organization,
            action=AuditAction.TOKEN_ISSUED,
            object_type="api_token",
            object_id=token.pk,
            detail={"user_id": user.pk, "prefix": prefix, "days": days},
        )
    return token, raw


ISSUED_BY_THE_PERSON = (
    "Org admins issue tokens for integration clients only. A person's token is issued by that "
    "person: signed in, with POST /api/v1/me/tokens/, or by an operator with "
    "`manage.py issue_token`."
)


def _check_issuer(*, user: User, actor: User | None) -> None:
    if actor is None or actor.pk == user.pk:
        return  # the command line, or the person themself
    actor_membership = getattr(actor, "membership", None)
    user_membership = getattr(user, "membership", None)
    if (
        actor_membership is None
        or user_membership is None
        or actor_membership.role != Role.ORG_ADMIN
        or actor_membership.organization_id != user_membership.organization_id
    ):
        raise InvalidInput(fields={"user": ["No member of your organization has it."]})
    if user_membership.role != Role.INTEGRATION:
        raise InvalidInput(fields={"user": [ISSUED_BY_THE_PERSON]})


def token_revoke(*, token: ApiToken, actor: User | None, reason: str = "") -> ApiToken:
    """Revoke `token` (again: nothing happens), audited; `reason` goes in the audit row."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                organization=token.user.organization,
                action=AuditAction.TOKEN_REVOKED,
                object_type="api_token",
                object_id=token.pk,
                detail={
                    "user_id": token.user_id,
                    "prefix": token.prefix,
                    **({"reason": reason} if reason else {}),
                },
            )
    return token

"""Issuing and revoking API tokens. The raw token exists only in the return value of token_issue."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients.models import ApiToken, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record

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
    """Create a token for `user`; returns the stored row and the raw token (shown once)."""
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if days < 1:
        raise ValueError("A token must be valid for at least one day.")
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


def token_revoke(*, token: ApiToken, actor: User | None) -> ApiToken:
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
                detail={"user_id": token.user_id, "prefix": token.prefix},
            )
    return token

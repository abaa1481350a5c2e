"""Sign-ins: the audit of session logins and failed credentials, and the lockout that slows
password guessing.

Counters live in Django's cache (`CACHES["default"]`). The shipped default is a per-process
memory cache: with several app processes each counts on its own, so an attacker gets up to N times
the attempts. Behind several processes, point the default cache at a shared one (Redis,
memcached or Django's database cache) so the limits hold across them.

- Passwords (Django admin, the browsable API's login): after `LOGIN_LOCKOUT_FAILURES` failures
  for one username from one address within `LOGIN_LOCKOUT_WINDOW` seconds, that username is
  refused from that address for `LOGIN_LOCKOUT_SECONDS`, right password or not; after
  `LOGIN_IP_FAILURES` failures from one address (any usernames: spraying), the address is
  refused the same way. Keys are hashed, so the cache holds no usernames.
- Bearer tokens: after `BEARER_FAILURE_LIMIT` failed tokens from one address within
  `BEARER_FAILURE_WINDOW` seconds, further failures from it answer 429 instead of 401 and are no
  longer audited one by one (valid tokens keep working: nobody else's mistakes lock a client out).
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from clients.models import ApiToken, User
from clients.models.audit import AuditAction, AuditOutcome
from clients.services.audit import audit_record

logger = logging.getLogger(__name__)

LOGIN_OBJECT = "session"
TOKEN_OBJECT = "api_token"  # noqa: S105 - an object type, not a secret


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR") or "-"


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"security:{kind}:{digest}"


def _count(key: str, window: int) -> int:
    """Add one to a counter that expires `window` seconds after its first count."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _normal(username: str | None) -> str:
    # Case-folded, so "Ana" and "ana" share a counter (guessing cannot dodge it by case).
    return (username or "").strip().casefold()


# -- password logins -------------------------------------------------------------------------


def login_locked(*, username: str | None, ip: str) -> bool:
    """True while this username may not sign in from this address (or the address is locked)."""
    found = cache.get_many([_key("login-lock", _normal(username), ip), _key("login-ip-lock", ip)])
    return bool(found)


def login_succeeded(*, user: User, request: HttpRequest | None) -> None:
    """A session login: audited, and the username's failure count starts again."""
    cache.delete(_key("login-fail", _normal(user.get_username()), client_ip(request)))
    audit_record(
        actor=user,
        organization=user.organization,
        action=AuditAction.LOGIN,
        object_type=LOGIN_OBJECT,
        object_id=user.pk,
    )


@dataclass(frozen=True)
class FailureOutcome:
    audited: bool
    locked: bool


def login_failed(*, username: str | None, request: HttpRequest | None) -> FailureOutcome:
    """Failed password credentials (Django's `user_login_failed`): counted, and audited unless
    the attempt came while locked (those only count towards nothing and log a line).

    The event goes to the chain of the organization whose member has that username, so its
    org admins see attempts on their people; unknown usernames go to the global chain."""
    ip = client_ip(request)
    name = _normal(username)
    if login_locked(username=username, ip=ip):
        logger.warning("login refused while locked out: ip=%s", ip)
        return FailureOutcome(audited=False, locked=True)
    locked = False
    if _count(_key("login-fail", name, ip), settings.LOGIN_LOCKOUT_WINDOW) >= (
        settings.LOGIN_LOCKOUT_FAILURES
    ):
        cache.set(_key("login-lock", name, ip), True, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        locked = True
    if _count(_key("login-ip-fail", ip), settings.LOGIN_LOCKOUT_WINDOW) >= (
        settings.LOGIN_IP_FAILURES
    ):
        cache.set(_key("login-ip-lock", ip), True, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        locked = True
    label = (username or "")[:150]
    user = (
        User.objects.select_related("membership__organization").filter(username=label).first()
        if label
        else None
    )
    audit_record(
        actor=None,
        actor_label=label,
        organization=user.organization if user is not None else None,
        action=AuditAction.LOGIN_FAILED,
        object_type=LOGIN_OBJECT,
        object_id=user.pk if user is not None else "",
        outcome=AuditOutcome.DENIED if locked else AuditOutcome.FAILURE,
        detail={"locked_out": locked},
    )
    return FailureOutcome(audited=True, locked=locked)


# -- bearer tokens ---------------------------------------------------------------------------


def bearer_failed(*, ip: str, prefix: str | None, reason: str) -> FailureOutcome:
    """A failed bearer token: counted per address; audited (with the token's prefix only, never
    the token) until the address is over its limit. A known prefix puts the event in the chain
    of the token's organization: its admins see a revoked or forged credential in use."""
    count = _count(_key("bearer-fail", ip), settings.BEARER_FAILURE_WINDOW)
    if count > settings.BEARER_FAILURE_LIMIT:
        return FailureOutcome(audited=False, locked=True)
    token = (
        ApiToken.objects.select_related("user__membership__organization")
        .filter(prefix=prefix)
        .first()
        if prefix
        else None
    )
    audit_record(
        actor=None,
        organization=token.user.organization if token is not None else None,
        action=AuditAction.LOGIN_FAILED,
        object_type=TOKEN_OBJECT,
        object_id=token.pk if token is not None else "",
        outcome=AuditOutcome.FAILURE,
        detail={"prefix": prefix, "reason": reason},
    )
    return FailureOutcome(audited=True, locked=count == settings.BEARER_FAILURE_LIMIT)

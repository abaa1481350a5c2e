"""`Authorization: Bearer <token>` for API clients.

A failed token is audited (`login_failed`, with the token's prefix only) and counted per address;
past `BEARER_FAILURE_LIMIT` failures in `BEARER_FAILURE_WINDOW` seconds, further failures from
that address answer 429 (`clients.services.logins`).
"""

import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from clients.models import ApiToken
from clients.services.logins import bearer_failed, client_ip
from clients.services.tokens import split_token, token_digest

# Writing last_used_at on every request would turn each read into a write; once a minute is
# precise enough to tell whether a credential is in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TooManyFailures(exceptions.Throttled):
    default_detail = "Too many failed credentials from your address; try again later."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            self._fail(request, None, "malformed", "Malformed Authorization header.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            self._fail(request, None, "malformed", "Malformed token.")
        return self._user_for(request, raw)

    def _user_for(self, request: Request, raw: str):
        prefix = split_token(raw)
        if prefix is None:
            self._fail(request, None, "malformed")
        token = (
            ApiToken.objects.select_related("user__membership__organization")
            .filter(prefix=prefix)
            .first()
        )
        if token is None:
            self._fail(request, prefix, "unknown")
        if not hmac.compare_digest(token.digest, token_digest(raw)):
            self._fail(request, prefix, "wrong_secret")
        now = timezone.now()
        if not token.is_usable(now):
            self._fail(request, prefix, "revoked" if token.revoked_at else "expired")
        if not token.user.is_active:
            self._fail(request, prefix, "inactive_user")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    @staticmethod
    def _fail(
        request: Request,
        prefix: str | None,
        reason: str,
        detail: str = "Invalid, expired or revoked token.",
    ):
        outcome = bearer_failed(ip=client_ip(request._request), prefix=prefix, reason=reason)
        if not outcome.audited:
            raise TooManyFailures(wait=settings.BEARER_FAILURE_WINDOW)
        raise exceptions.AuthenticationFailed(detail)

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "clients.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "API token (sk_...)."}

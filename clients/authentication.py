"""`Authorization: Bearer <token>` for API clients."""

import hmac
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from clients.models import ApiToken
from clients.services.tokens import split_token, token_digest

# Writing last_used_at on every request would turn each read into a write; once a minute is
# precise enough to tell whether a credential is in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Malformed token.") from exc
        return self._user_for(raw)

    def _user_for(self, raw: str):
        failure = exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        prefix = split_token(raw)
        if prefix is None:
            raise failure
        token = (
            ApiToken.objects.select_related("user__membership__organization")
            .filter(prefix=prefix)
            .first()
        )
        if token is None or not hmac.compare_digest(token.digest, token_digest(raw)):
            raise failure
        now = timezone.now()
        if not token.is_usable(now) or not token.user.is_active:
            raise failure
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "clients.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "API token (sk_...)."}

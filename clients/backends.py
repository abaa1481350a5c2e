"""The password backend: Django's ModelBackend behind the failed-login lockout."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from clients.services.logins import client_ip, login_locked


class LockoutModelBackend(ModelBackend):
    """Refuses a locked-out username (or address) before looking at the password.

    Raising PermissionDenied makes `django.contrib.auth.authenticate` stop and send
    `user_login_failed`, so the refusal looks exactly like a wrong password: the lockout tells
    a guesser nothing about whether the username exists."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if login_locked(username=username, ip=client_ip(request)):
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

"""Django's sign-in signals, the only hook it gives for session logins. Each receiver is one call
into `clients.services.logins`. Connected in `ClientsConfig.ready`."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from clients.services.logins import login_failed, login_succeeded


@receiver(user_logged_in, dispatch_uid="clients.audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    login_succeeded(user=user, request=request)


@receiver(user_login_failed, dispatch_uid="clients.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    login_failed(username=credentials.get("username"), request=request)

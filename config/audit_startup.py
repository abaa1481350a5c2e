"""A production server does not start without its audit signing key.

Without the key, events are still recorded but never sealed, and a trail nobody can check is easy
to miss until it is needed; so the WSGI and ASGI applications refuse to load with DEBUG off and no
key, unless AUDIT_SIGNING_DISABLED=1 says the deployment runs unsealed on purpose. (Management
commands and the test suite are not servers: they load without it, and `seal_audit` says why it
cannot seal.)
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_audit_signing_key() -> None:
    if settings.DEBUG or settings.AUDIT_SIGNING_DISABLED or settings.AUDIT_SIGNING_KEY is not None:
        return
    raise ImproperlyConfigured(
        "No audit signing key: set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE (manage.py "
        "audit_keygen writes one), or AUDIT_SIGNING_DISABLED=1 to run with an unsealed trail."
    )

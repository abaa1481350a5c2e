import os

from django.core.asgi import get_asgi_application

from config.audit_startup import require_audit_signing_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()
require_audit_signing_key()

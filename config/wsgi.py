import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from config.audit_startup import require_audit_signing_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
require_audit_signing_key()

# Import every view, serializer and schema module now rather than on the first request, then
# move everything loaded so far into the collector's permanent generation. A full collection
# otherwise walks those ~120k long-lived objects again and again: in a benchmark worker each one
# took about 70 ms of CPU (up to 310 ms of wall time), and the requests they landed in were the
# slowest 1% (docs/performance.md, "Fixed: full garbage collections"). Frozen objects are never
# collected; they live as long as the process anyway.
import_module(settings.ROOT_URLCONF)
gc.freeze()

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Import every view, serializer and schema module now rather than on the first request, then
# move everything loaded so far into the collector's permanent generation. A full collection
# otherwise walks those ~100k long-lived objects again and again: under load each one took
# 100-340 ms in a benchmark worker, the requests it landed in were the slowest 1%
# (docs/performance.md, "Garbage collection"). Frozen objects are never collected; they live as
# long as the process anyway.
import_module(settings.ROOT_URLCONF)
gc.freeze()

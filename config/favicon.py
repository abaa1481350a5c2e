"""`/favicon.ico`: browsers ask for it on every page (the admin, the API docs); a 404 for it
filled the request log with noise."""

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

ICON = (Path(__file__).resolve().parent / "favicon.ico").read_bytes()


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ICON, content_type="image/x-icon")

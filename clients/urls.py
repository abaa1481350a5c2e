from django.urls import path
from rest_framework.routers import SimpleRouter

import config.ids  # noqa: F401  (registers the <id:...> converter before the routes are built)
from clients.api.audit import AuditEventViewSet
from clients.api.clients import ClientViewSet
from clients.api.me import MeView
from clients.api.safety import OrganizationSafetyView
from clients.api.tokens import ApiTokenViewSet, OwnApiTokenView

# Path converters, not regexes: `<id:pk>` is the one id parser (config/ids.py).
router = SimpleRouter(use_regex_path=False)
router.register("tokens", ApiTokenViewSet, basename="api-token")
router.register("clients", ClientViewSet, basename="client")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/tokens/", OwnApiTokenView.as_view(), name="me-tokens"),
    path("organization/safety/", OrganizationSafetyView.as_view(), name="organization-safety"),
    *router.urls,
]

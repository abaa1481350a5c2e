from django.urls import path
from rest_framework.routers import SimpleRouter

from clients.api.audit import AuditEventViewSet
from clients.api.clients import ClientViewSet
from clients.api.me import MeView
from clients.api.safety import OrganizationSafetyView
from clients.api.tokens import ApiTokenViewSet

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="api-token")
router.register("clients", ClientViewSet, basename="client")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("organization/safety/", OrganizationSafetyView.as_view(), name="organization-safety"),
    *router.urls,
]

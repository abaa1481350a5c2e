from rest_framework.routers import SimpleRouter

import config.ids  # noqa: F401  (registers the <id:...> converter before the routes are built)
from notifications.api.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet

# Path converters, not regexes: `<id:pk>` is the one id parser (config/ids.py).
router = SimpleRouter(use_regex_path=False)
# Deliveries first: `webhooks/deliveries/` must not be read as the endpoint `deliveries`.
router.register("webhooks/deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls

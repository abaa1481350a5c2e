from rest_framework.routers import SimpleRouter

from notifications.api.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = SimpleRouter()
# Deliveries first: `webhooks/deliveries/` must not be read as the endpoint `deliveries`.
router.register("webhooks/deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api_root import ApiRootView
from config.favicon import favicon
from config.health import healthz, readyz
from screening.fhir_api.views import RootView as FhirRootView

api_v1 = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("", include("clients.urls")),
    path("", include("screening.urls")),
    path("", include("notifications.urls")),
    path("content/", include("content.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # EHRs post transaction Bundles to the bare base URL, and a slash redirect would lose the body.
    path("fhir", FhirRootView.as_view(), name="fhir-base"),
    path("fhir/", include("screening.fhir_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/auth/", include("rest_framework.urls")),
]

handler404 = "config.errors.json_not_found"
handler500 = "config.errors.json_server_error"

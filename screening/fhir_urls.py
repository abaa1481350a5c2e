"""The FHIR R4 interface, mounted at /fhir/ (docs/fhir.md).

One named route per resource type and interaction level (`fhir-patient-type`,
`fhir-patient-instance`, ...), generated from the registry, so each route's roles and ids can be
stated (and tested) on their own. Any other path under /fhir/ answers a 404 OperationOutcome.
"""

from django.urls import path, re_path

from config.ids import FHIR_ID_PATTERN
from screening.fhir_api import views
from screening.fhir_api.registry import RESOURCES

ID = rf"(?P<resource_id>{FHIR_ID_PATTERN})"

urlpatterns = [
    path("", views.RootView.as_view(), name="fhir-root"),
    path("metadata", views.MetadataView.as_view(), name="fhir-metadata"),
]
for name, resource in RESOURCES.items():
    type_view = views.CreatableTypeView if resource.create else views.TypeView
    instance_view = views.DeletableInstanceView if resource.delete else views.InstanceView
    urlpatterns += [
        re_path(
            rf"^{name}/?$",
            type_view.as_view(),
            {"resource_type": name},
            name=f"fhir-{name.lower()}-type",
        ),
        re_path(
            rf"^{name}/_search/?$",
            views.SearchView.as_view(),
            {"resource_type": name},
            name=f"fhir-{name.lower()}-search",
        ),
        re_path(
            rf"^{name}/{ID}/?$",
            instance_view.as_view(),
            {"resource_type": name},
            name=f"fhir-{name.lower()}-instance",
        ),
    ]
urlpatterns.append(re_path(r"^.*$", views.UnknownView.as_view(), name="fhir-unknown"))

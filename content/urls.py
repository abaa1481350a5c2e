from rest_framework.routers import SimpleRouter

from content.api import views

router = SimpleRouter()
router.register("sources", views.SourceViewSet, basename="content-source")
router.register("domains", views.DomainViewSet, basename="content-domain")
router.register("indicators", views.IndicatorViewSet, basename="content-indicator")
router.register("conditions", views.ConditionViewSet, basename="content-condition")
router.register("origins", views.OriginViewSet, basename="content-origin")
router.register("impacts", views.ImpactViewSet, basename="content-impact")
router.register("comparisons", views.ComparisonViewSet, basename="content-comparison")
router.register("approaches", views.ApproachViewSet, basename="content-approach")

urlpatterns = router.urls

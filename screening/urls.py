from django.urls import path
from rest_framework.routers import SimpleRouter

import config.ids  # noqa: F401  (registers the <id:...> converter before the routes are built)
from screening.api import instruments as library
from screening.api.outcomes import OutcomesView
from screening.api.screenings import ClientTimelineView, FlagViewSet, ScreeningViewSet

VERSION = "instruments/<slug:code>/versions/<str:version>/"

# Path converters, not regexes: `<id:pk>` is the one id parser (config/ids.py).
router = SimpleRouter(use_regex_path=False)
router.register("screenings", ScreeningViewSet, basename="screening")
router.register("flags", FlagViewSet, basename="flag")

urlpatterns = [
    path("instruments/", library.InstrumentListView.as_view(), name="instrument-list"),
    path(
        "instruments/<slug:code>/",
        library.InstrumentDetailView.as_view(),
        name="instrument-detail",
    ),
    path(
        "instruments/<slug:code>/versions/",
        library.InstrumentVersionListView.as_view(),
        name="instrument-version-list",
    ),
    path(VERSION, library.InstrumentVersionDetailView.as_view(), name="instrument-version-detail"),
    path(
        f"{VERSION}publish/",
        library.InstrumentVersionPublishView.as_view(),
        name="instrument-version-publish",
    ),
    path(
        f"{VERSION}retire/",
        library.InstrumentVersionRetireView.as_view(),
        name="instrument-version-retire",
    ),
    path(
        f"{VERSION}export/",
        library.InstrumentVersionExportView.as_view(),
        name="instrument-version-export",
    ),
    path(
        "instruments/<slug:code>/score-preview/",
        library.ScorePreviewView.as_view(),
        name="instrument-score-preview",
    ),
    path("clients/<id:pk>/timeline/", ClientTimelineView.as_view(), name="client-timeline"),
    path("outcomes/", OutcomesView.as_view(), name="outcomes"),
    *router.urls,
]

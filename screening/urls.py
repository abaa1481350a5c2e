from django.urls import path

from screening.api import instruments as views

VERSION = "instruments/<slug:code>/versions/<str:version>/"

urlpatterns = [
    path("instruments/", views.InstrumentListView.as_view(), name="instrument-list"),
    path(
        "instruments/<slug:code>/", views.InstrumentDetailView.as_view(), name="instrument-detail"
    ),
    path(
        "instruments/<slug:code>/versions/",
        views.InstrumentVersionListView.as_view(),
        name="instrument-version-list",
    ),
    path(VERSION, views.InstrumentVersionDetailView.as_view(), name="instrument-version-detail"),
    path(
        f"{VERSION}publish/",
        views.InstrumentVersionPublishView.as_view(),
        name="instrument-version-publish",
    ),
    path(
        f"{VERSION}retire/",
        views.InstrumentVersionRetireView.as_view(),
        name="instrument-version-retire",
    ),
    path(
        f"{VERSION}export/",
        views.InstrumentVersionExportView.as_view(),
        name="instrument-version-export",
    ),
    path(
        "instruments/<slug:code>/score-preview/",
        views.ScorePreviewView.as_view(),
        name="instrument-score-preview",
    ),
]

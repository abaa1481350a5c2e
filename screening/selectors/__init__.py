from screening.selectors.flags import flag_get, flag_list
from screening.selectors.instruments import (
    condition_names,
    flag_labels,
    instrument_list,
    instrument_version_list,
    latest_published_version,
    latest_published_versions,
    published_version,
)
from screening.selectors.preview import PreviewFlag, preview_flags, score_preview
from screening.selectors.screenings import screening_get, screening_list
from screening.selectors.timeline import client_timeline

__all__ = [
    "PreviewFlag",
    "client_timeline",
    "condition_names",
    "flag_get",
    "flag_labels",
    "flag_list",
    "instrument_list",
    "instrument_version_list",
    "latest_published_version",
    "latest_published_versions",
    "preview_flags",
    "published_version",
    "score_preview",
    "screening_get",
    "screening_list",
]

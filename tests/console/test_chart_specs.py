"""Chart inputs from the service's own reads: bands and criteria from the pinned version, marks
from the change the service computed."""

from console.charts.specs import screening_scale_specs, timeline_trends
from screening.selectors.timeline import client_timeline
from tests.console.helpers import completed_phq9


def test_a_phq9_spec_carries_its_published_bands_range_and_criteria(ana, clinician, library):
    spec = screening_scale_specs(completed_phq9(ana, clinician, 12))["total"]
    assert (spec.min, spec.max) == (0, 27)
    assert [b.label for b in spec.bands] == [
        "Minimal",
        "Mild",
        "Moderate",
        "Moderately severe",
        "Severe",
    ]
    assert spec.reliable_change_points == 6
    assert spec.remission == ("<", 5)
    assert spec.validated


def test_timeline_points_carry_the_reliable_change_and_remission_the_service_computed(
    ana, clinician, library
):
    completed_phq9(ana, clinician, 18, days_ago=60)
    completed_phq9(ana, clinician, 15, days_ago=30)
    completed_phq9(ana, clinician, 4)
    timeline = client_timeline(organization=ana.organization, client=ana)
    (_heading, spec, points, outcome), *_ = timeline_trends(timeline)
    assert spec.id == "total"
    assert [p.score for p in points] == [18, 15, 4]
    assert [p.reliable_change for p in points] == [None, "no_reliable_change", "improved"]
    assert [p.remission for p in points] == [None, False, True]
    assert outcome["reliable_change"] == "improved"

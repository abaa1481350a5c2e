"""Answer sets for the shipped instruments, as an API client sends them."""


def phq9(total_each: int = 0, item9: int = 0) -> list[dict]:
    answers = [{"link_id": f"phq9-{n}", "value": total_each} for n in range(1, 9)]
    return [*answers, {"link_id": "phq9-9", "value": item9}]


def pcl5(each: int = 0) -> list[dict]:
    return [{"link_id": f"pcl5-{n}", "value": each} for n in range(1, 21)]


def start(api, client_id: int, instrument: str, answers=(), submit=False, **extra):
    body = {
        "client": client_id,
        "instrument": instrument,
        "mode": "clinician",
        "answers": list(answers),
        "submit": submit,
        **extra,
    }
    return api.post("/api/v1/screenings/", body, format="json")


def phq9_total(total: int) -> list[dict]:
    """PHQ-9 answers (item 9 at 0, so no urgent flag) adding up to `total` (0-24)."""
    values = [min(3, max(0, total - 3 * n)) for n in range(8)]
    assert sum(values) == total, "items 1-8 reach 24 at most"
    answers = [{"link_id": f"phq9-{n}", "value": v} for n, v in enumerate(values, start=1)]
    return [*answers, {"link_id": "phq9-9", "value": 0}]


def gad7_total(total: int) -> list[dict]:
    values = [min(3, max(0, total - 3 * n)) for n in range(7)]
    assert sum(values) == total, "GAD-7 reaches 21 at most"
    return [{"link_id": f"gad7-{n}", "value": v} for n, v in enumerate(values, start=1)]


def publish_phq9_without_change_criteria(label: str = "1.0.9") -> str:
    """An earlier-published PHQ-9 version whose scales declare no change criteria (as 1.0.0 did):
    the shipped definition without its `change` blocks, published before the shipped version so
    that stays the latest. Returns its label, for `start(..., version=label)`."""
    from datetime import timedelta

    from screening.models import Instrument, InstrumentVersion
    from screening.services.instruments import instrument_version_create, instrument_version_publish

    instrument = Instrument.objects.get(code="phq9")
    latest = instrument.versions.order_by("-published_at").first()
    definition = {
        **latest.definition,
        "version": label,
        "scales": [
            {k: v for k, v in scale.items() if k != "change"}
            for scale in latest.definition["scales"]
        ],
    }
    draft = instrument_version_create(instrument=instrument, actor=None, definition=definition)
    instrument_version_publish(version=draft, actor=None)
    InstrumentVersion.objects.filter(pk=draft.pk).update(
        published_at=latest.published_at - timedelta(days=1)
    )
    return label

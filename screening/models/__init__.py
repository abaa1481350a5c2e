from screening.models.flag import SEVERITY_RANK, Flag, FlagReview, FlagStatus, Severity
from screening.models.idempotency import IdempotencyRecord
from screening.models.instrument import Instrument, InstrumentVersion, VersionStatus
from screening.models.screening import (
    ObservationKind,
    ScaleScore,
    Screening,
    ScreeningMode,
    ScreeningResult,
    ScreeningStatus,
)

__all__ = [
    "SEVERITY_RANK",
    "Flag",
    "FlagReview",
    "FlagStatus",
    "IdempotencyRecord",
    "Instrument",
    "InstrumentVersion",
    "ObservationKind",
    "ScaleScore",
    "Screening",
    "ScreeningMode",
    "ScreeningResult",
    "ScreeningStatus",
    "Severity",
    "VersionStatus",
]

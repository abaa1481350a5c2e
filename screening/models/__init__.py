from screening.models.instrument import Instrument, InstrumentVersion, VersionStatus

__all__ = ["Instrument", "InstrumentVersion", "VersionStatus"]

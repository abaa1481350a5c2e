"""Client <-> FHIR Patient (pure: reads attributes of the objects it is given; no Django).

Out: `id` is the client's id; `identifier` system|value; one `name` (official: family, given
split on spaces); `birthDate`; `gender` from the administrative sex (absent when not recorded);
`active`; pronouns in the `individual-pronouns` extension. Nothing else is held, so nothing
else is sent.

In: `client_fields(patient)` returns the client's fields (the keys `client_create` takes) and,
for each field, the FHIRPath it came from, so a rejected field is reported where it was sent.
Elements we do not hold (telecom, address, ...) are not stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .outcome import Issue, ResourceError, error
from .search import instant
from .systems import PRONOUNS

GENDERS = ("male", "female", "other", "unknown")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def patient_resource(client: Any, identifiers: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """A Patient for `client` (attributes: pk, given_name, family_name, birth_date,
    administrative_sex, pronouns, active, updated_at) with its (system, value) identifiers."""
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(client.pk),
        "meta": {"lastUpdated": instant(client.updated_at)},
    }
    if client.pronouns:
        patient["extension"] = [
            {
                "url": PRONOUNS,
                "extension": [{"url": "value", "valueCodeableConcept": {"text": client.pronouns}}],
            }
        ]
    listed = [{"system": system, "value": value} for system, value in identifiers]
    if listed:
        patient["identifier"] = listed
    patient["active"] = bool(client.active)
    patient["name"] = [
        {
            "use": "official",
            "family": client.family_name,
            "given": client.given_name.split() or [client.given_name],
        }
    ]
    if client.administrative_sex:
        patient["gender"] = client.administrative_sex
    patient["birthDate"] = client.birth_date.isoformat()
    return patient


def client_fields(patient: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(fields for `client_create`, field -> FHIRPath it came from); raises ResourceError.

    Fields: given_name, family_name, birth_date (a date), administrative_sex (None when not
    sent), pronouns (None when not sent), active (default true), identifiers.
    """
    if not isinstance(patient, Mapping) or patient.get("resourceType") != "Patient":
        raise ResourceError(
            [error("invalid", "expected a Patient resource", "Patient.resourceType")],
            structural=True,
        )
    issues: list[Issue] = []
    data: dict[str, Any] = {}
    paths: dict[str, str] = {}

    index, name = _official_name(patient.get("name"))
    if name is None:
        issues.append(error("required", "a name with a family name is required", "Patient.name"))
    else:
        where = f"Patient.name[{index}]"
        family = name.get("family")
        given = [g for g in name.get("given") or [] if isinstance(g, str) and g.strip()]
        if not given:
            issues.append(error("required", "a given name is required", f"{where}.given"))
        data["family_name"] = family.strip()
        data["given_name"] = " ".join(g.strip() for g in given)
        paths["family_name"] = f"{where}.family"
        paths["given_name"] = f"{where}.given"

    birth = patient.get("birthDate")
    paths["birth_date"] = "Patient.birthDate"
    if birth is None:
        issues.append(error("required", "birthDate is required", "Patient.birthDate"))
    elif not isinstance(birth, str) or not _FULL_DATE.match(birth):
        issues.append(
            error("value", "a full birth date (YYYY-MM-DD) is required", "Patient.birthDate")
        )
    else:
        try:
            data["birth_date"] = dt.date.fromisoformat(birth)
        except ValueError:
            issues.append(error("value", f"{birth!r} is not a date", "Patient.birthDate"))

    gender = patient.get("gender")
    paths["administrative_sex"] = "Patient.gender"
    if gender is not None and gender not in GENDERS:
        issues.append(
            error("code-invalid", f"gender must be one of {', '.join(GENDERS)}", "Patient.gender")
        )
    data["administrative_sex"] = gender

    active = patient.get("active", True)
    paths["active"] = "Patient.active"
    if not isinstance(active, bool):
        issues.append(error("value", "active is true or false", "Patient.active"))
    data["active"] = active is not False

    identifiers = []
    for i, identifier in enumerate(patient.get("identifier") or []):
        where = f"Patient.identifier[{i}]"
        system = identifier.get("system") if isinstance(identifier, Mapping) else None
        value = identifier.get("value") if isinstance(identifier, Mapping) else None
        if not isinstance(system, str) or not system:
            issues.append(error("required", "an identifier needs a system", f"{where}.system"))
        if not isinstance(value, str) or not value:
            issues.append(error("required", "an identifier needs a value", f"{where}.value"))
        identifiers.append({"system": system, "value": value})
        paths[f"identifiers.{i}.system"] = f"{where}.system"
        paths[f"identifiers.{i}.value"] = f"{where}.value"
    data["identifiers"] = identifiers
    paths["identifiers"] = "Patient.identifier"

    pronouns, where = _pronouns(patient.get("extension"))
    data["pronouns"] = pronouns
    paths["pronouns"] = where

    if issues:
        raise ResourceError(issues)
    return data, paths


def _official_name(names: Any) -> tuple[int, Mapping[str, Any] | None]:
    """The name to store: the first official or usual name with a family name, else the first
    with one."""
    if not isinstance(names, list):
        return 0, None
    candidates = [
        (i, n)
        for i, n in enumerate(names)
        if isinstance(n, Mapping) and isinstance(n.get("family"), str) and n["family"].strip()
    ]
    for i, name in candidates:
        if name.get("use") in ("official", "usual"):
            return i, name
    return candidates[0] if candidates else (0, None)


def _pronouns(extensions: Any) -> tuple[str | None, str]:
    for i, extension in enumerate(extensions or []):
        if not isinstance(extension, Mapping) or extension.get("url") != PRONOUNS:
            continue
        for j, part in enumerate(extension.get("extension") or []):
            if isinstance(part, Mapping) and part.get("url") == "value":
                concept = part.get("valueCodeableConcept") or {}
                text = concept.get("text")
                if not text:
                    codings = concept.get("coding") or [{}]
                    text = codings[0].get("display")
                if isinstance(text, str) and text.strip():
                    where = f"Patient.extension[{i}].extension[{j}].valueCodeableConcept"
                    return text.strip(), where
    return None, "Patient.extension"

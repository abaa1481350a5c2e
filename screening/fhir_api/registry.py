"""The resource types the interface serves and what each supports: the views dispatch on it, the
transaction/batch processor runs its entries through it, and the CapabilityStatement lists it.
Other apps add theirs with `register_resource` from their AppConfig.ready (notifications serves
Subscription), so this package never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from screening.fhir.outcome import ResourceError, error

from . import flags, observations, patients, questionnaires, responses
from .context import Caller, Result
from .search import Query, SearchParam


@dataclass(frozen=True)
class ResourceType:
    name: str
    read: Callable[[Caller, str], Result]
    search: Callable[[Caller, Query], Result]
    search_params: tuple[SearchParam, ...]
    documentation: str
    create: Callable[..., Result] | None = None
    delete: Callable[[Caller, str], Result] | None = None
    conditional_create: bool = False
    shared: bool = False  # the shared instrument library, not an organization's clinical data
    # Whether create reads the resource's `contained` resources (a Questionnaire's
    # answerValueSets); anywhere else they would be dropped without a word, so they are refused.
    reads_contained: bool = False
    # A narrower role check than `shared` gives (Subscriptions: integrations only), run by
    # `authorize` before the request is read, as the interactions run it again themselves.
    roles: Callable[[Caller], object] | None = None

    def refuse_unread(self, resource: object) -> None:
        """422 for what a create would otherwise silently drop: `contained` resources."""
        if self.reads_contained or not isinstance(resource, dict) or "contained" not in resource:
            return
        raise ResourceError(
            [
                error(
                    "not-supported",
                    f"contained resources are not accepted in a {self.name}: they would not be "
                    "stored. Send each one as a resource of its own (a transaction Bundle links "
                    "new ones by their urn:uuid fullUrl).",
                    f"{self.name}.contained",
                )
            ]
        )

    def authorize(self, caller: Caller, interaction: str) -> None:
        """403 unless the caller's role may use `interaction` (read, search, create) here; the
        interactions check again themselves, since Bundle entries reach them directly."""
        if self.roles is not None:
            self.roles(caller)
        elif not self.shared:
            caller.clinical()
        elif interaction == "create":
            caller.instrument_admin()
        else:
            caller.library_reader()

    def interactions(self) -> list[str]:
        return (
            ["read", "search-type"]
            + (["create"] if self.create else [])
            + (["delete"] if self.delete else [])
        )


RESOURCES: dict[str, ResourceType] = {
    "Patient": ResourceType(
        "Patient",
        patients.read,
        patients.search,
        patients.SEARCH,
        "Clients of the caller's organization (clinicians and integrations). Conditional "
        "create with If-None-Exist: identifier=system|value.",
        create=patients.create,
        conditional_create=True,
    ),
    "Questionnaire": ResourceType(
        "Questionnaire",
        questionnaires.read,
        questionnaires.search,
        questionnaires.SEARCH,
        "Instrument versions as SDC Questionnaires (id {code}-{version}); any member reads "
        "published and retired ones, instrument admins also drafts. Create (instrument admins) "
        "imports an SDC Questionnaire as a draft and answers an OperationOutcome with the "
        "import's warnings (Prefer: return=representation for the draft itself).",
        create=questionnaires.create,
        shared=True,
        reads_contained=True,
    ),
    "QuestionnaireResponse": ResourceType(
        "QuestionnaireResponse",
        responses.read,
        responses.search,
        responses.SEARCH,
        "Screenings. Create checks the response against its Questionnaire (questionnaire = "
        "canonical url|version, or url for the latest published version) and scores it when "
        "completed; in-progress is saved unscored. A response whose identifier the "
        "organization already holds is returned (200), not stored twice.",
        create=responses.create,
    ),
    "Observation": ResourceType(
        "Observation",
        observations.read,
        observations.search,
        observations.SEARCH,
        "One per scale of a screening's current result: category survey, LOINC code where the "
        "scale has one, interpretation from its band, derivedFrom its QuestionnaireResponse.",
    ),
    "Flag": ResourceType(
        "Flag",
        flags.read,
        flags.search,
        flags.SEARCH,
        "Flags for clinician review raised by scoring: never a diagnosis. Urgent first.",
    ),
}


def register_resource(resource: ResourceType) -> None:
    """Serve another app's resource type (before the URLconf loads: from AppConfig.ready)."""
    RESOURCES[resource.name] = resource


def resource_type(name: str) -> ResourceType | None:
    return RESOURCES.get(name)

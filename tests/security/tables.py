"""Who may call what: the role table every route must have a row in, and what each route's ids
are. Adding a route means adding it here, or the security tests fail and say so."""

from clients.models import Role

ANONYMOUS = "anonymous"  # in a row only where calling without credentials is allowed
INSTRUMENT_ADMIN = "instrument_admin"
CLINICIAN, ORG_ADMIN, INTEGRATION = Role.CLINICIAN, Role.ORG_ADMIN, Role.INTEGRATION
MEMBER_ROLES = (CLINICIAN, ORG_ADMIN, INTEGRATION)
ROLES = (*MEMBER_ROLES, INSTRUMENT_ADMIN)

NOBODY: frozenset[str] = frozenset()
CLINICAL = frozenset({CLINICIAN, INTEGRATION})
CLINICIANS = frozenset({CLINICIAN})
INTEGRATIONS = frozenset({INTEGRATION})
ADMINS = frozenset({ORG_ADMIN})
MEMBERS = frozenset(MEMBER_ROLES)
EVERYONE = frozenset(ROLES)
LIBRARIANS = frozenset({INSTRUMENT_ADMIN})

CONTENT_KINDS = (
    "source",
    "domain",
    "indicator",
    "condition",
    "origin",
    "impact",
    "comparison",
    "approach",
)

# route name -> method -> roles allowed (anyone else: 403; anonymous: always 401).
ROLE_TABLE: dict[str, dict[str, frozenset[str]]] = {
    "api-root": {"GET": EVERYONE},
    "me": {"GET": EVERYONE},
    # A person issues their own token from a signed-in session only: with a token, nobody may
    # (a leaked token cannot renew itself). tests/security/test_token_issuers.py has the session.
    "me-tokens": {"GET": EVERYONE, "POST": NOBODY},
    # Every member reads the safety settings (clinicians need the crisis guidance); admins set them.
    "organization-safety": {"GET": MEMBERS, "PUT": ADMINS, "PATCH": ADMINS},
    "webhook-list": {"GET": ADMINS, "POST": ADMINS},
    "webhook-detail": {"GET": ADMINS, "PATCH": ADMINS, "DELETE": ADMINS},
    "webhook-delivery-list": {"GET": ADMINS},
    "webhook-delivery-detail": {"GET": ADMINS},
    "webhook-delivery-redeliver": {"POST": ADMINS},
    "api-token-list": {"GET": ADMINS, "POST": ADMINS},
    "api-token-detail": {"GET": ADMINS},
    "api-token-revoke": {"POST": ADMINS},
    "audit-event-list": {"GET": ADMINS},
    "audit-event-export": {"GET": ADMINS},
    "client-list": {"GET": CLINICAL, "POST": CLINICAL},
    "client-detail": {"GET": CLINICAL, "PUT": CLINICAL, "PATCH": CLINICAL},
    "client-timeline": {"GET": CLINICAL},
    # The organization's aggregate (issue 16) is for clinic leads: the org admins.
    "outcomes": {"GET": ADMINS},
    "screening-list": {"GET": CLINICAL, "POST": CLINICAL},
    "screening-detail": {"GET": CLINICAL, "PATCH": CLINICAL},
    "screening-submit": {"POST": CLINICAL},
    "screening-amend": {"POST": CLINICAL},
    "screening-void": {"POST": CLINICAL},
    "flag-list": {"GET": CLINICAL},
    "flag-detail": {"GET": CLINICAL},
    # Reviewing a flag and starting its follow-up are clinical decisions: people, not machines.
    "flag-review": {"POST": CLINICIANS},
    "flag-follow-up": {"POST": CLINICIANS},
    # The instrument library is shared: every member reads it, instrument admins change it.
    "instrument-list": {"GET": EVERYONE, "POST": LIBRARIANS},
    "instrument-detail": {"GET": EVERYONE},
    "instrument-version-list": {"GET": EVERYONE, "POST": LIBRARIANS},
    "instrument-version-detail": {"GET": EVERYONE, "PUT": LIBRARIANS, "DELETE": LIBRARIANS},
    "instrument-version-publish": {"POST": LIBRARIANS},
    "instrument-version-retire": {"POST": LIBRARIANS},
    "instrument-version-export": {"GET": EVERYONE},
    "instrument-score-preview": {"POST": EVERYONE},
    **{f"content-{kind}-list": {"GET": EVERYONE} for kind in CONTENT_KINDS},
    **{f"content-{kind}-detail": {"GET": EVERYONE} for kind in CONTENT_KINDS},
}

# FHIR (/fhir/), one route per resource type and level. Clinical resources are for clinicians and
# integrations; Questionnaires are the shared library (members read, instrument admins import).
FHIR_ROLE_TABLE: dict[str, dict[str, frozenset[str]]] = {
    "fhir-metadata": {"GET": EVERYONE | {ANONYMOUS}},  # the CapabilityStatement is public
    # Bundles carry clinical resources or Questionnaires; each entry is authorized on its own too.
    "fhir-root": {"POST": CLINICAL | LIBRARIANS},
    "fhir-base": {"POST": CLINICAL | LIBRARIANS},  # the same view at the bare base URL
    "fhir-patient-type": {"GET": CLINICAL, "POST": CLINICAL},
    "fhir-questionnaireresponse-type": {"GET": CLINICAL, "POST": CLINICAL},
    "fhir-observation-type": {"GET": CLINICAL},
    "fhir-flag-type": {"GET": CLINICAL},
    "fhir-questionnaire-type": {"GET": EVERYONE, "POST": LIBRARIANS},
    "fhir-patient-instance": {"GET": CLINICAL},
    "fhir-questionnaireresponse-instance": {"GET": CLINICAL},
    "fhir-observation-instance": {"GET": CLINICAL},
    "fhir-flag-instance": {"GET": CLINICAL},
    "fhir-questionnaire-instance": {"GET": EVERYONE},
    # Subscriptions push client data to a machine: integrations only.
    "fhir-subscription-type": {"GET": INTEGRATIONS, "POST": INTEGRATIONS},
    "fhir-subscription-instance": {"GET": INTEGRATIONS, "DELETE": INTEGRATIONS},
    # POST {type}/_search: the type's search, parameters in a form body (the same roles).
    "fhir-patient-search": {"POST": CLINICAL},
    "fhir-questionnaireresponse-search": {"POST": CLINICAL},
    "fhir-observation-search": {"POST": CLINICAL},
    "fhir-flag-search": {"POST": CLINICAL},
    "fhir-questionnaire-search": {"POST": EVERYONE},
    "fhir-subscription-search": {"POST": INTEGRATIONS},
}

# Routes whose ids are organization objects: which object of the World each takes as `pk`.
ORG_OBJECT_ROUTES: dict[str, str] = {
    "api-token-detail": "token",
    "api-token-revoke": "token",
    "client-detail": "client",
    "client-timeline": "client",
    "screening-detail": "screening",
    "screening-submit": "screening",
    "screening-amend": "screening",
    "screening-void": "screening",
    "flag-detail": "flag",
    "flag-review": "flag",
    "flag-follow-up": "flag",
    "webhook-detail": "webhook_endpoint",
    "webhook-delivery-detail": "webhook_delivery",
    "webhook-delivery-redeliver": "webhook_delivery",
}
FHIR_ORG_OBJECT_ROUTES: dict[str, str] = {
    "fhir-patient-instance": "client",
    "fhir-questionnaireresponse-instance": "screening",
    "fhir-observation-instance": "scale_score",
    "fhir-flag-instance": "flag",
    "fhir-subscription-instance": "subscription",
}

# Routes whose path parameters are not organization objects, and why they need no isolation test.
LIBRARY = "takes instrument codes and version labels of the shared library, not org objects"
CONTENT = "takes codes of the shared knowledge base, not org objects"
SHARED_ROUTES: dict[str, str] = {
    "instrument-detail": LIBRARY,
    "instrument-version-list": LIBRARY,
    "instrument-version-detail": LIBRARY,
    "instrument-version-publish": LIBRARY,
    "instrument-version-retire": LIBRARY,
    "instrument-version-export": LIBRARY,
    "instrument-score-preview": LIBRARY,
    **{f"content-{kind}-detail": CONTENT for kind in CONTENT_KINDS},
}
FHIR_SHARED_ROUTES: dict[str, str] = {
    "fhir-questionnaire-instance": "takes ids of the shared library's versions ({code}-{version})",
}

# Path values that are not organization objects, for the role test.
SHARED_VALUES = {
    "code": "phq9",
    "version": "1.1.0",
    "resource_id": "phq9-1.1.0",  # a Questionnaire
}

# A valid body per (route, method), so a 404 cannot hide behind a 400 for the body.
PHQ9_ANSWER = [{"link_id": "phq9-1", "value": 1}]
VALID_BODIES: dict[tuple[str, str], dict] = {
    ("client-detail", "PUT"): {
        "given_name": "Ana",
        "family_name": "Silva",
        "birth_date": "1985-04-12",
    },
    ("client-detail", "PATCH"): {"family_name": "Souza"},
    ("screening-detail", "PATCH"): {"answers": PHQ9_ANSWER},
    ("screening-amend", "POST"): {"reason": "typo", "answers": PHQ9_ANSWER},
    ("screening-void", "POST"): {"reason": "wrong client"},
    ("flag-review", "POST"): {"status": "acknowledged", "note": "Discussed in session."},
    ("flag-follow-up", "POST"): {"mode": "clinician"},
    ("organization-safety", "PUT"): {
        "crisis_text": "Call 112 now if you are in danger.",
        "on_call_emails": ["duty@clinic.example.org"],
        "escalation_emails": [],
        "escalation_delay_minutes": 30,
        "escalation_interval_minutes": 15,
    },
    ("organization-safety", "PATCH"): {"escalation_delay_minutes": 20},
    ("webhook-list", "POST"): {
        "url": "https://hooks.example.org/screening",
        "event_types": ["flag.raised"],
    },
    ("webhook-detail", "PATCH"): {"description": "EHR inbox"},
    ("fhir-subscription-type", "POST"): {
        "resourceType": "Subscription",
        "status": "requested",
        "reason": "urgent flags",
        "criteria": "Flag?status=active",
        "channel": {"type": "rest-hook", "endpoint": "https://hooks.example.org/fhir"},
    },
}


def tables(route_names) -> tuple[dict, dict, dict]:
    """(roles, organization-object routes, shared routes) for the routes that exist: the FHIR
    rows count only when the FHIR interface is mounted (they are then checked like the rest)."""
    if not any(name.startswith("fhir-") for name in route_names):
        return ROLE_TABLE, ORG_OBJECT_ROUTES, SHARED_ROUTES
    return (
        {**ROLE_TABLE, **FHIR_ROLE_TABLE},
        {**ORG_OBJECT_ROUTES, **FHIR_ORG_OBJECT_ROUTES},
        {**SHARED_ROUTES, **FHIR_SHARED_ROUTES},
    )

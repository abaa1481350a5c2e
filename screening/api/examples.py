"""Request and response examples of the main operations, for the OpenAPI schema (Swagger UI).

Real shapes from a real run (a PHQ-9 whose item 9 was answered "Several days"), trimmed of
nothing: `tests/foundation/test_schema_docs.py` checks each response example against its schema,
so a change of shape that forgets the example fails there.
"""

from drf_spectacular.utils import OpenApiExample

PHQ9_VALUES = (1, 2, 1, 2, 0, 1, 1, 0, 1)
PHQ9_ANSWERS = [{"link_id": f"phq9-{n}", "value": v} for n, v in enumerate(PHQ9_VALUES, 1)]
PHQ9_LABELS = {
    0: ("LA6568-5", "Not at all"),
    1: ("LA6569-3", "Several days"),
    2: ("LA6570-1", "More than half the days"),
}

MILD = {
    "code": "mild",
    "label": "Mild",
    "min": 5,
    "max": 9,
    "interpretation": "Possible mild depressive symptoms. Consider watchful waiting and repeating "
    "the PHQ-9 at follow-up, for clinician review.",
    "source": "Kroenke, Spitzer & Williams 2001",
}
TOTAL = {
    "id": "total",
    "title": "PHQ-9 total score",
    "method": "sum",
    "score": 9,
    "band": MILD,
    "bands_provisional": False,
    "complete": True,
    "prorated": False,
    "answered": 9,
    "expected": 9,
    "range": {"min": 0, "max": 27},
}
ITEM9_EVIDENCE = {
    "criteria": "phq9-9 > 0 (Not at all)",
    "determined_from_partial": False,
    "unanswered": [],
    "items": [
        {
            "link_id": "phq9-9",
            "text": "Thoughts that you would be better off dead or of hurting yourself in some way",
            "answered": True,
            "value": 1,
            "label": "Several days",
            "critical": True,
            "met": True,
            "threshold": "> 0 (Not at all)",
        }
    ],
    "scales": [],
}
SELF_HARM_MESSAGE = (
    "PHQ-9 item 9 (thoughts that you would be better off dead or of hurting yourself) was answered "
    '"Several days": possible risk of self-harm, for urgent clinician review whatever the total '
    "score."
)
SELF_HARM_FOLLOW_UP = (
    "Immediate clinician safety assessment: consider a structured suicide-risk assessment (for "
    "example the Columbia-Suicide Severity Rating Scale, C-SSRS) by a qualified clinician, and "
    "follow local crisis procedures."
)
# The PHQ-9 declares no response-quality check (the same answer to all nine items is plausible).
NOT_CHECKED = {"checked": False, "warnings": []}
SELF_HARM_SOURCE = (
    "PHQ-9 item 9 (Kroenke, Spitzer & Williams 2001); any answer above 0 is treated as positive"
)
# What every flag says about itself, saved or previewed (one shape).
FLAG_CORE = {
    "condition": {
        "code": "self-harm-risk",
        "name": "Possible risk of self-harm or suicide (screen, not a diagnosis)",
    },
    "severity": "urgent",
    "rule": "self-harm-risk",
    "source": SELF_HARM_SOURCE,
    "instrument_validated": True,
    "message": SELF_HARM_MESSAGE,
    "determined_from_partial": False,
    "evidence": ITEM9_EVIDENCE,
    "follow_up_instrument": "",
    "follow_up_note": SELF_HARM_FOLLOW_UP,
    "response_quality": NOT_CHECKED,
    "for_clinician_review": True,
}
FLAG = {
    "id": 31,
    "client": 7,
    "screening": 52,
    **FLAG_CORE,
    "follow_up_screening": None,
    "status": "open",
    "reviews": [],
    "created_at": "2026-12-03T10:15:02.481Z",
    "updated_at": "2026-12-03T10:15:02.481Z",
}
SUBMITTED = {
    "id": 52,
    "client": 7,
    "instrument": "phq9",
    "version": "1.0.0",
    "mode": "self_report",
    "status": "completed",
    "revision": 1,
    "supersedes": None,
    "superseded_by": None,
    "status_reason": "",
    "answers": [
        {
            "link_id": answer["link_id"],
            "value": answer["value"],
            "code": PHQ9_LABELS[answer["value"]][0],
            "label": PHQ9_LABELS[answer["value"]][1],
        }
        for answer in PHQ9_ANSWERS
    ],
    # The client's first PHQ-9: nothing earlier to compare with, so `change` is empty.
    "result": {
        "complete": True,
        "missing_items": [],
        "scored_at": "2026-12-03T10:15:02.475Z",
        "scales": [TOTAL],
        "response_quality": NOT_CHECKED,
        "reported_items": [],
        "change": [],
    },
    "flags": [FLAG],
    "created_at": "2026-12-03T10:15:02.475Z",
    "updated_at": "2026-12-03T10:15:02.475Z",
    "submitted_at": "2026-12-03T10:15:02.475Z",
}

ONE_CALL_SUBMIT_REQUEST = OpenApiExample(
    "Screen a client in one call (PHQ-9)",
    request_only=True,
    description="Start, answer and submit at once: the response carries the scores and flags.",
    value={
        "client": 7,
        "instrument": "phq9",
        "mode": "self_report",
        "submit": True,
        "answers": PHQ9_ANSWERS,
    },
)
ONE_CALL_SUBMIT_RESPONSE = OpenApiExample(
    "Scored, with an urgent flag",
    response_only=True,
    status_codes=["201"],
    description="A total of 9 (mild) and, because item 9 was answered above 0, an urgent flag "
    "for clinician review.",
    value=SUBMITTED,
)

FLAG_REVIEW_REQUEST = OpenApiExample(
    "Acknowledge a flag",
    request_only=True,
    value={"status": "acknowledged", "note": "Called the client the same day; safety plan agreed."},
)
FLAG_REVIEW_RESPONSE = OpenApiExample(
    "The flag, acknowledged",
    response_only=True,
    value={
        **FLAG,
        "status": "acknowledged",
        "reviews": [
            {
                "reviewer": "demo-clinician",
                "status": "acknowledged",
                "note": "Called the client the same day; safety plan agreed.",
                "created_at": "2026-12-03T10:41:17.902Z",
            }
        ],
        "updated_at": "2026-12-03T10:41:17.902Z",
    },
)

FOLLOW_UP_REQUEST = OpenApiExample(
    "Start the suggested follow-up",
    request_only=True,
    description="`mode` is optional (default `clinician`).",
    value={"mode": "clinician"},
)
FOLLOW_UP_RESPONSE = OpenApiExample(
    "The follow-up screening, in progress",
    response_only=True,
    status_codes=["201"],
    description="A PC-PTSD-5 flag suggested the PCL-5: an empty PCL-5 screening of the same "
    "client, ready for answers.",
    value={
        "id": 58,
        "client": 7,
        "instrument": "pcl5",
        "version": "1.0.0",
        "mode": "clinician",
        "status": "in_progress",
        "revision": 1,
        "supersedes": None,
        "superseded_by": None,
        "status_reason": "",
        "answers": [],
        "result": None,
        "flags": [],
        "created_at": "2026-12-03T10:44:05.118Z",
        "updated_at": "2026-12-03T10:44:05.118Z",
        "submitted_at": None,
    },
)

SCORE_PREVIEW_REQUEST = OpenApiExample(
    "Preview PHQ-9 answers",
    request_only=True,
    value={"answers": PHQ9_ANSWERS},
)
SCORE_PREVIEW_RESPONSE = OpenApiExample(
    "Scores and flags, nothing saved",
    response_only=True,
    value={
        "instrument": "phq9",
        "version": "1.0.0",
        "result": {
            "instrument": "phq9",
            "version": "1.0.0",
            "checksum": "72c9b8030dba313a672ecd87a52ca65dbc568bc49a231e7aff78e5b85448c986",
            "complete": True,
            "missing_items": [],
            "disabled_items": [],
            "response_quality": NOT_CHECKED,
            "reported_items": [],
            "scales": {"total": TOTAL},
            "flags": [FLAG_CORE],
        },
    },
)

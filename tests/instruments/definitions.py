"""Small instrument definitions for tests of the library's lifecycle."""

import copy


def tiny_definition(code: str = "tiny", version: str = "1.0.0") -> dict:
    """A valid two-item instrument with one band split and one rule."""
    return copy.deepcopy(
        {
            "schema_version": 1,
            "code": code,
            "version": version,
            "title": "Tiny test instrument",
            "short_title": "Tiny",
            "description": "Two items, for tests.",
            "publisher": "Test suite",
            "citation": "None.",
            "licence": "Test data.",
            "validated": False,
            "language": "en",
            "codes": [],
            "option_sets": {
                "freq": [
                    {"code": "never", "label": "Never", "value": 0},
                    {"code": "often", "label": "Often", "value": 1},
                ]
            },
            "items": [
                {"link_id": "t1", "text": "First?", "type": "choice", "options": "freq"},
                {"link_id": "t2", "text": "Second?", "type": "choice", "options": "freq"},
            ],
            "scales": [
                {
                    "id": "total",
                    "title": "Total",
                    "method": "sum",
                    "items": ["t1", "t2"],
                    "missing": {"rule": "refuse"},
                    "bands": [
                        {
                            "min": 0,
                            "max": 1,
                            "code": "low",
                            "label": "Low",
                            "interpretation": "Low.",
                        },
                        {
                            "min": 2,
                            "max": 2,
                            "code": "high",
                            "label": "High",
                            "interpretation": "High.",
                        },
                    ],
                }
            ],
            "rules": [
                {
                    "id": "both",
                    "condition": "anxiety",
                    "severity": "review",
                    "when": {"compare": {"scale": "total", "op": ">=", "value": 2}},
                    "message": "Total {scale:total}: for clinician review (not validated).",
                    "follow_up": None,
                }
            ],
            "examples": [
                {
                    "name": "both often",
                    "answers": {"t1": 1, "t2": 1},
                    "expect": {
                        "scales": {"total": {"score": 2, "band": "high"}},
                        "flags": ["both"],
                    },
                }
            ],
        }
    )

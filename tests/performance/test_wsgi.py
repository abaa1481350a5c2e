"""The WSGI entry point loads the whole app and freezes it out of the garbage collector's way
(docs/performance.md, "Garbage collection")."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import gc, json, sys; import config.wsgi; "
    "print(json.dumps({'frozen': gc.get_freeze_count(), "
    "'urls_loaded': 'config.urls' in sys.modules, "
    "'views_loaded': 'screening.api.screenings' in sys.modules}))"
)


def test_loading_the_wsgi_application_imports_the_urls_and_freezes_the_loaded_objects():
    # A production server needs its audit signing key (config/audit_startup.py).
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "AUDIT_SIGNING_KEY": base64.b64encode(bytes(range(32))).decode(),
    }
    output = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    probe = json.loads(output.strip().splitlines()[-1])
    assert probe["urls_loaded"]
    assert probe["views_loaded"]
    # Tens of thousands of objects (Django, DRF, the schema machinery): the collector's full
    # passes no longer walk them.
    assert probe["frozen"] > 10_000

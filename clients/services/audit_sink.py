"""Checkpoints leave the database: a log line on stdout and a line appended to a file.

A database administrator can rewrite the database, checkpoints included; they cannot rewrite
what already left it. Production points AUDIT_CHECKPOINT_FILE at storage the database's
administrators cannot change (docs/security.md shows S3 Object Lock), or ships the log line to
such storage. `verify_audit --checkpoints FILE` checks the chain against the file.
"""

import logging
import os
from pathlib import Path

from django.conf import settings

from clients.services.audit_chain import Checkpoint

logger = logging.getLogger("audit.checkpoint")


def checkpoint_publish(checkpoint: Checkpoint) -> None:
    """Write one checkpoint to every sink. Called after the checkpoint's transaction commits, so
    a sink never holds a checkpoint the database rolled back."""
    line = checkpoint.to_json()
    logger.info("audit checkpoint %s", line)
    path = settings.AUDIT_CHECKPOINT_FILE
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: each line lands at the end whatever else writes the file; fsync so that a
        # checkpoint the log announced is on disk too.
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, (line + "\n").encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def checkpoints_read(path: str) -> list[Checkpoint]:
    """An exported checkpoint file (one JSON line each, as the sink writes them), or the log's
    lines (anything before the JSON is skipped). ValueError names the first bad line."""
    checkpoints = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if not text:
                continue
            start = text.find("{")
            try:
                checkpoints.append(Checkpoint.from_json(text[start:] if start >= 0 else text))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}, line {number}: not a checkpoint ({exc})") from None
    return checkpoints

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand

from config.signing_keys import key_id, private_key_from_file, public_bytes


class Command(BaseCommand):
    help = (
        "Write a new Ed25519 audit signing key to FILE (PEM, mode 0600) unless FILE exists; "
        "print its key id and public key (base64, for AUDIT_VERIFY_KEYS after a rotation)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if path.exists():
            key = private_key_from_file(str(path))
            action = "Kept"
        else:
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(pem)
            action = "Wrote"
        public = base64.b64encode(public_bytes(key.public_key())).decode()
        self.stdout.write(
            f"{action} audit signing key {path} (key id {key_id(key.public_key())}, "
            f"public key {public})"
        )

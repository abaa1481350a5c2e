"""Reading the audit trail's Ed25519 keys from the environment (used by config/settings.py).

The private key signs the audit checkpoints; it must not live in the database it vouches for. It
comes from `AUDIT_SIGNING_KEY` (the 32-byte private key, base64) or `AUDIT_SIGNING_KEY_FILE` (a
PEM PKCS#8 file, as `openssl genpkey -algorithm ed25519` or `manage.py audit_keygen` writes).
Retired keys' public keys stay readable for verification in `AUDIT_VERIFY_KEYS`. Any value that
is not a valid key stops the start with ImproperlyConfigured naming the variable.
"""

import base64
import binascii
import hashlib
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured

RAW_KEY_BYTES = 32


def _raw(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name} is not base64.") from None
    if len(raw) != RAW_KEY_BYTES:
        raise ImproperlyConfigured(
            f"{name} is {len(raw)} bytes once decoded; an Ed25519 key is {RAW_KEY_BYTES}."
        )
    return raw


def private_key_from_base64(value: str, name: str = "AUDIT_SIGNING_KEY") -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_raw(value, name))


def private_key_from_file(path: str, name: str = "AUDIT_SIGNING_KEY_FILE") -> Ed25519PrivateKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}={path!r} cannot be read: {exc.strerror}.") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ImproperlyConfigured(
            f"{name}={path!r} is not an unencrypted PEM private key."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{name}={path!r} is not an Ed25519 key.")
    return key


def public_key_from_base64(value: str, name: str = "AUDIT_VERIFY_KEYS") -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_raw(value, name))


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_bytes(key)).hexdigest()[:16]


def signing_key_from_environment(environ) -> Ed25519PrivateKey | None:
    inline = environ.get("AUDIT_SIGNING_KEY", "")
    path = environ.get("AUDIT_SIGNING_KEY_FILE", "")
    if inline and path:
        raise ImproperlyConfigured(
            "Set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE, not both: which one signs?"
        )
    if inline:
        return private_key_from_base64(inline)
    if path:
        return private_key_from_file(path)
    return None

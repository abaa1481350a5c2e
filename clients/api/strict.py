"""Reject request fields a serializer does not know, instead of silently dropping them.

DRF ignores unknown keys, so a typo (`famly_name`) or a field from another API version looks like a
success while nothing was saved. Clinical data should not be lost that quietly.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

UNKNOWN_FIELD = "Unknown field."


# Put the mixin first in the bases of a Serializer: unknown keys are a 400 naming each one.
# `server_owned_fields` are accepted and ignored (`id`, `created_at`, ...), so a client may send
# back what it read; read-only fields of the serializer itself are accepted the same way. Errors of
# unknown fields are reported together with the serializer's own field errors. Nested serializers
# that use the mixin report their unknown keys under their path (`identifiers.0.x`).
# (Comments, not a docstring: drf-spectacular would show a mixin's docstring as the description of
# every serializer that has none of its own.)
class StrictFieldsMixin:
    server_owned_fields: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        unknown = {}
        if isinstance(data, Mapping):
            known = set(self.fields) | set(self.server_owned_fields)
            unknown = {key: [UNKNOWN_FIELD] for key in data if key not in known}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

"""Serializer fields every app's API shares."""

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def plain_number(value: Any) -> int | float | None:
    """A score as JSON shows it: 13, not 13.0; 2.5 stays 2.5."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A read-only number rendered as an integer when it is whole (`FloatField` gives 13.0)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> int | float | None:
        return plain_number(value)


def choice_values(choices: dict) -> str:
    """The values a caller may send, as an error message lists them."""
    return ", ".join(str(value) for value in choices)


class ChoiceField(serializers.ChoiceField):
    """DRF's ChoiceField whose error for a value that is no choice lists the valid ones.

    Every serializer uses this one (tests/foundation/test_choice_errors.py fails on DRF's own), so
    a caller who sends `"reviewed"` learns it should have been `acknowledged` or `dismissed`."""

    default_error_messages = {
        "invalid_choice": '"{input}" is not a valid choice. Valid choices: {choices}.',
    }

    def fail(self, key: str, **kwargs: Any) -> None:
        if key == "invalid_choice":
            kwargs.setdefault("choices", choice_values(self.choices))
        super().fail(key, **kwargs)

"""Query-parameter filters every app's API shares."""

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import ChoiceField as FilterChoiceField

from config.fields import choice_values


class ListingChoiceField(FilterChoiceField):
    """A filter's choice field whose error for a value that is no choice lists the valid ones."""

    def validate(self, value: object) -> None:
        try:
            super().validate(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            valid = choice_values(dict(self.choices))
            raise ValidationError(
                "%(value)s is not a valid choice. Valid choices: %(choices)s.",
                code="invalid_choice",
                params={"value": value, "choices": valid},
            ) from None


class ChoiceFilter(django_filters.ChoiceFilter):
    """django-filter's ChoiceFilter with `ListingChoiceField`; every filter set uses this one."""

    field_class = ListingChoiceField

"""The knowledge base in the Django admin, for instrument admins.

Entries come from the data files (`load_library`), so there is no add and no delete here: an edit
corrects an existing entry, through the service that validates citations and writes the audit
row. The files remain the source of truth: the next load restores their text and reports the entry
as updated (see content.services.entries).
"""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms.fields import InvalidJSONInput

from content.models import (
    Approach,
    Comparison,
    Condition,
    ContentEntry,
    Domain,
    Impact,
    Indicator,
    Origin,
    Source,
)
from content.services.entries import content_entry_update, entry_errors


class ContentAdminAccess:
    """Instrument admins (and superusers) only, as for the instrument library.

    The same rule as `screening.admin_access.InstrumentAdminAccess`, restated here because the
    content app must not import the screening app (which depends on it).
    """

    def _allowed(self, request) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or user.is_instrument_admin))

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:
        # New entries belong in content/data/, where the originality tests check them; an entry
        # added here would be retired by the next load, which knows only the files.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Screenings and flags name entries by code: entries are retired through the files.
        return False


class PrettyJSONField(forms.JSONField):
    """JSON shown indented, with non-ASCII text (curly quotes in headings) as itself."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


class ContentEntryForm(forms.ModelForm):
    """Checks citations and lists the way the service does, so errors show on the form."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        checked = {
            name: cleaned[name] for name in ("citations", "examples", "sections") if name in cleaned
        }
        for name, messages in entry_errors(self._meta.model, checked).items():
            self.add_error(name, messages)
        return cleaned


class RetiredFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (("current", "Current"), ("retired", "Retired (left the data files)"))

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "current":
            return queryset.filter(retired_at__isnull=True)
        if self.value() == "retired":
            return queryset.filter(retired_at__isnull=False)
        return queryset


class ContentAdmin(ContentAdminAccess, admin.ModelAdmin):
    form = ContentEntryForm
    formfield_overrides = {
        models.JSONField: {
            "form_class": PrettyJSONField,
            "widget": forms.Textarea(attrs={"rows": 12, "cols": 100}),
        }
    }
    readonly_fields = ("code", "retired_at", "updated_at")
    list_filter = (RetiredFilter, "sources")
    list_per_page = 100

    def save_model(self, request, obj: ContentEntry, form, change: bool) -> None:
        # Through the service: validated, `sources` kept in step with citations, audited. It
        # saves the many-to-many fields too, hence the empty save_related below.
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        content_entry_update(entry=obj, changes=changes, actor=request.user)

    def save_related(self, request, form, formsets, change: bool) -> None:
        pass


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ("code", "title", "label", "publisher", "date", "retired_at")
    search_fields = ("code", "title", "label", "publisher", "author")
    list_filter = (RetiredFilter,)


@admin.register(Domain)
class DomainAdmin(ContentAdmin):
    list_display = ("code", "name", "retired_at")
    search_fields = ("code", "name", "description")


@admin.register(Indicator)
class IndicatorAdmin(ContentAdmin):
    list_display = ("code", "name", "domain", "retired_at")
    list_select_related = ("domain",)
    search_fields = ("code", "name", "description")
    list_filter = (RetiredFilter, "domain", "sources")


@admin.register(Condition)
class ConditionAdmin(ContentAdmin):
    list_display = ("code", "name", "follow_up_instrument", "retired_at")
    search_fields = ("code", "name", "relation", "distinguishing", "follow_up_note")
    filter_horizontal = ("indicators",)


@admin.register(Origin)
class OriginAdmin(ContentAdmin):
    list_display = ("code", "name", "retired_at")
    search_fields = ("code", "name", "description")
    filter_horizontal = ("indicators",)


@admin.register(Impact)
class ImpactAdmin(ContentAdmin):
    list_display = ("code", "name", "retired_at")
    search_fields = ("code", "name", "description")
    filter_horizontal = ("indicators",)


@admin.register(Comparison)
class ComparisonAdmin(ContentAdmin):
    list_display = ("code", "aspect", "retired_at")
    search_fields = ("code", "aspect", "healthy", "hyper")


@admin.register(Approach)
class ApproachAdmin(ContentAdmin):
    list_display = ("code", "name", "type", "retired_at")
    search_fields = ("code", "name", "description")
    list_filter = (RetiredFilter, "type", "sources")
    filter_horizontal = ("indicators",)

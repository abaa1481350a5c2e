import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from config.errors import Conflict
from screening.admin_access import InstrumentAdminAccess
from screening.models import Instrument, InstrumentVersion, VersionStatus
from screening.services.instruments import (
    definition_errors,
    instrument_version_create,
    instrument_version_publish,
    instrument_version_retire,
    instrument_version_update,
)


@admin.register(Instrument)
class InstrumentAdmin(InstrumentAdminAccess, admin.ModelAdmin):
    list_display = ("code", "title", "created_at")
    search_fields = ("code", "title")
    readonly_fields = ("code", "created_at")

    def has_add_permission(self, request) -> bool:
        # Instruments come into being by importing a first version (below, or the API).
        return False


class InstrumentVersionForm(forms.ModelForm):
    definition = forms.JSONField(widget=forms.Textarea(attrs={"rows": 40, "cols": 120}))

    class Meta:
        model = InstrumentVersion
        fields = ("definition",)

    def clean_definition(self):
        definition = self.cleaned_data["definition"]
        errors = definition_errors(definition)
        if errors:
            raise ValidationError(
                [
                    f"{path}: {message}"
                    for path, messages_ in errors.items()
                    for message in messages_
                ]
            )
        return definition


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(InstrumentAdminAccess, admin.ModelAdmin):
    form = InstrumentVersionForm
    list_display = ("instrument", "version", "status", "published_at", "checksum")
    list_filter = ("status", "instrument")
    actions = ("publish", "retire", "new_version")

    def get_readonly_fields(self, request, obj=None):
        base = (
            "instrument",
            "version",
            "status",
            "checksum",
            "created_at",
            "published_at",
            "retired_at",
            "created_by",
        )
        if obj is not None and obj.is_frozen:
            return (*base, "pretty_definition")
        return base

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return self.get_readonly_fields(request, obj)
        return ("definition", *self.get_readonly_fields(request, obj))

    @admin.display(description="definition")
    def pretty_definition(self, obj: InstrumentVersion) -> str:
        return json.dumps(obj.definition, indent=2, ensure_ascii=False)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Edits go through the service so they are validated, frozen-checked and audited.
        instrument_version_update(
            version=obj, definition=form.cleaned_data["definition"], actor=request.user
        )

    def _run(self, request, queryset, service, done: str) -> None:
        for version in queryset:
            try:
                service(version=version, actor=request.user)
            except (Conflict, ValidationError) as exc:
                self.message_user(request, f"{version}: {exc}", level=messages.ERROR)
            else:
                self.message_user(request, f"{version}: {done}.")

    @admin.action(description="Publish the selected drafts (freezes them)")
    def publish(self, request, queryset):
        self._run(
            request,
            queryset.filter(status=VersionStatus.DRAFT),
            instrument_version_publish,
            "published",
        )

    @admin.action(description="Retire the selected published versions")
    def retire(self, request, queryset):
        self._run(request, queryset, instrument_version_retire, "retired")

    @admin.action(description="Start a new draft (a copy of the newest version) of each instrument")
    def new_version(self, request, queryset):
        for version in queryset.select_related("instrument"):
            try:
                draft = instrument_version_create(instrument=version.instrument, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {exc}", level=messages.ERROR)
            else:
                self.message_user(request, f"New draft {draft}.")

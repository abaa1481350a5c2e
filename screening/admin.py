from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote

from config.errors import DomainError
from screening.admin_access import InstrumentAdminAccess
from screening.admin_editor import (
    EDITOR_MEDIA,
    InstrumentVersionForm,
    definition_view,
    pretty,
    preview_context,
)
from screening.models import Instrument, InstrumentVersion, VersionStatus
from screening.services.instruments import (
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


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(InstrumentAdminAccess, admin.ModelAdmin):
    form = InstrumentVersionForm
    list_display = ("instrument", "version", "status", "published_at", "checksum")
    list_filter = ("status", "instrument")
    actions = ("publish", "retire", "new_version")
    # The change page adds the score preview below the form.
    change_form_template = "admin/screening/instrumentversion/change_form.html"
    VERSION_FIELDS = (
        "instrument",
        "version",
        "status",
        "checksum",
        "created_at",
        "published_at",
        "retired_at",
        "created_by",
    )

    @property
    def media(self) -> forms.Media:
        return super().media + EDITOR_MEDIA

    def get_readonly_fields(self, request, obj=None):
        return self.VERSION_FIELDS

    def get_fieldsets(self, request, obj=None):
        # The definition (editor, readable rendering, JSON) is laid out full width by the
        # change-form template, not in the label-and-value rows of a fieldset.
        return ((None, {"fields": self.VERSION_FIELDS}),)

    def get_form(self, request, obj=None, change=False, **kwargs):
        frozen = obj is not None and obj.is_frozen
        kwargs["fields"] = () if frozen else ("definition",)
        return super().get_form(request, obj, change, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if version is not None and self.has_view_permission(request, version):
            extra["definition"] = {
                "frozen": version.is_frozen,
                "view": definition_view(version.definition),
                "json": pretty(version.definition),
            }
            extra["preview"] = preview_context(version, request.GET)
        return super().change_view(request, object_id, form_url, extra)

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
            except DomainError as exc:
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
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc}", level=messages.ERROR)
            else:
                self.message_user(request, f"New draft {draft}.")

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError as DjangoValidationError

from clients.models import (
    ApiToken,
    AuditEvent,
    Client,
    ClientIdentifier,
    Membership,
    Organization,
    SafetySettings,
    User,
)
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from clients.services.safety import FIELDS as UPDATABLE
from clients.services.safety import safety_settings_clean, safety_settings_update


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "email", "is_instrument_admin", "is_staff", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Screening roles", {"fields": ("is_instrument_admin",)}),
    )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "created_at")
    search_fields = ("slug", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are issued with `manage.py issue_token` or the API, never typed in."""

    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    readonly_fields = list_display
    exclude = ("digest",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "action",
        "actor_label",
        "organization",
        "object_type",
        "object_id",
        "outcome",
    )
    list_filter = ("action", "outcome")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ClientIdentifierInline(admin.TabularInline):
    model = ClientIdentifier
    fields = ("system", "value")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    """Read-only, for superusers: client records change through the API, which audits them.

    The list shows no names or birth dates, and opening a record writes an audit event, so the
    admin is not a way around the audit trail or the organization boundary.
    """

    list_display = ("id", "organization", "active", "created_at", "updated_at")
    list_filter = ("active",)
    list_select_related = ("organization",)
    inlines = [ClientIdentifierInline]
    fields = (
        "organization",
        "given_name",
        "family_name",
        "birth_date",
        "administrative_sex",
        "pronouns",
        "active",
        "care_team",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        client = self.get_object(request, object_id)
        # Only a record actually shown is a read; a refused request shows nothing.
        if client is not None and self.has_view_permission(request, client):
            audit_record(
                actor=request.user,
                organization=client.organization,
                action=AuditAction.READ,
                object_type="client",
                object_id=client.pk,
                client_ids=[client.pk],
                detail={"via": "admin"},
            )
        return super().change_view(request, object_id, form_url, extra_context)


class SafetySettingsForm(forms.ModelForm):
    class Meta:
        model = SafetySettings
        fields = ("organization", *UPDATABLE)

    def clean(self):
        cleaned = super().clean()
        try:
            safety_settings_clean({f: cleaned[f] for f in UPDATABLE if f in cleaned})
        except DjangoValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


@admin.register(SafetySettings)
class SafetySettingsAdmin(admin.ModelAdmin):
    """Saved through `safety_settings_update`, so a change here is checked and audited as one
    through the API is."""

    form = SafetySettingsForm
    list_display = ("organization", "escalation_delay_minutes", "updated_at", "updated_by")
    fields = (
        "organization",
        "crisis_text",
        "on_call_emails",
        "escalation_emails",
        "escalation_delay_minutes",
        "escalation_interval_minutes",
    )

    def get_readonly_fields(self, request, obj=None):
        return ("organization",) if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        changes = {f: form.cleaned_data[f] for f in UPDATABLE if f in form.cleaned_data}
        saved = safety_settings_update(
            organization=obj.organization, actor=request.user, changes=changes
        )
        obj.pk = saved.pk

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from clients.models import (
    ApiToken,
    AuditEvent,
    Membership,
    Organization,
    SafetySettings,
    User,
)
from clients.services.members import (
    membership_save,
    organization_create,
    organization_update,
    user_save,
)
from clients.services.safety import FIELDS as UPDATABLE
from clients.services.safety import safety_settings_clean, safety_settings_update
from config.errors import InvalidInput

# Client records are not in the Django admin (issue 14): clinical data belongs to the clinical
# interfaces (REST, FHIR, the console), whose selectors start from the caller's organization, check
# the caller's role and audit every read. The admin's changelist filters and search let a
# superuser enumerate names and birth dates with no audit row; auditing every admin page instead
# would still leave a second, superuser-only way into clinical data. See docs/security.md.
#
# Every write below goes through the services, so a new member, a role change, an account or an
# organization changed here leaves the same audit row as one made any other way.


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

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are deactivated (is_active), not deleted: the audit trail names them.
        return False

    def save_model(self, request, obj, form, change) -> None:
        user_save(user=obj, actor=request.user, changed=list(form.changed_data))

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for membership in formset.save(commit=False):
            membership_save(membership=membership, actor=request.user)
        return None


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "created_at")
    search_fields = ("slug", "name")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an organization holds client records and an audit trail

    def save_model(self, request, obj, form, change) -> None:
        if change:
            organization_update(
                organization=obj, actor=request.user, changed=list(form.changed_data)
            )
            return
        created = organization_create(slug=obj.slug, name=obj.name, actor=request.user)
        obj.pk = created.pk
        obj.created_at = created.created_at


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

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked through the API (audited), never deleted


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


class SafetySettingsForm(forms.ModelForm):
    class Meta:
        model = SafetySettings
        fields = ("organization", *UPDATABLE)

    def clean(self):
        cleaned = super().clean()
        try:
            safety_settings_clean({f: cleaned[f] for f in UPDATABLE if f in cleaned})
        except InvalidInput as exc:
            for field, errors in exc.fields.items():
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

"""Creating organizations and their members."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from clients.access import AuditObject
from clients.models import Membership, Organization, Role, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record
from config.errors import InvalidInput

INSTRUMENT_ADMIN = "instrument_admin"


def organization_create(*, slug: str, name: str, actor: User | None) -> Organization:
    with transaction.atomic():
        organization = Organization.objects.create(slug=slug, name=name)
        audit_record(
            actor=actor,
            organization=organization,
            action=AuditAction.CREATE,
            object_type=AuditObject.ORGANIZATION,
            object_id=organization.pk,
        )
    return organization


def user_create(
    *,
    username: str,
    role: str,
    organization: Organization | None,
    password: str | None,
    actor: User | None,
) -> User:
    """Create a member (`clinician`, `org_admin`, `integration`) or a global instrument admin."""
    if role != INSTRUMENT_ADMIN and role not in Role.values:
        raise ValueError(f"Unknown role {role!r}.")
    if role == INSTRUMENT_ADMIN and organization is not None:
        raise ValueError("Instrument admins are global; they belong to no organization.")
    if role != INSTRUMENT_ADMIN and organization is None:
        raise ValueError(f"The role {role!r} needs an organization.")
    with transaction.atomic():
        user = User(username=username)
        if role == INSTRUMENT_ADMIN:
            # Instrument admins curate the library in the Django admin, so they are staff.
            user.is_instrument_admin = True
            user.is_staff = True
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        if role != INSTRUMENT_ADMIN:
            Membership.objects.create(user=user, organization=organization, role=role)
        audit_record(
            actor=actor,
            organization=organization,
            action=AuditAction.CREATE,
            object_type=AuditObject.USER,
            object_id=user.pk,
            detail={"username": username, "role": role},
        )
    return user


def user_set_password(*, user: User, password: str, actor: User | None) -> User:
    """Give `user` a new password (checked by the password validators), audited without it.

    For getting back in when a password is lost (`manage.py set_password`): the demo accounts'
    is shown only once."""
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:  # Django's validators speak Django's error
        raise InvalidInput(fields={"password": list(exc.messages)}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        membership = getattr(user, "membership", None)
        audit_record(
            actor=actor,
            organization=membership.organization if membership else None,
            action=AuditAction.UPDATE,
            object_type=AuditObject.USER,
            object_id=user.pk,
            detail={"username": user.username, "changed": ["password"]},
        )
    return user


def _membership_of(user: User) -> Membership | None:
    return Membership.objects.filter(user=user).select_related("organization").first()


def user_save(*, user: User, actor: User | None, changed: list[str]) -> User:
    """Save an account prepared by an operator's form (the Django admin): a new one, or the
    `changed` fields of an existing one, in one transaction with its audit row. The password
    is never in the row, only that it changed."""
    created = user.pk is None
    with transaction.atomic():
        user.save()
        membership = None if created else _membership_of(user)
        audit_record(
            actor=actor,
            organization=membership.organization if membership else None,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            object_type=AuditObject.USER,
            object_id=user.pk,
            detail={"username": user.username, "changed": sorted(changed)},
        )
    return user


def membership_save(*, membership: Membership, actor: User | None) -> Membership:
    """Add a user to an organization with a role, or change their role (or organization), with
    an audit row naming the change. A new member is audited in the organization they join; a
    move also in the one they leave, so each organization's trail shows it."""
    with transaction.atomic():
        before = (
            Membership.objects.select_for_update()
            .select_related("organization")
            .filter(pk=membership.pk)
            .first()
            if membership.pk
            else None
        )
        membership.save()
        detail = {"username": membership.user.username, "role": membership.role}
        if before is None:
            audit_record(
                actor=actor,
                organization=membership.organization,
                action=AuditAction.CREATE,
                object_type=AuditObject.MEMBERSHIP,
                object_id=membership.pk,
                detail=detail,
            )
            return membership
        if before.role == membership.role and before.organization_id == membership.organization_id:
            return membership
        detail["previous_role"] = before.role
        if before.organization_id != membership.organization_id:
            detail["previous_organization"] = before.organization.slug
            audit_record(
                actor=actor,
                organization=before.organization,
                action=AuditAction.UPDATE,
                object_type=AuditObject.MEMBERSHIP,
                object_id=membership.pk,
                detail={**detail, "left": True},
            )
        audit_record(
            actor=actor,
            organization=membership.organization,
            action=AuditAction.UPDATE,
            object_type=AuditObject.MEMBERSHIP,
            object_id=membership.pk,
            detail=detail,
        )
    return membership


def organization_update(*, organization: Organization, actor: User | None, changed: list[str]):
    """Save an organization's changed fields (name, slug) with an audit row naming them."""
    with transaction.atomic():
        organization.save()
        audit_record(
            actor=actor,
            organization=organization,
            action=AuditAction.UPDATE,
            object_type=AuditObject.ORGANIZATION,
            object_id=organization.pk,
            detail={"changed": sorted(changed)},
        )
    return organization

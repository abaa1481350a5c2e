"""Creating organizations and their members."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from clients.models import Membership, Organization, Role, User
from clients.models.audit import AuditAction
from clients.services.audit import audit_record

INSTRUMENT_ADMIN = "instrument_admin"


def organization_create(*, slug: str, name: str, actor: User | None) -> Organization:
    with transaction.atomic():
        organization = Organization.objects.create(slug=slug, name=name)
        audit_record(
            actor=actor,
            organization=organization,
            action=AuditAction.CREATE,
            object_type="organization",
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
            object_type="user",
            object_id=user.pk,
            detail={"username": username, "role": role},
        )
    return user


def user_set_password(*, user: User, password: str, actor: User | None) -> User:
    """Give `user` a new password (checked by the password validators), audited without it.

    For getting back in when a password is lost (`manage.py set_password`): the demo accounts'
    is shown only once."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        membership = getattr(user, "membership", None)
        audit_record(
            actor=actor,
            organization=membership.organization if membership else None,
            action=AuditAction.UPDATE,
            object_type="user",
            object_id=user.pk,
            detail={"username": user.username, "changed": ["password"]},
        )
    return user

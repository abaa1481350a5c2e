"""Role requirements, declared on views (`required_roles = (Role.CLINICIAN, ...)`)."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from clients.models import Membership, Organization, Role

ALL_MEMBER_ROLES = tuple(Role)


def request_membership(request: Request) -> Membership | None:
    user = request.user
    if not user or not user.is_authenticated:
        return None
    return getattr(user, "membership", None)


def request_organization(request: Request) -> Organization:
    """The one organization this request acts in. Views behind OrganizationRole always have one."""
    membership = request_membership(request)
    if membership is None:
        raise PermissionError("The request has no organization; OrganizationRole must guard it.")
    return membership.organization


class OrganizationRole(BasePermission):
    """The caller is a member of an organization with one of the view's `required_roles`."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view) -> bool:
        membership = request_membership(request)
        if membership is None:
            return False
        required = getattr(view, "required_roles", ALL_MEMBER_ROLES)
        return membership.role in required


class IsInstrumentAdmin(BasePermission):
    message = "Only instrument admins may change the instrument library."

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_instrument_admin)

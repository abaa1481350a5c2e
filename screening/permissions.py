from rest_framework.permissions import SAFE_METHODS, BasePermission

from clients.permissions import request_membership


class LibraryAccess(BasePermission):
    """Members of any organization read the published library; instrument admins change it."""

    message = "Only instrument admins may change the instrument library."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_instrument_admin:
            return True
        read_only = request.method in SAFE_METHODS or getattr(view, "read_only_post", False)
        return read_only and request_membership(request) is not None

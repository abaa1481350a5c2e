"""Django admin access for the shared library: instrument admins (and superusers) only."""


class InstrumentAdminAccess:
    """Mixin for ModelAdmins of library models (instruments, content)."""

    def _allowed(self, request) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or user.is_instrument_admin))

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

from clients.models.audit import AuditEvent
from clients.models.organization import Membership, Organization, Role
from clients.models.token import ApiToken
from clients.models.user import User

__all__ = ["ApiToken", "AuditEvent", "Membership", "Organization", "Role", "User"]

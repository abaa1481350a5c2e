from clients.models.audit import AuditEvent
from clients.models.client import AdministrativeSex, Client, ClientIdentifier
from clients.models.organization import Membership, Organization, Role
from clients.models.safety import SafetySettings
from clients.models.token import ApiToken
from clients.models.user import User

__all__ = [
    "AdministrativeSex",
    "ApiToken",
    "AuditEvent",
    "Client",
    "ClientIdentifier",
    "Membership",
    "Organization",
    "Role",
    "SafetySettings",
    "User",
]

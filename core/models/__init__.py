"""Domain models, one module per part of the domain; Tortoise loads them all from here."""

from core.models.audit import AuditLog
from core.models.channels import Channel, ChannelIdentity, Consent, ConsentPurpose
from core.models.crm import Interaction, InteractionKind
from core.models.parties import Carrier, Client, ClientKind, ContactPerson
from core.models.staff import Employee, Role, StaffInvite

__all__ = [
    "AuditLog",
    "Carrier",
    "Channel",
    "ChannelIdentity",
    "Client",
    "ClientKind",
    "Consent",
    "ConsentPurpose",
    "ContactPerson",
    "Employee",
    "Interaction",
    "InteractionKind",
    "Role",
    "StaffInvite",
]

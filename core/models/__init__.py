"""Domain models, one module per part of the domain; Tortoise loads them all from here."""

from core.models.audit import AuditLog
from core.models.channels import (
    Channel,
    ChannelIdentity,
    Consent,
    ConsentPurpose,
    ConsentState,
)
from core.models.company import Company, MarketingSource, Tag
from core.models.crm import Interaction, InteractionKind
from core.models.locations import Location, LocationKind
from core.models.network import Lane, PriceList, Tariff, TransportMode, Zone
from core.models.parties import Carrier, Client, ClientKind, ContactPerson
from core.models.sales import (
    Order,
    Quote,
    QuoteReminder,
    QuoteRequest,
    RefusalReason,
    ReminderRecipient,
    RequestState,
)
from core.models.security import ApiKey, LoginAttempt, PanelSession
from core.models.shipments import (
    DocumentKind,
    EventSource,
    NotificationState,
    Shipment,
    ShipmentDocument,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentNotice,
    ShipmentStatus,
)
from core.models.staff import Employee, Role, StaffInvite
from core.models.webhooks import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from core.models.workspace import (
    CannedReply,
    ContactSubject,
    Plan,
    RelaySession,
    RelayState,
    StaffReminder,
    StaffReminderKind,
    Task,
    TaskKind,
)

__all__ = [
    "ApiKey",
    "AuditLog",
    "CannedReply",
    "Carrier",
    "Channel",
    "ChannelIdentity",
    "Client",
    "ClientKind",
    "Company",
    "Consent",
    "ConsentPurpose",
    "ConsentState",
    "ContactPerson",
    "ContactSubject",
    "DeliveryState",
    "DocumentKind",
    "Employee",
    "EventSource",
    "Interaction",
    "InteractionKind",
    "Lane",
    "Location",
    "LocationKind",
    "LoginAttempt",
    "MarketingSource",
    "NotificationState",
    "Order",
    "PanelSession",
    "Plan",
    "PriceList",
    "Quote",
    "QuoteReminder",
    "QuoteRequest",
    "RefusalReason",
    "RelaySession",
    "RelayState",
    "ReminderRecipient",
    "RequestState",
    "Role",
    "Shipment",
    "ShipmentDocument",
    "ShipmentEvent",
    "ShipmentLeg",
    "ShipmentNotice",
    "ShipmentStatus",
    "StaffInvite",
    "StaffReminder",
    "StaffReminderKind",
    "Tag",
    "Tariff",
    "Task",
    "TaskKind",
    "TransportMode",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Zone",
]

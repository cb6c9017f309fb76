"""Who is acting and what they may do: the one place where roles become permissions.

The bot, the web panel and the JSON API all turn their caller into an Actor and ask it
`can(permission)`; services call `require` again, so a new entry point cannot skip the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import PermissionDenied
from core.i18n import N_
from core.models import Role


class ActorKind(StrEnum):
    ANONYMOUS = "anonymous"
    CLIENT = "client"
    STAFF = "staff"
    # A system calling the JSON API with a key; it acts with the key's role.
    INTEGRATION = "integration"


class Permission(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_CLIENTS = "view_clients"
    EDIT_CLIENTS = "edit_clients"
    MERGE_CLIENTS = "merge_clients"
    EXPORT_CLIENTS = "export_clients"
    VIEW_CARRIERS = "view_carriers"
    EDIT_CARRIERS = "edit_carriers"
    LOG_INTERACTIONS = "log_interactions"
    MANAGE_STAFF = "manage_staff"
    MANAGE_COMPANY = "manage_company"
    MANAGE_CHANNELS = "manage_channels"
    MANAGE_SOURCES = "manage_sources"
    MANAGE_INTEGRATIONS = "manage_integrations"
    VIEW_AUDIT = "view_audit"
    # Locations, lanes and transfers: the transport network quotes are priced over.
    MANAGE_NETWORK = "manage_network"
    MAKE_QUOTES = "make_quotes"
    # Price lists are client contracts: who sets prices, and sees the clients they belong to.
    MANAGE_PRICES = "manage_prices"
    USE_STAFF_MENU = "use_staff_menu"
    # Tasks: a manager works their own; management sets plans and marks the quality of work.
    WORK_TASKS = "work_tasks"
    MANAGE_PLANS = "manage_plans"
    # Seeing what a colleague did (their tasks, contacts and audit entries).
    VIEW_TEAM_ACTIVITY = "view_team_activity"
    # The company's contact subjects and canned replies for live chats.
    MANAGE_WORKSPACE = "manage_workspace"
    # Shipments: seeing them (a carrier only its own, never the client's prices), moving
    # them and assigning carriers, and reporting events (carriers too).
    VIEW_SHIPMENTS = "view_shipments"
    MANAGE_SHIPMENTS = "manage_shipments"
    REPORT_SHIPMENT_EVENTS = "report_shipment_events"
    # The optional second factor (TOTP) at sign-in.
    USE_TOTP = "use_totp"
    # Mailings: audiences, templates and campaigns. A manager or head of sales reaches
    # only the clients they see; marketers, director and admin reach everyone.
    SEND_MAILINGS = "send_mailings"
    # Reports: each report names the roles that may open it (core/services/reports); a
    # manager sees their own figures, a head of sales their team's.
    VIEW_REPORTS = "view_reports"


A, D, H, M = Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SALES, Role.MANAGER
DIS, ACC, MKT = Role.DISPATCHER, Role.ACCOUNTANT, Role.MARKETER
CAR = Role.CARRIER
# The company's own people; a carrier's people are outsiders with one narrow door.
_ALL_STAFF = frozenset(Role) - {CAR}
_GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_DASHBOARD: _ALL_STAFF,
    Permission.VIEW_CLIENTS: frozenset({A, D, H, M, MKT, ACC}),
    Permission.EDIT_CLIENTS: frozenset({A, D, H, M}),
    Permission.MERGE_CLIENTS: frozenset({A, D, H}),
    Permission.EXPORT_CLIENTS: frozenset({A, D, H, MKT}),
    Permission.VIEW_CARRIERS: frozenset({A, D, H, M, DIS, ACC}),
    Permission.EDIT_CARRIERS: frozenset({A, D, DIS}),
    Permission.LOG_INTERACTIONS: frozenset({A, D, H, M}),
    Permission.MANAGE_STAFF: frozenset({A, D}),
    Permission.MANAGE_COMPANY: frozenset({A, D}),
    Permission.MANAGE_CHANNELS: frozenset({A}),
    Permission.MANAGE_SOURCES: frozenset({A, D, MKT}),
    Permission.MANAGE_INTEGRATIONS: frozenset({A}),
    Permission.VIEW_AUDIT: frozenset({A, D}),
    Permission.MANAGE_NETWORK: frozenset({A, D, DIS}),
    Permission.MAKE_QUOTES: frozenset({A, D, H, M}),
    Permission.MANAGE_PRICES: frozenset({A, D, H}),
    Permission.USE_STAFF_MENU: _ALL_STAFF | {CAR},
    Permission.WORK_TASKS: frozenset({A, D, H, M}),
    Permission.MANAGE_PLANS: frozenset({A, D, H}),
    Permission.VIEW_TEAM_ACTIVITY: frozenset({A, D, H}),
    Permission.MANAGE_WORKSPACE: frozenset({A, D, H}),
    Permission.VIEW_SHIPMENTS: frozenset({A, D, H, M, DIS, ACC, CAR}),
    Permission.MANAGE_SHIPMENTS: frozenset({A, D, H, M, DIS}),
    Permission.REPORT_SHIPMENT_EVENTS: frozenset({A, D, H, M, DIS, CAR}),
    Permission.USE_TOTP: frozenset({A, D}),
    Permission.SEND_MAILINGS: frozenset({A, D, H, M, MKT}),
    Permission.VIEW_REPORTS: frozenset({A, D, H, M, MKT, DIS, ACC}),
}
_ACTS_FOR_COMPANY = frozenset({ActorKind.STAFF, ActorKind.INTEGRATION})


@dataclass(frozen=True, slots=True)
class Actor:
    """The bot's identity middleware, the panel's and the API's auth all produce one of these."""

    kind: ActorKind
    language: str
    identity_id: int | None = None
    client_id: int | None = None
    employee_id: int | None = None
    role: Role | None = None
    name: str = ""
    # For a carrier's people and a carrier's API key: the carrier they speak for.
    carrier_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind is ActorKind.STAFF and self.role is not None

    @property
    def sees_only_own_clients(self) -> bool:
        """Managers work their own clients (and unassigned ones)."""
        return self.role is Role.MANAGER

    @property
    def sees_team_clients(self) -> bool:
        """A head of sales sees the clients of their team (core/services/teams.py)."""
        return self.role is Role.HEAD_OF_SALES

    def can(self, permission: Permission) -> bool:
        return (
            self.kind in _ACTS_FOR_COMPANY
            and self.role is not None
            and self.role in _GRANTS[permission]
        )


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied()


def roles_with(permission: Permission) -> frozenset[Role]:
    return _GRANTS[permission]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.DIRECTOR: N_("Director"),
    Role.HEAD_OF_SALES: N_("Head of sales"),
    Role.MANAGER: N_("Manager"),
    Role.DISPATCHER: N_("Dispatcher"),
    Role.ACCOUNTANT: N_("Accountant"),
    Role.MARKETER: N_("Marketer"),
    Role.CARRIER: N_("Carrier"),
}


def may_assign(actor: Actor, role: Role) -> bool:
    """Only an administrator makes (or edits) administrators: no one grants more than they have."""
    return actor.can(Permission.MANAGE_STAFF) and (
        role is not Role.ADMIN or actor.role is Role.ADMIN
    )

"""The audit trail: who changed what, written in the transaction that made the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.i18n import N_, gettext
from core.models import AuditLog
from core.services.access import Actor

SECRET_MARK = "•••"  # noqa: S105 (what the trail shows instead of a secret)

# What each action code reads as in the audit trail; a code without a label shows as is.
ACTION_LABELS: dict[str, str] = {
    "created": N_("Created"),
    "updated": N_("Changed"),
    "imported": N_("Imported from a file"),
    "api_key.created": N_("API key made"),
    "api_key.revoked": N_("API key revoked"),
    "auth.signed_in": N_("Signed in"),
    "auth.signed_out": N_("Signed out"),
    "auth.sign_in_failed": N_("Sign-in failed"),
    "auth.other_sessions_ended": N_("Other sessions ended"),
    "auth.totp_enabled": N_("Two-step sign-in turned on"),
    "auth.totp_disabled": N_("Two-step sign-in turned off"),
    "staff.invited": N_("Invited to the bot"),
    "staff.linked": N_("Linked a messenger account"),
    "staff.language_changed": N_("Changed the panel language"),
    "staff.admin_set": N_("Administrator set from the command line"),
    "staff.workday_changed": N_("Changed their reminder time or duty"),
    "carrier.created": N_("Carrier added"),
    "carrier.updated": N_("Carrier changed"),
    "carrier.exported": N_("Carriers exported"),
    "client.created": N_("Client added"),
    "client.updated": N_("Client changed"),
    "client.exported": N_("Clients exported"),
    "client.merged": N_("Clients merged"),
    "contact.created": N_("Contact person added"),
    "interaction.logged": N_("Contact logged"),
    "channel.test_sent": N_("Test message sent"),
    "webhook.created": N_("Webhook added"),
    "webhook.updated": N_("Webhook changed"),
    "webhook.deleted": N_("Webhook deleted"),
    "webhook.resent": N_("Webhook delivery sent again"),
    "webhook.secret_rotated": N_("Webhook secret renewed"),
    "webhook.test_sent": N_("Webhook test event sent"),
    "request.moved": N_("Request moved in the pipeline"),
    "quote.price_overridden": N_("Quote price changed by hand"),
    "shipment.event": N_("Shipment event recorded"),
    "shipment.carrier_assigned": N_("Carrier assigned to a leg"),
    "shipment.document_added": N_("Document attached to a shipment"),
    "relay.taken": N_("Live chat taken"),
    "relay.closed": N_("Live chat ended"),
    "plan.created": N_("Plan set"),
    "task.created": N_("Task set"),
    "task.done": N_("Task done"),
    "task.rated": N_("Task quality marked"),
    "campaign.launched": N_("Campaign launched"),
    "campaign.paused": N_("Campaign paused"),
    "campaign.resumed": N_("Campaign resumed"),
    "campaign.cancelled": N_("Campaign cancelled"),
    "campaign.retried": N_("Failed messages sent again"),
    "report_digest.on": N_("Report digest turned on"),
    "report_digest.off": N_("Report digest turned off"),
}


def action_label(action: str) -> str:
    """The action in the reader's language (codes of older or unknown actions as they are)."""
    label = ACTION_LABELS.get(action)
    return gettext(label) if label else action


def _plain(value: Any) -> Any:
    """JSON-safe and readable in the audit page: enums by value, times and money as text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], secret: frozenset[str] = frozenset()
) -> dict[str, list[Any]]:
    """Field -> [old, new] for the fields that differ; secret fields show only that they did."""
    diff: dict[str, list[Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if _plain(old) != _plain(new):
            diff[name] = (
                [SECRET_MARK, SECRET_MARK] if name in secret else [_plain(old), _plain(new)]
            )
    return diff


async def record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object | None,
    details: Mapping[str, Any] | None = None,
    *,
    connection: BaseDBAsyncClient | None = None,
) -> AuditLog:
    return await AuditLog.create(
        employee_id=actor.employee_id if actor else None,
        actor_label=(actor.name or actor.kind.value) if actor else "system",
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details={key: _plain(value) for key, value in (details or {}).items()},
        using_db=connection,
    )

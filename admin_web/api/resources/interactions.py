"""A client's dossier entries: /clients/{id}/interactions."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from admin_web.api.registry import Call, Operation, page_model
from core.models import Interaction, InteractionKind
from core.services import clients
from core.services.access import Permission
from core.services.pagination import PageQuery, paginate

TAG = "Interactions"


class InteractionOut(BaseModel):
    """An entry in a client's dossier: a message, call, meeting, e-mail or system event."""

    id: int
    client_id: int | None
    kind: InteractionKind
    channel: str | None
    subject: str
    summary: str
    employee_id: int | None
    employee_name: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, entry: Interaction) -> InteractionOut:
        """From an entry fetched with its employee."""
        employee = entry.employee
        return cls(
            id=entry.id,
            client_id=entry.client_id,  # type: ignore[attr-defined]
            kind=entry.kind,
            channel=entry.channel,
            subject=entry.subject,
            summary=entry.summary,
            employee_id=employee.id if employee else None,
            employee_name=employee.name if employee else None,
            created_at=entry.created_at,
        )


InteractionPage = page_model(InteractionOut, "InteractionPage")


async def list_interactions(call: Call) -> BaseModel:
    query = await clients.client_interactions_query(call.actor, call.ids["client_id"])
    page = await paginate(query.prefetch_related("employee"), call.query.limit, call.query.cursor)
    return InteractionPage(
        items=[InteractionOut.of(entry) for entry in page.items], next_cursor=page.next_cursor
    )


async def log_interaction(call: Call) -> BaseModel:
    entry = await clients.log_client_interaction(call.actor, call.ids["client_id"], call.body)
    return InteractionOut.of(entry)


OPERATIONS = [
    Operation(
        "GET",
        "/clients/{client_id}/interactions",
        list_interactions,
        Permission.VIEW_CLIENTS,
        "List a client's interactions",
        TAG,
        InteractionPage,
        query=PageQuery,
    ),
    Operation(
        "POST",
        "/clients/{client_id}/interactions",
        log_interaction,
        Permission.LOG_INTERACTIONS,
        "Log an interaction with a client",
        TAG,
        InteractionOut,
        body=clients.InteractionInput,
        status=201,
        description="Entries logged with an API key name no employee.",
    ),
]

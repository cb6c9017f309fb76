"""/clients: list with filters, create, read, change."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from admin_web.api.registry import Call, Operation, page_model
from core.models import Client, ClientKind
from core.services import clients
from core.services.access import Permission
from core.services.pagination import PageQuery, paginate

TAG = "Clients"
SCOPE_NOTE = (
    "A key with the manager role sees only unassigned clients: it belongs to no employee, "
    "so no client is its own."
)


class ClientOut(BaseModel):
    """A client."""

    id: int
    kind: ClientKind
    name: str
    company_name: str | None
    phone: str | None
    email: str | None
    city: str | None
    language: str
    source: str | None
    notes: str
    manager_id: int | None
    manager_name: str | None
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, client: Client) -> ClientOut:
        """From a client fetched with its manager and tags."""
        manager = client.manager
        return cls(
            id=client.id,
            kind=client.kind,
            name=client.name,
            company_name=client.company_name,
            phone=client.phone,
            email=client.email,
            city=client.city,
            language=client.language,
            source=client.source,
            notes=client.notes,
            manager_id=manager.id if manager else None,
            manager_name=manager.name if manager else None,
            tags=sorted(tag.name for tag in client.tags),
            created_at=client.created_at,
            updated_at=client.updated_at,
        )


class ClientListQuery(clients.ClientFilters, PageQuery):
    pass


ClientPage = page_model(ClientOut, "ClientPage")


async def list_clients(call: Call) -> BaseModel:
    query = clients.client_query(call.actor, call.query).prefetch_related("manager", "tags")
    page = await paginate(query, call.query.limit, call.query.cursor)
    return ClientPage(
        items=[ClientOut.of(client) for client in page.items], next_cursor=page.next_cursor
    )


async def create_client(call: Call) -> BaseModel:
    client = await clients.create_client(call.actor, call.body, call.settings.phone_region)
    return ClientOut.of(client)


async def get_client(call: Call) -> BaseModel:
    return ClientOut.of(await clients.get_client(call.actor, call.ids["client_id"]))


async def update_client(call: Call) -> BaseModel:
    client = await clients.update_client(
        call.actor, call.ids["client_id"], call.body, call.settings.phone_region
    )
    return ClientOut.of(client)


OPERATIONS = [
    Operation(
        "GET",
        "/clients",
        list_clients,
        Permission.VIEW_CLIENTS,
        "List clients",
        TAG,
        ClientPage,
        query=ClientListQuery,
        description=SCOPE_NOTE,
    ),
    Operation(
        "POST",
        "/clients",
        create_client,
        Permission.EDIT_CLIENTS,
        "Create a client",
        TAG,
        ClientOut,
        body=clients.ClientInput,
        status=201,
        extra_problems=(409,),
        description="The phone is stored in E.164 and must be unique (409 otherwise).",
    ),
    Operation(
        "GET",
        "/clients/{client_id}",
        get_client,
        Permission.VIEW_CLIENTS,
        "Get a client",
        TAG,
        ClientOut,
        description=SCOPE_NOTE,
    ),
    Operation(
        "PATCH",
        "/clients/{client_id}",
        update_client,
        Permission.EDIT_CLIENTS,
        "Change a client",
        TAG,
        ClientOut,
        body=clients.ClientChanges,
        extra_problems=(409,),
        description="Send only the fields to change; null clears an optional field. "
        "`tags` replaces the whole set.",
    ),
]

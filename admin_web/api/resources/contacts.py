"""Contact people of clients and carriers: /clients/{id}/contacts, /carriers/{id}/contacts."""

from __future__ import annotations

from pydantic import BaseModel

from admin_web.api.registry import Call, Operation, page_model
from core.models import ContactPerson
from core.services import carriers, clients
from core.services.access import Permission
from core.services.contacts import ContactInput
from core.services.pagination import PageQuery, paginate

TAG = "Contacts"


class ContactOut(BaseModel):
    """A contact person at a client or a carrier (one of the two ids is set)."""

    id: int
    client_id: int | None
    carrier_id: int | None
    name: str
    position: str | None
    phone: str | None
    email: str | None

    @classmethod
    def of(cls, contact: ContactPerson) -> ContactOut:
        return cls(
            id=contact.id,
            client_id=contact.client_id,  # type: ignore[attr-defined]
            carrier_id=contact.carrier_id,  # type: ignore[attr-defined]
            name=contact.name,
            position=contact.position,
            phone=contact.phone,
            email=contact.email,
        )


ContactPage = page_model(ContactOut, "ContactPage")


async def _page(query, call: Call) -> BaseModel:
    page = await paginate(query, call.query.limit, call.query.cursor)
    return ContactPage(
        items=[ContactOut.of(contact) for contact in page.items], next_cursor=page.next_cursor
    )


async def list_client_contacts(call: Call) -> BaseModel:
    return await _page(
        await clients.client_contacts_query(call.actor, call.ids["client_id"]), call
    )


async def add_client_contact(call: Call) -> BaseModel:
    contact = await clients.add_client_contact(
        call.actor, call.ids["client_id"], call.body, call.settings.phone_region
    )
    return ContactOut.of(contact)


async def list_carrier_contacts(call: Call) -> BaseModel:
    return await _page(
        await carriers.carrier_contacts_query(call.actor, call.ids["carrier_id"]), call
    )


async def add_carrier_contact(call: Call) -> BaseModel:
    contact = await carriers.add_carrier_contact(
        call.actor, call.ids["carrier_id"], call.body, call.settings.phone_region
    )
    return ContactOut.of(contact)


OPERATIONS = [
    Operation(
        "GET",
        "/clients/{client_id}/contacts",
        list_client_contacts,
        Permission.VIEW_CLIENTS,
        "List a client's contact people",
        TAG,
        ContactPage,
        query=PageQuery,
    ),
    Operation(
        "POST",
        "/clients/{client_id}/contacts",
        add_client_contact,
        Permission.EDIT_CLIENTS,
        "Add a contact person to a client",
        TAG,
        ContactOut,
        body=ContactInput,
        status=201,
    ),
    Operation(
        "GET",
        "/carriers/{carrier_id}/contacts",
        list_carrier_contacts,
        Permission.VIEW_CARRIERS,
        "List a carrier's contact people",
        TAG,
        ContactPage,
        query=PageQuery,
    ),
    Operation(
        "POST",
        "/carriers/{carrier_id}/contacts",
        add_carrier_contact,
        Permission.EDIT_CARRIERS,
        "Add a contact person to a carrier",
        TAG,
        ContactOut,
        body=ContactInput,
        status=201,
    ),
]

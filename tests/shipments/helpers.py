"""People and shipments for the bot's shipment tests: clients onboarded for real, staff and
carriers' people linked through invites, orders placed by accepting a demo-network quote."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from typing import Any

from core.models import (
    Carrier,
    ChannelIdentity,
    Client,
    Employee,
    Role,
    Shipment,
    ShipmentLeg,
)
from core.ports import SystemClock
from core.services.quote_requests import accept_quote
from core.services.staff import invite_staff
from tests.contract.test_onboarding import onboard
from tests.contract.test_quote import _network
from tests.conversation import ChatClient, TelegramChat, ViberChat, WebChatClient
from tests.pictures import picture
from tests.quotes.sales_data import request_quote

DAY = dt.timedelta(days=1)
ROAD = "Lagos Haulage Co"
RAIL = "Northern Rail Freight"
# What the bytes of a photo start with; the service checks them, not the name.
JPEG = picture("JPEG")
_ids = itertools.count(int(time.time()) % 10**6)


async def network() -> None:
    await _network()


async def client(chat_factory, channel: str, phone: str, manager: Employee | None = None):
    chat = chat_factory(channel)
    if isinstance(chat, WebChatClient):
        await chat.connect()
    await onboard(chat, phone, language="English")
    found = await Client.get(phone=phone.replace(" ", ""))
    if manager is not None:
        found.manager = manager
        await found.save(update_fields=["manager_id"])
    return chat, found


async def order_for(found: Client) -> Shipment:
    """The client orders the cheapest option (road to Ibadan, then rail to Kano)."""
    identity = await ChannelIdentity.filter(client=found).order_by("id").first()
    assert identity is not None
    opened = await request_quote(identity)
    assert opened.quote is not None
    order = await accept_quote(identity, opened.quote.id, 0)
    return await Shipment.get(order_id=order.id)


async def staff(
    chat_factory,
    name: str,
    role: Role,
    channel: str = "telegram",
    carrier: Carrier | None = None,
) -> tuple[ChatClient, Employee]:
    invite = await invite_staff(
        name, role, SystemClock(), DAY, carrier_id=carrier.id if carrier else None
    )
    chat = chat_factory(channel)
    if isinstance(chat, WebChatClient):
        await chat.connect()
    await chat.send(f"/start {invite.code}")
    await chat.expect(f"Staff menu. Hello, {name}!")
    return chat, invite.employee


async def carrier(name: str) -> Carrier:
    return await Carrier.get(name=name)


async def give_legs_to(shipment: Shipment, other: Carrier) -> None:
    await ShipmentLeg.filter(shipment=shipment).update(carrier=other)


def labels(message) -> list[str]:
    return [label for label, _ in message.buttons]


async def send_photo(
    chat: ChatClient, data: bytes | None = None, *, size: int | None = None, caption: str = ""
) -> Any:
    """A photo as the platform delivers it: Telegram a file id, Viber a media URL."""
    data = JPEG if data is None else data
    if isinstance(chat, TelegramChat):
        file_id = chat.api.add_file(data)
        photo = {
            "file_id": file_id,
            "file_unique_id": f"u{next(_ids)}",
            "width": 800,
            "height": 600,
            "file_size": len(data) if size is None else size,
        }
        content: dict[str, Any] = {"photo": [photo]}
        if caption:
            content["caption"] = caption
        return await chat.post(chat.update(message=chat._message(**content)))
    if isinstance(chat, ViberChat):
        url = chat.api.add_media(data)
        message = {"type": "picture", "media": url, "thumbnail": url, "text": caption}
        return await chat.post(chat.event(message))
    return await chat.send_other()

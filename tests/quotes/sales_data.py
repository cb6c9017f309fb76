"""Requests made the way the bot makes them, for tests of what staff see afterwards."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from core.models import Channel, ChannelIdentity, Client, Employee, Location
from core.services import pricing
from core.services.quote_requests import Opened, Place, RequestDraft, open_request
from core.services.quoting import ready_at

_numbers = itertools.count(1)


async def client_identity(
    name: str, manager: Employee | None = None, channel: Channel = Channel.TELEGRAM
) -> ChannelIdentity:
    n = next(_numbers)
    client = await Client.create(name=name, phone=f"+23480399{n:05d}", manager=manager)
    return await ChannelIdentity.create(
        channel=channel, external_id=f"t{n}", chat_id=900_000 + n, client=client
    )


async def request_quote(
    identity: ChannelIdentity,
    origin: str = "Lagos",
    destination: str = "Kano",
    weight: str = "500",
) -> Opened:
    """A request from known or unknown places; known ones are matched by name in Nigeria."""
    places = []
    for name in (origin, destination):
        found = await Location.get_or_none(name=name, country="NG")
        places.append(Place(name, found.id if found else None))
    day = dt.date.today() + dt.timedelta(days=2)
    draft = RequestDraft(
        origin=places[0],
        destination=places[1],
        cargo=pricing.make_cargo(weight_kg=Decimal(weight)),
        ready_on=day,
        ready=ready_at(day, dt.UTC, "ready"),
        priority=5,
    )
    return await open_request(identity, draft)

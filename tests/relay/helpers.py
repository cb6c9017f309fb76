"""People for live-chat tests: staff linked through an invite, clients onboarded for real."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.i18n import current_i18n
from core.models import Client, Employee, QuoteRequest, RelaySession, Role
from core.ports import SystemClock
from core.services.staff import invite_staff
from tests.contract.test_onboarding import onboard

DAY = dt.timedelta(days=1)


def ru(message: str, **params) -> str:
    text = current_i18n().gettext(message, "ru")
    return text.format(**params) if params else text


async def staff(chat_factory, name: str, role: Role = Role.MANAGER, channel: str = "telegram"):
    invite = await invite_staff(name, role, SystemClock(), DAY)
    chat = chat_factory(channel)
    await chat.send(f"/start {invite.code}")
    await chat.expect(f"Staff menu. Hello, {name}!")
    return chat, invite.employee


async def client(
    chat_factory, channel: str, phone: str, manager: Employee | None = None, language="English"
):
    chat = chat_factory(channel)
    await onboard(chat, phone, language=language)
    found = await Client.get(phone=phone.replace(" ", ""))
    if manager is not None:
        found.manager = manager
        await found.save(update_fields=["manager_id"])
    return chat, found


async def open_request(owner: Client) -> QuoteRequest:
    return await QuoteRequest.create(
        client=owner,
        origin_text="Lagos",
        destination_text="Kano",
        cargo_type="general",
        weight_kg=Decimal("1200"),
        ready_on=dt.date.today() + dt.timedelta(days=2),
        state_changed_at=dt.datetime.now(dt.UTC),
    )


async def relay_of(owner: Client) -> RelaySession:
    return await RelaySession.filter(client=owner).order_by("-id").first()

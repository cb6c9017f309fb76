"""After the quote: the manager hears of an order, unanswered quotes are reminded about once
(the client only with consent), and lapsed quotes expire. The clock is the job's, not time."""

from __future__ import annotations

import datetime as dt

from core.models import Client, Employee, QuoteReminder, QuoteRequest, RequestState, Role
from core.ports import SystemClock
from core.services.jobs import quote_followup_job
from core.services.staff import invite_staff
from tests.contract.test_onboarding import onboard
from tests.contract.test_quote import ORDER_PLACED, _ask_lagos_to_kano, _network, ru, ru_start
from tests.e2e.test_staff import FrozenClock

DAY = dt.timedelta(days=1)


async def _manager(chat_factory):
    invite = await invite_staff("Tunde Bakare", Role.MANAGER, SystemClock(), DAY)
    tunde = chat_factory("telegram")
    await tunde.send(f"/start {invite.code}")
    await tunde.expect("Staff menu. Hello, Tunde Bakare!")
    return tunde, invite.employee


async def _client_with_quote(chat_factory, phone: str, manager: Employee, consent: bool = True):
    ada = chat_factory("viber")
    await onboard(ada, phone)
    if not consent:
        await ada.send("стоп")
        await ada.expect(
            ru(
                "Done. You will not receive messages from us on this channel. "
                "You can allow them again in Settings."
            )
        )
    await Client.filter(phone=phone.replace(" ", "")).update(manager=manager)
    await _ask_lagos_to_kano(ada, "Cheapest")
    await ada.expect(ru_start("Your quote #{number}, valid until {day}:"))
    return ada


async def test_an_order_is_announced_to_the_clients_manager(chat_factory):
    await _network()
    tunde, manager = await _manager(chat_factory)
    ada = await _client_with_quote(chat_factory, "+234 803 777 0001", manager)
    await ada.press(ru("Order option {n}", n=1))
    await ada.expect(ru_start(ORDER_PLACED))
    told = await tunde.expect("New order ON-")
    assert "Lagos → Kano, 500 kg" in told.text and "99" in told.text


async def test_an_unanswered_quote_is_reminded_once_then_expires(chat_factory, runtime):
    await _network()
    tunde, manager = await _manager(chat_factory)
    ada = await _client_with_quote(chat_factory, "+234 803 777 0002", manager)
    silent = await _client_with_quote(chat_factory, "+234 803 777 0003", manager, consent=False)
    sent = dt.datetime.now(dt.UTC)

    async def run(after: dt.timedelta):
        clock = FrozenClock(sent + after)
        return await quote_followup_job(clock, runtime.notifier, runtime.quote_sender, 2)

    early = await run(DAY)
    assert early.quotes == 0
    assert not await QuoteReminder.exists()

    due = await run(2 * DAY + dt.timedelta(hours=1))
    assert (due.quotes, due.clients, due.managers) == (2, 1, 2)
    reminder = await ada.expect(
        ru("A reminder: your quote is still open. Would you like to order?")
    )
    assert ru("Order option {n}", n=1) in [label for label, _ in reminder.buttons]
    await tunde.expect("has had no answer since")
    await tunde.expect("has had no answer since")
    assert await QuoteReminder.filter(recipient="client").count() == 1
    assert await QuoteReminder.filter(recipient="manager", employee=manager).count() == 2
    # The client who withdrew consent heard nothing after saying STOP.
    reminder_text = ru("A reminder: your quote is still open. Would you like to order?")
    assert not [m for m in silent.said() if reminder_text in m]

    again = await run(3 * DAY)
    assert again.quotes == 0
    assert await QuoteReminder.all().count() == 3

    await run(8 * DAY)
    states = {r.state for r in await QuoteRequest.all()}
    assert states == {RequestState.EXPIRED}
    await ada.press(ru("Order option {n}", n=1))
    await ada.expect(ru("This quote has expired. Please request a new one."))

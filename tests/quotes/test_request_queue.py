"""The managers' queue: a request that needs a person is offered with Take and Pass; the first
to take it owns it, and the time to take is kept."""

from __future__ import annotations

import datetime as dt

from core.models import AuditLog, Client, Employee, QuoteRequest, Role
from core.ports import SystemClock
from core.services.staff import invite_staff
from core.services.staff_alerts import request_staff
from tests.contract.test_onboarding import onboard
from tests.contract.test_quote import WITH_MANAGERS, _network, ask_quote, ru_start
from tests.quotes.sales_data import client_identity, request_quote

DAY = dt.timedelta(days=1)


async def _staff(chat_factory, name: str, role: Role = Role.MANAGER):
    invite = await invite_staff(name, role, SystemClock(), DAY)
    chat = chat_factory("telegram")
    await chat.send(f"/start {invite.code}")
    await chat.expect(f"Staff menu. Hello, {name}!")
    return chat, invite.employee


async def _waiting_request(chat_factory, phone: str) -> QuoteRequest:
    ada = chat_factory("viber")
    await onboard(ada, phone)
    await ask_quote(ada, "Qwzxv Farm", "Kano", "500", "Cheapest")
    await ada.expect(ru_start(WITH_MANAGERS))
    return await QuoteRequest.get(client__phone=phone.replace(" ", ""))


async def test_the_first_manager_to_take_a_request_owns_it(chat_factory):
    await _network()
    tunde, first = await _staff(chat_factory, "Tunde Bakare")
    bola, _second = await _staff(chat_factory, "Bola Ade")
    request = await _waiting_request(chat_factory, "+234 803 888 0001")

    text = f"New request #{request.id} from Ada needs a manager: Qwzxv Farm → Kano, 500 kg."
    offered = await tunde.expect(text)
    assert [label for label, _ in offered.buttons] == ["Take", "Pass"]
    await bola.expect(text)  # an unassigned client's request goes to the whole team

    await tunde.press("Take")
    await tunde.expect(f"You took request #{request.id}.")
    await tunde.expect("A place is not known yet")
    await bola.press("Take")
    await bola.expect("Tunde Bakare has already taken it.")

    taken = await QuoteRequest.get(id=request.id)
    assert taken.taken_by_id == first.id and taken.manager_id == first.id
    assert taken.taken_at is not None and taken.taken_at >= taken.created_at
    entry = await AuditLog.get(action="request.taken", object_id=str(request.id))
    assert entry.details == {"minutes_to_take": 0}


async def test_a_manager_passes_a_request_to_the_team(chat_factory):
    await _network()
    tunde, first = await _staff(chat_factory, "Tunde Bakare")
    bola, second = await _staff(chat_factory, "Bola Ade")
    phone = "+234 803 888 0002"
    ada = chat_factory("viber")
    await onboard(ada, phone)
    await Client.filter(phone=phone.replace(" ", "")).update(manager=first)
    await ask_quote(ada, "Qwzxv Farm", "Kano", "500", "Cheapest")
    await ada.expect(ru_start(WITH_MANAGERS))
    request = await QuoteRequest.get(client__phone=phone.replace(" ", ""))

    await tunde.expect(f"New request #{request.id} from Ada needs a manager")
    await tunde.press("Pass")
    await tunde.expect("Passed to the team.")
    passed = await bola.expect(f"Request #{request.id} from Ada was passed on")
    assert [label for label, _ in passed.buttons] == ["Take", "Pass"]
    # Bola had not been offered it before: it was Tunde's client.
    assert not [m for m in bola.said() if m.startswith(f"New request #{request.id}")]
    await bola.press("Take")
    await bola.expect(f"You took request #{request.id}.")
    await bola.expect("A place is not known yet")  # the request opens: it is Bola's now
    assert (await QuoteRequest.get(id=request.id)).manager_id == second.id
    assert await AuditLog.exists(action="request.passed", object_id=str(request.id))


async def test_the_request_page_says_who_took_it_and_how_fast(chat_factory, panel_for):
    await _network()
    tunde, _first = await _staff(chat_factory, "Tunde Bakare")
    request = await _waiting_request(chat_factory, "+234 803 888 0003")
    await tunde.expect(f"New request #{request.id} from Ada needs a manager")
    await tunde.press("Take")
    await tunde.expect(f"You took request #{request.id}.")
    head = await panel_for(Role.HEAD_OF_SALES)
    page = await head.open(f"/admin/requests/{request.id}")
    assert page.text("taken") == "Tunde Bakare, 0 min after the request"


async def test_alerts_about_a_taken_request_go_to_whoever_took_it(runtime):
    await _network()
    owner = await Employee.create(name="Client Owner", role=Role.MANAGER)
    taker = await Employee.create(name="Took It", role=Role.MANAGER)
    opened = await request_quote(await client_identity("Some Ltd", owner), "Qwzxv Farm", "Kano")
    assert [e.name for e in await request_staff(opened.request)] == ["Client Owner"]
    await QuoteRequest.filter(id=opened.request.id).update(taken_by=taker)
    taken = await QuoteRequest.get(id=opened.request.id)
    assert [e.name for e in await request_staff(taken)] == ["Took It"]

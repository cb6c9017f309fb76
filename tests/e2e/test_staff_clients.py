"""Clients in the staff bot: a manager finds their client and reads the dossier on the phone;
another manager's client is out of reach."""

from __future__ import annotations

from core.models import Client, Employee, Interaction, Role
from tests.contract.test_onboarding import onboard
from tests.contract.test_quote import WITH_MANAGERS, _network, ask_quote, ru_start
from tests.quotes.test_request_queue import _staff


async def test_a_manager_finds_a_client_and_reads_the_dossier(chat_factory):
    await _network()
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    ada = chat_factory("viber")
    await onboard(ada, "+234 803 999 0001")
    await Client.filter(phone="+2348039990001").update(manager=manager, company_name="Ada Foods")
    await ask_quote(ada, "Qwzxv Farm", "Kano", "500", "Cheapest")
    await ada.expect(ru_start(WITH_MANAGERS))
    other = await Employee.create(name="Other Manager", role=Role.MANAGER)
    await Client.create(name="Adamu Traders", phone="+2348039990002", manager=other)

    await tunde.press("Clients")
    await tunde.expect("Type a name, company or phone to find a client.")
    await tunde.send("x")
    await tunde.expect("Type at least two letters or digits.")
    await tunde.send("Ada")
    found = await tunde.expect("Clients found:")
    # Adamu Traders is another manager's client: not found.
    assert [label for label, _ in found.buttons] == ["Ada · +2348039990001"]
    await tunde.send("Nobody Here")
    await tunde.expect("No client found. Try another name or phone.")
    await tunde.press("Ada · +2348039990001")
    card = await tunde.expect("Ada (Ada Foods)")
    assert "Phone: +2348039990001" in card.text
    assert "Manager: Tunde Bakare" in card.text
    assert "Messages allowed on: viber" in card.text
    assert "Requested a quote" in card.text  # the latest contacts, labelled
    assert "Qwzxv Farm → Kano · Requests" in card.text  # the open request and its stage


async def test_a_manager_logs_a_call_in_three_taps_and_a_line(chat_factory, panel_for):
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    client = await Client.create(name="Kano Textiles", phone="+2348051234567", manager=manager)
    await tunde.press("Log a contact")
    await tunde.expect("Who was it with?")
    await tunde.send("textiles")
    await tunde.expect("Clients found:")
    await tunde.press("Kano Textiles")
    await tunde.expect("Kano Textiles: how was the contact?")
    await tunde.press("Call")
    await tunde.expect("What was it about?")
    await tunde.press("Quote follow-up")
    await tunde.expect("The result and the next step, in one line:")
    await tunde.send("Agreed on Lagos-Kano weekly; call back Monday")
    await tunde.expect("Logged. It is in the client's dossier.")

    entry = await Interaction.get(client=client)
    assert (entry.kind.value, entry.subject, entry.employee_id) == (
        "call",
        "contact.quote_follow_up",
        manager.id,
    )
    page = await (await panel_for(Role.HEAD_OF_SALES)).open(f"/admin/clients/{client.id}")
    assert "Quote follow-up" in page.body_text
    assert "Agreed on Lagos-Kano weekly; call back Monday" in page.body_text

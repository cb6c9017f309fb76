"""Clients in the staff bot: a manager finds their client and reads the dossier on the phone;
another manager's client is out of reach."""

from __future__ import annotations

from core.models import Client, Employee, Interaction, Role, Task
from tests.contract.test_onboarding import onboard
from tests.contract.test_quote import WITH_MANAGERS, _network, ask_quote, ru_start
from tests.quotes.sales_data import client_identity, request_quote
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
    await tunde.send("Adda Fods")  # a typo: close names are offered, still only Tunde's
    close = await tunde.expect("No exact match. Did you mean one of these?")
    assert [label for label, _ in close.buttons] == ["Ada · +2348039990001"]
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
    await tunde.expect("The result and the next step, in one line (or send a voice note):")
    await tunde.send("Agreed on Lagos-Kano weekly; call back Monday")
    logged = await tunde.expect("Logged. It is in the client's dossier.")
    assert [label for label, _ in logged.buttons] == ["Set a follow-up task", "Menu"]

    entry = await Interaction.get(client=client)
    assert (entry.kind.value, entry.subject, entry.employee_id) == (
        "call",
        "contact.quote_follow_up",
        manager.id,
    )
    page = await (await panel_for(Role.HEAD_OF_SALES)).open(f"/admin/clients/{client.id}")
    assert "Quote follow-up" in page.body_text
    assert "Agreed on Lagos-Kano weekly; call back Monday" in page.body_text


async def test_a_logged_call_sets_a_follow_up_and_a_voice_note_is_kept(chat_factory, runtime):
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    client = await Client.create(name="Kano Textiles", phone="+2348051234567", manager=manager)
    await tunde.press("Log a contact")
    await tunde.expect("Who was it with?")
    await tunde.press("Kano Textiles")  # a recent client, one tap
    await tunde.expect("Kano Textiles: how was the contact?")
    await tunde.press("Meeting")
    await tunde.expect("What was it about?")
    await tunde.press("Payment")
    await tunde.expect("The result and the next step")
    await tunde.post(
        tunde.update(
            message=tunde._message(
                voice={"file_id": "AwACAgQAAxkBAAI", "file_unique_id": "AgAD", "duration": 4},
                caption="Pays on Friday",
            )
        )
    )
    await tunde.expect("Logged. It is in the client's dossier.")
    entry = await Interaction.get(client=client)
    assert (entry.subject, entry.summary) == ("contact.payment", "Pays on Friday")
    assert (entry.attachment_kind, entry.attachment_ref) == ("voice", "AwACAgQAAxkBAAI")

    await tunde.press("Set a follow-up task")
    await tunde.expect("When is it due? Pick or type a date:")
    await tunde.send("2001-01-01")
    await tunde.expect("This time has already passed. Choose a later one.")
    assert await Task.all().count() == 0
    await tunde.press("Tomorrow")
    await tunde.expect("Task set, due")
    task = await Task.get(employee_id=manager.id)
    assert (task.client_id, task.title) == (client.id, "Follow up: Payment")

    await tunde.press("My plan")
    plan = await tunde.expect("My plan: open tasks")
    assert "Follow up: Payment · Kano Textiles" in plan.text
    await tunde.press(next(label for label, _ in plan.buttons if "Follow up" in label))
    card = await tunde.expect("Follow up: Payment")
    assert [label for label, _ in card.buttons] == ["Done", "Menu"]
    await tunde.press("Done")
    await tunde.expect("What came of it?")
    await tunde.send("Paid in full")
    await tunde.expect("Done. Well done!")
    await task.refresh_from_db()
    assert (task.result, task.late) == ("Paid in full", False)


async def test_a_private_note_is_hidden_from_a_colleague_but_not_from_the_head(
    chat_factory, panel_for
):
    tunde, _tunde = await _staff(chat_factory, "Tunde Bakare")
    bola, _bola = await _staff(chat_factory, "Bola Ade")
    await Client.create(name="Shared Foods", phone="+2348051230000")  # nobody's client yet
    await tunde.press("Log a contact")
    await tunde.expect("Who was it with?")
    await tunde.send("Shared")
    await tunde.expect("Clients found:")
    await tunde.press("Shared Foods")
    await tunde.expect("Shared Foods: how was the contact?")
    await tunde.press("Call")
    await tunde.expect("What was it about?")
    await tunde.press("Complaint")
    await tunde.expect("The result and the next step")
    await tunde.press("Keep it private")
    await tunde.expect("This note will be private: only you, your head of sales and management")
    await tunde.send("Unhappy with the last delivery, keep between us")
    await tunde.expect("Logged.")
    entry = await Interaction.get(summary__contains="keep between us")
    assert entry.is_private

    await bola.press("Clients")
    await bola.expect("Type a name")
    await bola.send("Shared")
    await bola.expect("Clients found:")
    await bola.press("Shared Foods · +2348051230000")
    card = await bola.expect("Shared Foods")
    assert "keep between us" not in card.text
    await tunde.press("Clients")
    await tunde.expect("Type a name")
    await tunde.send("Shared")
    await tunde.expect("Clients found:")
    await tunde.press("Shared Foods · +2348051230000")
    own = await tunde.expect("Shared Foods")
    assert "🔒" in own.text and "keep between us" in own.text
    client = await Client.get(name="Shared Foods")
    head = await (await panel_for(Role.HEAD_OF_SALES)).open(f"/admin/clients/{client.id}")
    assert "keep between us" in head.body_text


async def test_a_forged_button_for_a_colleagues_client_gets_a_polite_refusal(chat_factory):
    tunde, _manager = await _staff(chat_factory, "Tunde Bakare")
    other = await Employee.create(name="Other Manager", role=Role.MANAGER)
    theirs = await Client.create(name="Secret Cargo Ltd", phone="+2348051239999", manager=other)
    await tunde.press_data(f"cl:{theirs.id}:0")
    refused = await tunde.expect("Sorry, this client is not among yours.")
    assert "Secret Cargo" not in refused.text and "+2348051239999" not in refused.text
    await tunde.press_data(f"lc:c:{theirs.id}")
    await tunde.expect("Sorry, this client is not among yours.")


async def test_the_dossier_pages_back_through_a_long_timeline(chat_factory):
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    client = await Client.create(name="Busy Client", phone="+2348051238888", manager=manager)
    await Interaction.bulk_create(
        [
            Interaction(client=client, kind="call", subject="contact.other", summary=f"entry {n}")
            for n in range(1, 21)
        ]
    )
    await tunde.press_data(f"cl:{client.id}:0")
    first = await tunde.expect("Busy Client")
    assert "entry 20" in first.text and "entry 13" in first.text and "entry 12" not in first.text
    await tunde.press("Older entries")
    second = await tunde.expect("Busy Client: older entries")
    assert "entry 12" in second.text and "entry 5" in second.text and "entry 13" not in second.text
    await tunde.press("Older entries")
    last = await tunde.expect("Busy Client: older entries")
    assert "entry 4" in last.text and last.text.endswith("Other: entry 1")
    assert "Older entries" not in [label for label, _ in last.buttons]


async def test_the_dossier_shows_the_quote_of_an_open_request(chat_factory):
    await _network()
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    identity = await client_identity("Quoted Client", manager=manager)
    opened = await request_quote(identity, "Lagos", "Kano")
    await tunde.press_data(f"cl:{identity.client_id}:0")
    card = await tunde.expect("Quoted Client")
    assert f"#{opened.request.id} Lagos → Kano · Quoted · quote #{opened.quote.id}" in card.text
    assert "valid until" in card.text

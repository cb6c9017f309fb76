"""The response-time limit: a client waiting too long raises one alert per waiting spell to
the head of sales (the director when there is none). The clock is the job's."""

from __future__ import annotations

import datetime as dt

from core.models import Employee, RelaySession, Role, StaffReminder, StaffReminderKind
from core.services.relay import alert_slow_replies
from tests.relay.helpers import client, relay_of, staff

LIMIT = dt.timedelta(minutes=5)
MINUTE = dt.timedelta(minutes=1)


async def test_a_slow_answer_alerts_the_head_of_sales_once(chat_factory, runtime):
    olga, head = await staff(chat_factory, "Olga Ivanova", Role.HEAD_OF_SALES)
    tunde, manager = await staff(chat_factory, "Tunde Bakare")
    ada, owner = await client(chat_factory, "telegram", "+234 803 555 0301", manager=manager)
    await ada.press("Talk to a manager")
    await tunde.expect("Your client wants to talk to you.")
    relay = await relay_of(owner)
    # Asking for a manager is already waiting for one.
    assert relay.waiting_since == relay.started_at

    await ada.send("Hello? Anyone?")
    await tunde.expect("Hello? Anyone?")
    await runtime.supervisor.wait_idle()
    waiting = (await relay_of(owner)).waiting_since
    assert waiting == relay.started_at

    assert await alert_slow_replies(runtime.notifier, waiting + 4 * MINUTE, LIMIT) == 0
    assert await alert_slow_replies(runtime.notifier, waiting + 6 * MINUTE, LIMIT) == 1
    await olga.expect(
        "Ada · Telegram\nThe client has waited 6 min for an answer from Tunde Bakare."
    )
    assert await alert_slow_replies(runtime.notifier, waiting + 7 * MINUTE, LIMIT) == 0
    assert await alert_slow_replies(runtime.notifier, waiting + 60 * MINUTE, LIMIT) == 0
    reminders = await StaffReminder.filter(kind=StaffReminderKind.SLOW_REPLY)
    assert [(r.employee_id, r.relay_id) for r in reminders] == [(head.id, relay.id)]
    assert len([t for t in olga.said() if "has waited" in t]) == 1
    assert not [t for t in tunde.said() if "has waited" in t]  # the manager is not the watcher

    # Tunde answers: the spell ends. A new question later is a new spell, alerted once again.
    await tunde.press("Reply")
    await tunde.expect("Write your reply to Ada")
    await tunde.send("Sorry, here now.")
    await ada.expect("Sorry, here now.")
    await runtime.supervisor.wait_idle()
    assert (await relay_of(owner)).waiting_since is None
    assert await alert_slow_replies(runtime.notifier, waiting + 90 * MINUTE, LIMIT) == 0
    later = waiting + 2 * dt.timedelta(hours=1)
    await RelaySession.filter(id=relay.id).update(waiting_since=later)
    assert await alert_slow_replies(runtime.notifier, later + 10 * MINUTE, LIMIT) == 1
    await olga.expect("The client has waited 10 min for an answer from Tunde Bakare.")
    assert await StaffReminder.filter(kind=StaffReminderKind.SLOW_REPLY).count() == 2


async def test_with_no_head_of_sales_the_director_hears_of_a_chat_nobody_took(
    chat_factory, runtime
):
    dayo, director = await staff(chat_factory, "Dayo Bello", Role.DIRECTOR)
    tunde, _manager = await staff(chat_factory, "Tunde Bakare")
    ada, owner = await client(chat_factory, "viber", "+234 803 555 0302")
    await ada.press("Talk to a manager")
    await tunde.expect("A client wants to talk to a manager.")
    await ada.send("Hello?")
    await runtime.supervisor.wait_idle()
    relay = await relay_of(owner)

    now = relay.waiting_since + 8 * MINUTE
    assert await alert_slow_replies(runtime.notifier, now, LIMIT) == 1
    await dayo.expect("Ada · Viber\nThe client has waited 8 min: no manager has taken the chat.")
    assert await alert_slow_replies(runtime.notifier, now + MINUTE, LIMIT) == 0
    assert await StaffReminder.filter(employee=director, relay=relay).count() == 1
    assert not [t for t in tunde.said() if "has waited" in t]


async def test_a_closed_chat_raises_no_alert(chat_factory, runtime):
    await staff(chat_factory, "Olga Ivanova", Role.HEAD_OF_SALES)
    tunde, manager = await staff(chat_factory, "Tunde Bakare")
    ada, owner = await client(chat_factory, "telegram", "+234 803 555 0303", manager=manager)
    await ada.press("Talk to a manager")
    await ada.expect("Write your message.")
    await ada.send("Never mind.")
    await tunde.expect("Never mind.")
    await ada.press("End chat")
    await ada.expect("The chat has ended.")
    await runtime.supervisor.wait_idle()
    relay = await relay_of(owner)
    assert await alert_slow_replies(runtime.notifier, relay.started_at + 30 * MINUTE, LIMIT) == 0
    assert not await StaffReminder.exists()


async def test_the_managers_own_head_hears_of_it_not_another_team(chat_factory, runtime):
    olga, _olga = await staff(chat_factory, "Olga Ivanova", Role.HEAD_OF_SALES)
    bisi, bisi_head = await staff(chat_factory, "Bisi Head", Role.HEAD_OF_SALES)
    tunde, manager = await staff(chat_factory, "Tunde Bakare")
    await Employee.filter(id=manager.id).update(head_id=bisi_head.id)
    ada, owner = await client(chat_factory, "telegram", "+234 803 555 0309", manager=manager)
    await ada.press("Talk to a manager")  # and then waits, without typing anything
    await tunde.expect("Your client wants to talk to you.")
    relay = await relay_of(owner)
    assert await alert_slow_replies(runtime.notifier, relay.started_at + 6 * MINUTE, LIMIT) == 1
    await bisi.expect("The client has waited 6 min for an answer from Tunde Bakare.")
    assert not [t for t in olga.said() if "has waited" in t]

"""The manager's day in the bot: Today and My plan; the head of sales sets a task from the
bot, the manager does it, the head sees plan against done."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.models import Client, Employee, Role, Task
from core.services.workday import day_bounds
from tests.contract.test_quote import _network
from tests.quotes.test_request_queue import _staff, _waiting_request

LAGOS = ZoneInfo("Africa/Lagos")


async def test_today_shows_due_overdue_waiting_and_quiet_clients(chat_factory):
    await _network()
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    now = dt.datetime.now(dt.UTC)
    start, end = day_bounds(now, LAGOS)
    ada = await Client.create(name="Ada Foods", phone="+2348051110001", manager=manager)
    await Task.create(
        employee=manager,
        client=ada,
        title="Call about rates",
        due_at=end - dt.timedelta(seconds=1),
    )
    await Task.create(
        employee=manager, title="Send the contract", due_at=start - dt.timedelta(days=2)
    )
    await Task.create(employee=manager, title="Done already", due_at=end, done_at=now)
    request = await _waiting_request(chat_factory, "+234 803 555 0002")
    await Client.filter(id=request.client_id).update(manager=manager)

    await tunde.press("Today")
    day = await tunde.expect("Today")
    assert "Due today: 1" in day.text and "Call about rates · Ada Foods" in day.text
    assert "Overdue: 1" in day.text and "Send the contract" in day.text
    assert "Done already" not in day.text
    assert "Requests waiting for a manager: 1" in day.text
    assert f"#{request.id} Ada: Qwzxv Farm → Kano" in day.text
    assert "Clients to call back: 0" in day.text  # the request is new today
    labels = [label for label, _ in day.buttons]
    assert any("Send the contract" in label for label in labels)
    assert f"#{request.id} Ada" in labels


async def test_a_head_sets_a_task_the_manager_does_it_and_the_head_sees_the_figures(
    chat_factory,
):
    bisi, head = await _staff(chat_factory, "Bisi Head", Role.HEAD_OF_SALES)
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    await Employee.create(
        name="Elsewhere",
        role=Role.MANAGER,
        head=await Employee.create(name="Other Head", role=Role.HEAD_OF_SALES),
    )

    await bisi.press("My plan")
    await bisi.expect("My plan: open tasks")
    await bisi.press("Set a task for my team")
    people = await bisi.expect("Who will do it?")
    # The other head's manager is not in Bisi's team.
    assert [label for label, _ in people.buttons] == ["Bisi Head", "Tunde Bakare"]
    await bisi.press("Tunde Bakare")
    kinds = await bisi.expect("What kind of task?")
    assert [label for label, _ in kinds.buttons] == [
        "Call",
        "Meet",
        "Send an offer",
        "Collect payment",
        "Other",
    ]
    kano = await Client.create(name="Kano Textiles", phone="+2348051110077", manager=manager)
    await bisi.press("Meet")
    await bisi.expect("About which client? Type a name, company or phone, or press No client:")
    await bisi.send("Kano")
    found = await bisi.expect("Clients found:")
    assert [label for label, _ in found.buttons] == ["Kano Textiles", "No client"]
    await bisi.press("Kano Textiles")
    await bisi.expect("What is the task?")
    await bisi.send("Call Kano Textiles about December")
    await bisi.expect("When is it due? Pick or type a date:")
    await bisi.send("not a date")
    await bisi.expect("Please type the date like")
    await bisi.send("1.1.2020")
    await bisi.expect("This time has already passed. Choose a later one.")
    assert await Task.all().count() == 0
    await bisi.press("In 3 days")
    await bisi.expect("Task set, due")
    task = await Task.get()
    assert (task.employee_id, task.created_by_id, task.kind.value, task.client_id) == (
        manager.id,
        head.id,
        "meeting",
        kano.id,
    )

    await tunde.press("My plan")
    plan = await tunde.expect("My plan: open tasks")
    assert "Call Kano Textiles about December" in plan.text
    assert "Set a task for my team" not in [label for label, _ in plan.buttons]
    await tunde.press(next(label for label, _ in plan.buttons if "Kano" in label))
    await tunde.expect("Call Kano Textiles about December")
    await tunde.press("Done")
    await tunde.expect("What came of it?")
    await tunde.send("-")
    await tunde.expect("Done. Well done!")

    await bisi.press("My plan")
    await bisi.expect("My plan: open tasks")
    await bisi.press("Team: plan against done this week")
    figures = await bisi.expect("This week: planned / done / late / overdue · quality")
    assert "Bisi Head: 0 / 0 / 0 / 0 · —" in figures.text

    await bisi.press("My plan")
    await bisi.expect("My plan: open tasks")
    await bisi.press("Mark the quality of done tasks")
    to_mark = await bisi.expect("Done by your team, waiting for a quality mark:")
    assert "Tunde Bakare: " in to_mark.text and "Call Kano Textiles" in to_mark.text
    await bisi.press(next(label for label, _ in to_mark.buttons if "Kano" in label))
    card = await bisi.expect("Mark the quality of this work, 1 to 5:")
    assert [label for label, _ in card.buttons] == ["1", "2", "3", "4", "5", "Menu"]
    await tunde.press_data(f"tk:r:{task.id}:5")  # a manager cannot mark, even by a forged tap
    await bisi.press("4")
    await bisi.expect("A comment with the mark? One line, or a dash:")
    await bisi.send("Good call, follow up on price")
    await bisi.expect("Marked 4 of 5.")
    await task.refresh_from_db()
    assert (task.quality, task.quality_comment, task.rated_by_id) == (
        4,
        "Good call, follow up on price",
        head.id,
    )


async def test_a_manager_chooses_the_reminder_time_and_goes_off_duty(chat_factory):
    tunde, manager = await _staff(chat_factory, "Tunde Bakare")
    await tunde.press("My plan")
    plan = await tunde.expect("My plan: open tasks")
    assert "Daily reminder at 09:00." in plan.text
    assert "Live chats: you are on duty." in plan.text
    await tunde.press("Change reminder time")
    await tunde.expect("When should the daily reminder come?")
    await tunde.send("25:00")
    await tunde.expect("Please type a time like 08:30.")
    await tunde.send("8.15")
    await tunde.expect("Done. The daily reminder comes at 08:15.")
    await tunde.press("My plan")
    await tunde.expect("Daily reminder at 08:15.")
    await tunde.press("Go off duty")
    await tunde.expect("You are off duty: live chats with your clients go to the sales queue.")
    await manager.refresh_from_db()
    assert (manager.reminder_time, manager.on_duty) == ("08:15", False)

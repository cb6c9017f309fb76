"""Staff invites: one-time links that turn a messenger account into a staff member."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import sys

from core.models import ChannelIdentity, Employee, Role, StaffInvite
from core.ports import SystemClock
from core.services.staff import invite_staff
from tests.contract.test_onboarding import onboard

DAY = dt.timedelta(hours=24)


class FrozenClock:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment


async def test_invite_links_the_account_once(chat_factory):
    invite = await invite_staff("Tunde Bakare", Role.MANAGER, SystemClock(), DAY)
    tunde = chat_factory("telegram")
    await tunde.send(f"/start {invite.code}")
    await tunde.expect("You are linked to Ona as Tunde Bakare. Welcome to the team!")
    menu = await tunde.expect("Staff menu. Hello, Tunde Bakare!")
    assert [label for label, _ in menu.buttons] == [
        "Today",
        "Clients",
        "Log a contact",
        "My plan",
        "Requests",
        "Shipments",
        "Reports",
    ]
    identity = await ChannelIdentity.get(external_id=str(tunde.user_id))
    assert identity.employee_id == invite.employee.id

    # From now on /start and staff commands lead to the staff menu.
    await tunde.send("/today")
    await tunde.expect("Staff menu. Hello, Tunde Bakare!")

    intruder = chat_factory("telegram")
    await intruder.send(f"/start {invite.code}")
    await intruder.expect("This invite link is invalid, already used or expired.")
    assert await ChannelIdentity.filter(employee_id=invite.employee.id).count() == 1


async def test_expired_invite_is_refused_and_purged(chat_factory, runtime):
    past = FrozenClock(dt.datetime.now(dt.UTC) - dt.timedelta(hours=25))
    invite = await invite_staff("Late Larry", Role.DISPATCHER, past, DAY)
    late = chat_factory("webchat")
    await late.connect()
    await late.send(f"/start {invite.code}")
    await late.expect("This invite link is invalid, already used or expired.")
    assert not await ChannelIdentity.filter(employee_id=invite.employee.id).exists()

    from core.services.jobs import purge_invites_job

    assert await purge_invites_job(SystemClock()) == 1
    assert not await StaffInvite.exists()


async def test_cli_invite_works_in_viber(chat_factory, runtime):
    """`python main.py invite-staff` prints a code; Viber's deep-link context carries it."""
    env = {
        **os.environ,
        "DATABASE_URL": runtime.settings.database_url,
        "SECRET_KEY": runtime.settings.secret_key.get_secret_value(),
        "VIBER_BOT_NAME": "OnaTest",
    }
    env.pop("REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        "invite-staff",
        "--name",
        "Olga Ivanova",
        "--role",
        "head_of_sales",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    text = out.decode()
    code = re.search(r"/start (\S+)", text).group(1)
    assert f"viber://pa?chatURI=OnaTest&context={code}" in text

    olga = chat_factory("viber")
    await olga.send(f"/start {code}")
    await olga.expect("You are linked to Ona as Olga Ivanova.")
    employee = await Employee.get(name="Olga Ivanova")
    assert employee.role is Role.HEAD_OF_SALES


async def test_client_cannot_reach_staff_handlers(chat):
    await onboard(chat, "+234 803 222 3344", language="English")
    for command in ("/staff", "/today", "/clients"):
        await chat.send(command)
        await chat.expect("Sorry, I did not understand that. Please use the menu.")
    for forged in ("sf:today", "sf:clients", "sf:log"):
        await chat.press_data(forged)
        await chat.expect("This button is no longer available.")
    assert not any("Staff menu" in text for text in chat.said())
    assert not any("staff workspace" in text for text in chat.said())

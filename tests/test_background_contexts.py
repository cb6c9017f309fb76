"""Tortoise keeps its connection context per task: prove every kind of task reaches the DB.

Webhook updates are handled in supervised tasks, polling runs in its own long-lived task,
and APScheduler fires jobs from its own loop callbacks. Each must read and write.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time

from apscheduler.triggers.date import DateTrigger

from bot.channels.telegram import build_telegram_bot
from core.models import ChannelIdentity, Employee, Role, StaffInvite
from core.ports import SystemClock
from core.services.staff import invite_staff
from tests.conversation import TelegramChat
from tests.fakes.telegram_api import TOKEN

_ids = itertools.count(9_000_000)


async def test_webhook_task_reaches_the_database(chat_factory):
    chat: TelegramChat = chat_factory("telegram")
    await chat.send("/start")
    await chat.expect("Welcome to Ona")
    assert await ChannelIdentity.filter(external_id=str(chat.user_id)).exists()


async def test_polling_task_reaches_the_database(runtime, fake_telegram):
    bot = build_telegram_bot(TOKEN, fake_telegram.url)
    user_id = next(_ids)
    fake_telegram.push_update(
        {
            "update_id": next(_ids),
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": user_id, "is_bot": False, "first_name": "Poll"},
                "text": "/start",
            },
        }
    )
    runtime.supervisor.spawn(
        runtime.dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1),
        name="test-polling",
        long_running=True,
    )
    try:
        await fake_telegram.wait_for(
            lambda calls: any(
                c.method == "sendMessage" and int(c.params["chat_id"]) == user_id for c in calls
            )
        )
        assert await ChannelIdentity.filter(external_id=str(user_id)).exists()
    finally:
        await runtime.dispatcher.stop_polling()
        await bot.session.close()


async def test_scheduled_job_reaches_the_database(runtime):
    assert runtime.scheduler is not None
    while not runtime.scheduler.is_leader:
        await runtime.scheduler.leadership_changed.wait()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)

    class Past:
        def now(self) -> dt.datetime:
            return past

    await invite_staff("Expired Ed", Role.MANAGER, Past(), dt.timedelta(hours=24))
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def job() -> None:
        from core.services.jobs import purge_invites_job

        try:
            done.set_result(await purge_invites_job(SystemClock()))
        except Exception as exc:
            done.set_exception(exc)

    runtime.scheduler.add_job("test-purge-now", job, DateTrigger(dt.datetime.now(dt.UTC)))
    assert await asyncio.wait_for(done, timeout=10) == 1
    assert not await StaffInvite.exists()
    assert await Employee.filter(name="Expired Ed").exists()

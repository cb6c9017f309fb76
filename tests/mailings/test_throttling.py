"""Telegram says 429 Too Many Requests: the message is not lost but queued again and sent
once the wait is over, the whole bot token waits, and the sending rate is halved. The
limiter and the worker run on injected clocks, so nothing really waits."""

from __future__ import annotations

import pytest

from core.models import MailChannel, OutboxState
from core.services.send_rate import Limits, LocalSendRate
from tests.fakes.telegram_api import rate_limited
from tests.mailings.helpers import (
    campaign_for,
    client_on,
    marketer,
    messages_to,
    outbox,
    worker_for,
)

RATE = 30.0


class Monotonic:
    """The limiter's clock, moved only by the worker's sleeps."""

    def __init__(self) -> None:
        self.now = 5000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_429_requeues_the_message_blocks_the_token_and_halves_the_rate(
    runtime, fake_telegram
):
    author = await marketer()
    ada, chat = await client_on("Ada")
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    mono = Monotonic()
    limiter = LocalSendRate(Limits(rate=RATE, per_chat_interval=1.0), mono)
    worker = worker_for(runtime, rates={MailChannel.TELEGRAM: limiter}, sleep=mono.sleep)
    token = worker.senders[MailChannel.TELEGRAM].rate_key
    fake_telegram.fail_next("sendMessage", rate_limited(retry_after=1))

    assert await worker.run_once() == 1
    row = (await outbox(campaign))[ada.id]
    assert row.state is OutboxState.QUEUED and row.attempts == 0
    assert await limiter.current_rate(token) == RATE / 2
    assert await limiter.wait_time(token, "someone-else") == pytest.approx(1.0)
    assert mono.slept == []

    await worker.drain()
    await row.refresh_from_db()
    assert row.state is OutboxState.SENT
    text = "Hello Ada, new rates to Kano this week."
    assert messages_to(fake_telegram.calls, chat.chat_id) == [text, text]  # refused, then sent
    assert sum(mono.slept) == pytest.approx(1.0)  # waited out retry_after, no more
    assert RATE / 2 < await limiter.current_rate(token) <= RATE  # creeping back


async def test_other_messages_wait_for_the_token_too(runtime, fake_telegram):
    author = await marketer()
    people = [await client_on(name) for name in ("Ada", "Bola", "Chidi")]
    await campaign_for(author, [MailChannel.TELEGRAM])
    mono = Monotonic()
    limiter = LocalSendRate(Limits(rate=RATE, per_chat_interval=1.0), mono)
    worker = worker_for(runtime, rates={MailChannel.TELEGRAM: limiter}, sleep=mono.sleep)
    fake_telegram.fail_next("sendMessage", rate_limited(retry_after=3))

    await worker.drain()

    sent = [c for c in fake_telegram.calls if c.method == "sendMessage"]
    assert len(sent) == 4  # Ada refused once, then everyone once
    assert [str(c.params["chat_id"]) for c in sent[1:]] == [
        str(chat.chat_id) for _client, chat in (people[1], people[2], people[0])
    ]
    assert mono.slept[0] == pytest.approx(3.0)  # Bola waited for the whole token
    assert sum(mono.slept) < 3.5

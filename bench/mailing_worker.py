"""One mailing worker process for bench/mailing.py, built the way main.py builds it.

`build_worker` mirrors `Runtime._build_mailer` for Telegram: a `MessengerSender` over an
aiogram Bot from `build_telegram_bot` (with its retry middleware), a send-rate limiter of
`Limits(rate, per_chat_interval=1.0)` shared through Redis when REDIS_URL is set (in the
process otherwise), and `MailingWorker.run`. Run as a process it works until the given
campaign is no longer running, then exits:

    DATABASE_URL=... [REDIS_URL=...] .venv/bin/python -m bench.mailing_worker \
        --owner w1 --api-url http://127.0.0.1:PORT --campaign 7 --rate 30
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redis.asyncio import Redis

from bot.channels.telegram import build_telegram_bot
from bot.mailing_senders import MessengerSender
from core.db import close_db, init_db
from core.i18n import I18n
from core.models import Campaign, CampaignState, MailChannel
from core.ports import SystemClock
from core.services.mailing_worker import MailingWorker
from core.services.send_rate import Limits, LocalSendRate, RedisSendRate, SendRate

PUBLIC_URL = "http://ona.bench"
PAID_RATE = 1000.0  # Settings.telegram_paid_rate's default; no bench campaign pays


def build_worker(
    bot_token: str,
    api_url: str,
    rate: float,
    owner: str,
    *,
    redis: Redis | None,
    prefix: str,
    batch: int = 50,
) -> MailingWorker:
    """The worker main.py would build with TELEGRAM_RATE=rate and MAILING_WORKER_ID=owner."""
    i18n = I18n(default_locale="en")
    i18n.activate()

    def limiter(limits: Limits, key_prefix: str) -> SendRate:
        if redis is not None:
            return RedisSendRate(redis, limits, prefix=key_prefix)
        return LocalSendRate(limits)

    bot = build_telegram_bot(bot_token, api_url)
    return MailingWorker(
        {MailChannel.TELEGRAM: MessengerSender(bot, MailChannel.TELEGRAM, i18n)},
        {MailChannel.TELEGRAM: limiter(Limits(rate=rate, per_chat_interval=1.0), prefix)},
        SystemClock(),
        PUBLIC_URL,
        owner=owner,
        batch=batch,
        paid_rate=limiter(Limits(rate=PAID_RATE, per_chat_interval=1.0), f"{prefix}-paid"),
    )


async def close_worker(worker: MailingWorker) -> None:
    for sender in worker.senders.values():
        bot = getattr(sender, "bot", None)
        if bot is not None:
            await bot.session.close()


async def run_until_done(worker: MailingWorker, campaign_id: int, stop: asyncio.Event) -> None:
    """`worker.run` until the campaign is done (or cancelled), or until `stop` is set."""

    async def watch() -> None:
        while not stop.is_set():
            state = await Campaign.filter(id=campaign_id).values_list("state", flat=True)
            if not state or CampaignState(state[0]) is not CampaignState.RUNNING:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.25)
        stop.set()
        worker.wake()

    async with asyncio.TaskGroup() as group:
        group.create_task(watch())
        try:
            await worker.run(stop)
        finally:
            stop.set()


async def main(args: argparse.Namespace) -> None:
    redis = Redis.from_url(os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL") else None
    await init_db(os.environ["DATABASE_URL"])
    worker = build_worker(
        args.token,
        args.api_url,
        args.rate,
        args.owner,
        redis=redis,
        prefix=args.prefix,
        batch=args.batch,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await run_until_done(worker, args.campaign, stop)
    finally:
        await close_worker(worker)
        await close_db()
        if redis is not None:
            await redis.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owner", required=True, help="MAILING_WORKER_ID: keep it on restart")
    parser.add_argument("--api-url", required=True, help="the Bot API server")
    parser.add_argument("--token", default="424242:BENCH-token-for-the-fake-bot-api")
    parser.add_argument("--campaign", type=int, required=True)
    parser.add_argument("--rate", type=float, default=30.0, help="TELEGRAM_RATE")
    parser.add_argument("--prefix", default="ona:rate", help="Redis key prefix of the limiter")
    parser.add_argument("--batch", type=int, default=50, help="MAILING_BATCH")
    asyncio.run(main(parser.parse_args()))

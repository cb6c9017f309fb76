"""Webhook throughput: Ona's onboarding step against a bare aiogram echo bot, in one run.

Both bots receive the same kind of Telegram updates over real HTTP on their webhook endpoint
and answer through a local Bot API server; an update counts as done when its answer arrives
there. (a) is aiogram's own webhook handler with a one-line echo handler and no storage;
(b) is Ona's /webhook/telegram with `/start` from a new person: identity lookup and insert,
a dossier entry, FSM state, a translated answer with a keyboard. Prints updates/s, p50 and
p99 latency for each and the ratio b/a.

    .venv/bin/python bench/webhook.py [--updates 600] [--concurrency 16] [--rounds 3]

DATABASE_URL / REDIS_URL select PostgreSQL and Redis for (b); default is a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import load_settings
from core.db import migrate
from main import Runtime
from tests.fakes.recorder import start_server
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI

SECRET = "bench-secret"
_ids = itertools.count(1)


class ArrivalAPI(FakeTelegramAPI):
    """The fake Bot API, resolving a future when a chat's answer arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Future[float]] = {}

    async def record(self, method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage":
            future = self.waiting.pop(int(params["chat_id"]), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())


def start_update(user_id: int) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Bench"},
            "text": "/start",
        },
    }


async def drive(url: str, api: ArrivalAPI, updates: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    users = itertools.count(1_000_000 + secrets.randbelow(10**8))
    loop = asyncio.get_running_loop()

    async with aiohttp.ClientSession() as http:

        async def one() -> None:
            async with gate:
                user_id = next(users)
                arrived = loop.create_future()
                api.waiting[user_id] = arrived
                began = time.perf_counter()
                async with http.post(
                    url,
                    json=start_update(user_id),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                ) as response:
                    assert response.status == 200, response.status
                finished = await asyncio.wait_for(arrived, timeout=30)
                latencies.append(finished - began)

        await asyncio.gather(*(one() for _ in range(min(50, updates))))  # warm-up
        latencies.clear()
        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(updates)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rate": updates / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


async def echo_server(api_url: str) -> tuple[web.AppRunner, str, Bot]:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=SECRET).register(app, "/webhook/telegram")
    runner, url = await start_server(app)
    return runner, url, bot


async def main(updates: int, concurrency: int, rounds: int) -> None:
    api = ArrivalAPI()
    await api.start()
    runner, echo_url, echo_bot = await echo_server(api.url)

    workdir = tempfile.mkdtemp(prefix="ona-bench-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite://{workdir}/bench.sqlite3"
    settings = load_settings(
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL", ""),
        port=0,
        secret_key=secrets.token_urlsafe(40),
        public_url="http://ona.bench",
        telegram_bot_token=TOKEN,
        telegram_api_url=api.url,
        telegram_mode="webhook",
        telegram_webhook_secret=SECRET,
        viber_auth_token="",
    )
    await migrate(settings.database_url)
    ona = Runtime(settings)
    await ona.start()
    bare_runs: list[dict[str, float]] = []
    ona_runs: list[dict[str, float]] = []
    try:
        # Alternate the two so that neither profits from a quieter moment of the machine.
        for _ in range(rounds):
            bare_runs.append(
                await drive(f"{echo_url}/webhook/telegram", api, updates, concurrency)
            )
            ona_runs.append(
                await drive(f"{ona.base_url}/webhook/telegram", api, updates, concurrency)
            )
    finally:
        await ona.stop()
        await runner.cleanup()
        await echo_bot.session.close()
        await api.stop()

    def median(runs: list[dict[str, float]]) -> dict[str, float]:
        return {key: statistics.median(run[key] for run in runs) for key in runs[0]}

    bare, ours = median(bare_runs), median(ona_runs)
    backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    backend += " + Redis" if settings.redis_url else ""
    print(f"{updates} updates x {rounds} rounds, {concurrency} in flight, Ona on {backend}")
    print(f"{'(medians of the rounds)':28}{'updates/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for name, result in (("(a) bare aiogram echo", bare), ("(b) Ona onboarding /start", ours)):
        print(f"{name:28}{result['rate']:>10.0f}{result['p50']:>9.1f}{result['p99']:>9.1f}")
    ratios = [b["rate"] / a["rate"] for a, b in zip(bare_runs, ona_runs, strict=True)]
    print("ratio b/a per round: " + ", ".join(f"{r:.2f}" for r in ratios))
    print(f"ratio b/a (throughput, median): {statistics.median(ratios):.2f}")
    print(f"ratio a/b (p50 latency): {bare['p50'] / ours['p50']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.updates, arguments.concurrency, arguments.rounds))

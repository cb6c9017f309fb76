"""A local Bot API server that enforces Telegram's broadcast limit, for bench/mailing.py.

Listens on 127.0.0.1 only and answers `getMe` and `sendMessage` (any token). Every accepted
message is kept (monotonic time, chat id, text). The limit is a sliding window: at most
`limit` accepted messages in any `window` seconds; a message over it is refused with
429 `{"ok": false, "error_code": 429, "parameters": {"retry_after": N}}`, N the whole seconds
until the window has room again (at least 1, as Telegram gives whole seconds), and is not
counted in the window. A message to a chat that had one less than `chat_interval` seconds
earlier is accepted but counted as a per-chat violation, so the benchmark sees it rather than
a 429 that hides it.

For the kill-and-restart run the server can hold one answer: `hold_at(n)` makes the n-th
accepted message wait for `release` after it is recorded, so the sender can be killed while
the message has reached the platform but its answer has not reached the sender.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import json
import math
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

BOT_ID = 424242
TOKEN = f"{BOT_ID}:BENCH-token-for-the-fake-bot-api"


@dataclass(frozen=True, slots=True)
class Summary:
    sent: int  # accepted messages
    chats: int  # distinct chats that got at least one
    duplicates: int  # messages beyond the first to a chat
    throttled: int  # 429 answers
    chat_violations: int  # two messages to one chat within chat_interval
    first: float
    last: float
    max_in_window: int  # the most accepted messages in any window

    @property
    def span(self) -> float:
        return self.last - self.first

    @property
    def rate(self) -> float:
        """Sustained rate over the run: messages after the first, over the time they took."""
        return (self.sent - 1) / self.span if self.sent > 1 and self.span > 0 else 0.0


class RateLimitedBotAPI:
    def __init__(self, limit: int, window: float = 1.0, chat_interval: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self.chat_interval = chat_interval
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._recent: deque[float] = deque()
        self._last_to_chat: dict[int, float] = {}
        self._message_ids = itertools.count(1)
        self.times: list[float] = []
        self.chats: list[int] = []
        self.texts: list[str] = []
        self.throttled = 0
        self.chat_violations = 0
        self._hold_at: int | None = None
        self.held = asyncio.Event()
        self.release = asyncio.Event()
        self._reached: list[tuple[int, asyncio.Event]] = []

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def hold_at(self, n: int) -> None:
        """Keep the answer to the n-th accepted message until `release` is set."""
        self._hold_at = n
        self.held.clear()
        self.release.clear()

    def reached(self, n: int) -> asyncio.Event:
        """An event set once n messages have been accepted."""
        event = asyncio.Event()
        if len(self.times) >= n:
            event.set()
        else:
            self._reached.append((n, event))
        return event

    @property
    def sent(self) -> int:
        return len(self.times)

    def summary(self) -> Summary:
        counts = Counter(self.chats)
        most = 0
        for i, start in enumerate(self.times):
            # Messages in [start, start + window): the window the server enforced.
            most = max(most, bisect.bisect_left(self.times, start + self.window, lo=i) - i)
        return Summary(
            sent=len(self.times),
            chats=len(counts),
            duplicates=sum(n - 1 for n in counts.values()),
            throttled=self.throttled,
            chat_violations=self.chat_violations,
            first=self.times[0] if self.times else 0.0,
            last=self.times[-1] if self.times else 0.0,
            max_in_window=most,
        )

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        return {key: value for key, value in form.items() if isinstance(value, str)}

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "getMe":
            return _ok({"id": BOT_ID, "is_bot": True, "first_name": "Bench", "username": "bench"})
        if method != "sendMessage":
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        params = await self._params(request)
        chat_id = int(params["chat_id"])
        now = time.monotonic()
        recent = self._recent
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.limit:
            self.throttled += 1
            retry_after = max(1, math.ceil(recent[0] + self.window - now))
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status=429,
            )
        recent.append(now)
        last = self._last_to_chat.get(chat_id)
        if last is not None and now - last < self.chat_interval:
            self.chat_violations += 1
        self._last_to_chat[chat_id] = now
        self.times.append(now)
        self.chats.append(chat_id)
        self.texts.append(str(params.get("text", "")))
        count = len(self.times)
        for n, event in list(self._reached):
            if count >= n:
                event.set()
                self._reached.remove((n, event))
        if self._hold_at is not None and count == self._hold_at:
            self._hold_at = None
            self.held.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.release.wait(), 60)
        return _ok(
            {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        )


def _ok(result: Any) -> web.Response:
    return web.Response(
        text=json.dumps({"ok": True, "result": result}), content_type="application/json"
    )

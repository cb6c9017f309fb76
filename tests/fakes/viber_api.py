"""A local Viber REST API: records every call and answers like Viber does."""

from __future__ import annotations

import asyncio
import itertools

from aiohttp import web

from tests.fakes.recorder import Recorder, start_server

AUTH_TOKEN = "viber-test-auth-token-0123456789"


class FakeViberAPI(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._tokens = itertools.count(5_000_000_000_000_000_000)
        # Pictures and files users "sent": Viber hands the bot a URL to fetch each from.
        self.media: dict[str, bytes] = {}
        self._media_ids = itertools.count(1)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{endpoint}", self._handle)
        app.router.add_get("/media/{name}", self._media)
        self._runner, self.url = await start_server(app)

    def reset(self) -> None:
        super().reset()
        self.media.clear()

    def add_media(self, data: bytes, extension: str = "jpg") -> str:
        """Serve bytes like Viber's media storage does; returns the URL for the message."""
        name = f"m{next(self._media_ids)}.{extension}"
        self.media[name] = data
        return f"{self.url}/media/{name}"

    async def _media(self, request: web.Request) -> web.Response:
        data = self.media.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        await self.record("download", {"name": request.match_info["name"]})
        return web.Response(body=data, content_type="application/octet-stream")

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        endpoint = request.match_info["endpoint"]
        if request.headers.get("X-Viber-Auth-Token") != AUTH_TOKEN:
            return web.json_response({"status": 2, "status_message": "invalidAuthToken"})
        body = await request.json()
        await self.record(endpoint, body)
        failure = self.take_failure(endpoint)
        if failure is not None:
            if failure.delay:
                await asyncio.sleep(failure.delay)
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if endpoint == "set_webhook":
            self.webhook_url = body.get("url", "")
        if endpoint == "get_account_info":
            return web.json_response(
                {
                    "status": 0,
                    "status_message": "ok",
                    "name": "Ona",
                    "uri": "ona",
                    "webhook": getattr(self, "webhook_url", ""),
                    "subscribers_count": 0,
                }
            )
        return web.json_response(
            {"status": 0, "status_message": "ok", "message_token": next(self._tokens)}
        )

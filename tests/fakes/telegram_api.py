"""A local Bot API server: records every call and answers like Telegram does."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from aiohttp import web

from tests.fakes.recorder import Failure, Recorder, start_server

BOT_ID = 123456
TOKEN = f"{BOT_ID}:TEST-token-for-the-fake-api"


class FakeTelegramAPI(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._message_ids = itertools.count(1000)
        self._updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        # Files people "sent": file id → (path, bytes), served by getFile and /file/bot….
        self.files: dict[str, tuple[str, bytes]] = {}
        self._file_ids = itertools.count(1)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner, self.url = await start_server(app)

    def reset(self) -> None:
        super().reset()
        self.files.clear()

    def add_file(self, data: bytes, extension: str = "jpg") -> str:
        """Keep bytes as if a user had uploaded them; returns the file id to put in an update."""
        number = next(self._file_ids)
        file_id = f"AgACAgQAAxkBAAI{number:06d}"
        self.files[file_id] = (f"photos/file_{number}.{extension}", data)
        return file_id

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401}, status=401)
        path = request.match_info["path"]
        for stored_path, data in self.files.values():
            if stored_path == path:
                await self.record("downloadFile", {"path": path})
                return web.Response(body=data, content_type="application/octet-stream")
        return web.json_response({"ok": False, "error_code": 404}, status=404)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (polling mode)."""
        self._updates.put_nowait(update)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    params[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if method == "getUpdates":
            return await self._get_updates(params)
        await self.record(method, params)
        failure = self.take_failure(method)
        if failure is not None:
            if failure.delay:
                await asyncio.sleep(failure.delay)
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if method == "getFile" and str(params.get("file_id", "")) not in self.files:
            body = {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            return web.json_response(body, status=400)
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        timeout = float(params.get("timeout", 0) or 0)
        updates = []
        try:
            first = await asyncio.wait_for(self._updates.get(), timeout=max(timeout, 0.01))
            updates.append(first)
            while not self._updates.empty():
                updates.append(self._updates.get_nowait())
        except TimeoutError:
            pass
        return web.json_response({"ok": True, "result": updates})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Ona", "username": "ona_test_bot"}
        if method == "setWebhook":
            self.webhook_url = params.get("url", "")
        if method == "getWebhookInfo":
            return {
                "url": getattr(self, "webhook_url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
        if method == "getFile":
            return self._file(params)
        if method in {"sendMessage", "editMessageText"}:
            chat_id = int(params["chat_id"])
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        return True

    def _file(self, params: dict[str, Any]) -> Any:
        file_id = str(params["file_id"])
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": file_id[-8:],
            "file_size": len(data),
            "file_path": path,
        }


def rate_limited(retry_after: int = 1) -> Failure:
    return Failure(
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": retry_after},
        },
    )


def server_error() -> Failure:
    return Failure(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})


async def started() -> FakeTelegramAPI:
    fake = FakeTelegramAPI()
    await fake.start()
    return fake

"""The JSON API sub-application mounted at /api/v1."""

from __future__ import annotations

import json

from aiohttp import web
from redis.asyncio import Redis

from admin_web.api.docs import render_docs
from admin_web.api.keys import API_I18N, API_SETTINGS, DOCUMENT, OPERATIONS, RATE_LIMITER
from admin_web.api.middlewares import (
    add_rate_headers,
    auth_middleware,
    locale_middleware,
    problem_middleware,
)
from admin_web.api.openapi import build_document
from admin_web.api.registry import Operation, endpoint
from admin_web.api.resources import OPERATIONS as ALL_OPERATIONS
from core.config import Settings
from core.i18n import I18n
from core.services.ratelimit import RateLimiter, build_rate_limiter

API_VERSION = "1.0.0"


def create_api(
    settings: Settings,
    i18n: I18n,
    redis: Redis | None = None,
    *,
    operations: list[Operation] | None = None,
    rate_limiter: RateLimiter | None = None,
) -> web.Application:
    """The API: every declared operation, its OpenAPI document and the readable reference.

    The rate limiter counts in Redis when there is one (shared by every web process), in
    memory otherwise. The limit itself is read from `settings` on each request.
    """
    operations = ALL_OPERATIONS if operations is None else operations
    api = web.Application()
    api[API_SETTINGS] = settings
    api[API_I18N] = i18n
    api[RATE_LIMITER] = rate_limiter or build_rate_limiter(redis)
    api[OPERATIONS] = {op.operation_id: op for op in operations}
    document = build_document(operations, API_VERSION)
    api[DOCUMENT] = document
    document_json = json.dumps(document)
    docs_html = render_docs(document)

    async def openapi_json(request: web.Request) -> web.StreamResponse:
        return web.Response(text=document_json, content_type="application/json")

    async def docs_page(request: web.Request) -> web.StreamResponse:
        return web.Response(text=docs_html, content_type="text/html")

    api.middlewares.extend([locale_middleware, problem_middleware, auth_middleware])
    api.on_response_prepare.append(add_rate_headers)
    api.router.add_get("/openapi.json", openapi_json, name="openapi")
    api.router.add_get("/docs", docs_page, name="docs")
    for op in operations:
        api.router.add_route(op.method, op.path, endpoint(op), name=op.operation_id)
    return api

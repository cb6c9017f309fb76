"""Typed keys of the API sub-application."""

from __future__ import annotations

from aiohttp import web

from core.config import Settings
from core.i18n import I18n
from core.services.ratelimit import RateLimiter

API_SETTINGS = web.AppKey("api_settings", Settings)
API_I18N = web.AppKey("api_i18n", I18n)
RATE_LIMITER = web.AppKey("api_rate_limiter", RateLimiter)
# Route name -> Operation, for the auth middleware; names not in it are public.
OPERATIONS = web.AppKey("api_operations", dict)
# The OpenAPI document, built once at start-up from the same declarations.
DOCUMENT = web.AppKey("api_document", dict)

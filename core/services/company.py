"""The company's settings as every part of Ona reads them: cached briefly, seeded from env."""

from __future__ import annotations

import time
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from core.models import Company

_TTL_SECONDS = 30.0
_cached: tuple[float, Company] | None = None
# The zone pages and messages show times in; set per request from the company's settings.
display_zone: ContextVar[ZoneInfo | None] = ContextVar("display_zone", default=None)


_defaults = {"currency": "NGN", "timezone": "Africa/Lagos", "phone_region": "NG"}


def set_company_defaults(currency: str, timezone: str, phone_region: str = "NG") -> None:
    """What a brand-new company starts with: CURRENCY and TIMEZONE from the environment,
    and PHONE_REGION, the country assumed for phone numbers typed without a code."""
    _defaults.update(currency=currency, timezone=timezone, phone_region=phone_region)


def phone_region() -> str:
    return _defaults["phone_region"]


async def current_company(
    default_currency: str | None = None, default_zone: str | None = None
) -> Company:
    """The one Company row, created from the environment's defaults on first use.

    Cached for 30 s so pages pay no query for it; an edit in this process is seen at once,
    other processes see it within the TTL.
    """
    global _cached
    now = time.monotonic()
    if _cached is not None and now - _cached[0] < _TTL_SECONDS:
        return _cached[1]
    company, _created = await Company.get_or_create(
        id=1,
        defaults={
            "currency": default_currency or _defaults["currency"],
            "timezone": default_zone or _defaults["timezone"],
        },
    )
    _cached = (now, company)
    return company


def forget_company() -> None:
    global _cached
    _cached = None


def zone_of(company: Company) -> ZoneInfo:
    return ZoneInfo(company.timezone)

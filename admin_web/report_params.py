"""The period a report is asked for, read the same way wherever it is asked: a preset around
today in the company's time zone, or two dates, both included (core.services.reports.period).

The JSON API refuses a choice it cannot honour, naming the parameter; the panel's page
(admin_web/views/reports.py) may take the same `chosen_period` and fall back to this month
with the message instead.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from aiohttp import web

from admin_web.keys import CLOCK
from core.errors import InvalidInput
from core.i18n import N_
from core.services.reports.period import Period, Preset, custom_period, preset_period

# A day whose bounds fit a datetime in any time zone (year 1 or 9999 would not).
FIRST_YEAR, LAST_YEAR = 1900, 2200
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(raw: str) -> dt.date | None:
    """A day written as 2026-11-30, else None."""
    if not _ISO_DAY.fullmatch(raw):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def within_years(day: dt.date) -> bool:
    """Whether reports cover the day (whose bounds then fit a datetime in any zone)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def today_in(request: web.Request, zone: ZoneInfo) -> dt.date:
    """Today where the company is, by the app's clock (the tests set one)."""
    clock = request.config_dict.get(CLOCK)
    now = clock.now() if clock is not None else dt.datetime.now(dt.UTC)
    return now.astimezone(zone).date()


def chosen_period(
    preset: Preset | None,
    first: dt.date | None,
    last: dt.date | None,
    today: dt.date,
    zone: ZoneInfo,
) -> Period:
    """The period asked for. Dates make a custom period (with `preset` custom or absent),
    both needed and both included; without dates, the preset around `today`, this month
    by default. InvalidInput names the parameter to fix ("from" or "to")."""
    dated = first is not None or last is not None
    if preset is None:
        preset = Preset.CUSTOM if dated else Preset.THIS_MONTH
    if preset is not Preset.CUSTOM:
        if dated:
            raise InvalidInput(
                "from" if first is not None else "to", N_("Give dates only with period=custom.")
            )
        return preset_period(preset, today, zone)
    if first is None or last is None:
        raise InvalidInput("from" if first is None else "to", N_("Choose both dates."))
    return custom_period(first, last, zone)

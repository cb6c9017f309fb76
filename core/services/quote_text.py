"""How a quote reads, in the reader's language: the bot, the panel and reminders share it.

Works on the frozen options a Quote stores (see quote_requests.freeze_option), so what a
client is shown again later is exactly what they were offered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.core import Locale
from babel.dates import format_skeleton, format_time
from babel.numbers import format_decimal

from core.i18n import N_, _, current_locale, format_money, ngettext
from core.models import QuoteRequest

MODE_LABELS: dict[str, str] = {
    "road": N_("Road"),
    "rail": N_("Rail"),
    "sea": N_("Sea"),
    "air": N_("Air"),
}
CARGO_TYPE_LABELS: dict[str, str] = {
    "general": N_("General cargo"),
    "pallets": N_("Pallets"),
    "container_20": N_("Container 20'"),
    "container_40": N_("Container 40'"),
    "dangerous": N_("Dangerous goods"),
    "temperature_controlled": N_("Temperature-controlled"),
}
# The whole scale from time to cost, as the panel and the web chat (a wide screen) offer it;
# Telegram and Viber, with their narrow rows of buttons, offer the ends and the middle.
PRIORITY_SCALE: dict[int, str] = {
    1: N_("Fastest"),
    2: N_("Faster"),
    3: N_("Balanced"),
    4: N_("Cheaper"),
    5: N_("Cheapest"),
}
CHAT_PRIORITIES: dict[int, str] = {level: PRIORITY_SCALE[level] for level in (1, 3, 5)}


def moment_text(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """A day and time in the company's zone, in the reader's conventions ("3 Dec, 14:00")."""
    local = moment.astimezone(zone)
    locale = Locale.parse(current_locale())
    day = format_skeleton("MMMd", local, locale=locale)
    return f"{day}, {format_time(local, format='short', locale=locale)}"


def day_text(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return format_skeleton("yMMMd", moment.astimezone(zone), locale=Locale.parse(current_locale()))


def legs_text(option: dict[str, Any]) -> str:
    """ "Road Lagos → Ibadan, then Rail Ibadan → Kano"."""
    return _(", then ").join(
        _(
            "{mode} {origin} → {destination}",
            mode=_(MODE_LABELS[leg["mode"]]),
            origin=leg["origin"],
            destination=leg["destination"],
        )
        for leg in option["legs"]
    )


def transit_text(option: dict[str, Any]) -> str:
    start = dt.datetime.fromisoformat(option["departure"])
    end = dt.datetime.fromisoformat(option["arrival"])
    hours = int((end - start).total_seconds() // 3600)
    if hours < 48:
        return ngettext("{n} hour", "{n} hours", hours)
    days = -(-hours // 24)
    return ngettext("{n} day", "{n} days", days)


def price_text(option: dict[str, Any], currency: str) -> str:
    total = format_money(Decimal(option["total"]), currency)
    if Decimal(option["vat"]) == 0:
        return _("Price: {total}", total=total)
    return _(
        "Price: {price} + VAT {vat} = {total}",
        price=format_money(Decimal(option["price"]), currency),
        vat=format_money(Decimal(option["vat"]), currency),
        total=total,
    )


def option_text(number: int, option: dict[str, Any], currency: str, zone: dt.tzinfo) -> str:
    return "\n".join(
        (
            f"{number}. {legs_text(option)}",
            _(
                "Departs {departure}, arrives {arrival} ({transit})",
                departure=moment_text(dt.datetime.fromisoformat(option["departure"]), zone),
                arrival=moment_text(dt.datetime.fromisoformat(option["arrival"]), zone),
                transit=transit_text(option),
            ),
            price_text(option, currency),
        )
    )


def quote_text(
    quote_id: int,
    options: list[dict[str, Any]],
    currency: str,
    valid_until: dt.datetime,
    zone: dt.tzinfo,
) -> str:
    head = _(
        "Your quote #{number}, valid until {day}:",
        number=quote_id,
        day=day_text(valid_until, zone),
    )
    body = "\n\n".join(
        option_text(n, option, currency, zone) for n, option in enumerate(options, 1)
    )
    return f"{head}\n\n{body}"


def route_summary(request: QuoteRequest) -> str:
    """ "Lagos → Kano, 1200 kg": how staff see a request in one line."""
    return _(
        "{origin} → {destination}, {weight} kg",
        origin=request.origin_text,
        destination=request.destination_text,
        weight=format_decimal(
            request.weight_kg.normalize(), locale=Locale.parse(current_locale())
        ),
    )

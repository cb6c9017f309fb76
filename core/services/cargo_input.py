"""Reading what a person typed about their cargo: "1 200 kg", "2,5", "120x80x100 x 4", "3.12.2026".

Numbers follow the reader's locale (a Russian "2,5" is two and a half) through Babel; any
mistake is an InvalidInput naming the field, with a message that says what to type.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.core import Locale
from babel.dates import format_date, parse_date
from babel.numbers import NumberFormatError, parse_decimal

from core.errors import InvalidInput
from core.i18n import N_, current_locale
from core.services.pricing import Dimensions

_UNITS = re.compile(r"[^\d.,\s\u00a0\u202f-]+$")
_SEPARATOR = re.compile(r"\s*[x×хХ*]\s*", re.IGNORECASE)
MAX_TEXT = 60


def parse_number(text: str, field: str, message: str) -> Decimal:
    """A decimal in the reader's locale or with a dot; a trailing unit ("kg", "м3") is ignored."""
    cleaned = _UNITS.sub("", text.strip()[:MAX_TEXT]).strip()
    for candidate in (cleaned, cleaned.replace(" ", "").replace(",", ".")):
        try:
            value = parse_decimal(candidate, locale=Locale.parse(current_locale()), strict=True)
        except (NumberFormatError, InvalidOperation, ValueError):
            try:
                value = Decimal(candidate)
            except (InvalidOperation, ValueError):
                continue
        if value.is_finite():
            return value
    raise InvalidInput(field, message)


def parse_weight(text: str) -> Decimal:
    return parse_number(
        text, "weight", N_("Please type the weight in kilograms as a number, e.g. 1200.")
    )


@dataclass(frozen=True, slots=True)
class Size:
    """Either a total volume, or one piece's sides and the number of pieces."""

    volume_m3: Decimal | None = None
    dimensions: Dimensions | None = None
    pieces: int = 1


SIZE_HELP = N_(
    "Please type the total volume in m³ (e.g. 2.5), or one piece's length × width × height "
    "in cm and the number of pieces (e.g. 120x80x100x4)."
)


def parse_size(text: str) -> Size:
    parts = [p for p in _SEPARATOR.split(text.strip()[:MAX_TEXT]) if p]
    if len(parts) == 1:
        return Size(volume_m3=parse_number(parts[0], "volume", SIZE_HELP))
    if len(parts) not in (3, 4):
        raise InvalidInput("dimensions", SIZE_HELP)
    sides = [parse_number(p, "dimensions", SIZE_HELP) for p in parts[:3]]
    pieces = 1
    if len(parts) == 4:
        count = parse_number(parts[3], "pieces", SIZE_HELP)
        if count != count.to_integral_value():
            raise InvalidInput(
                "pieces", N_("The number of pieces must be a whole number, 1 or more.")
            )
        pieces = int(count)
    return Size(dimensions=Dimensions(*sides), pieces=pieces)


def parse_day(text: str) -> dt.date:
    """A date as the reader writes it (3.12.2026, 12/3/2026 in English) or ISO 2026-12-03."""
    cleaned = text.strip()[:MAX_TEXT]
    try:
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        pass
    try:
        return parse_date(cleaned, locale=Locale.parse(current_locale()))
    except (ValueError, IndexError):
        raise InvalidInput(
            "ready",
            N_("Please type the date like {example}, or pick a button."),
            example=_example(),
        ) from None


def _example() -> str:
    return format_date(dt.date(2026, 12, 3), format="short", locale=Locale.parse(current_locale()))

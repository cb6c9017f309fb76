"""Rounding and VAT: the two places where a price could fail to add up.

Each currency is rounded to its own minor unit (Babel's CLDR data: NGN 2 digits, JPY 0,
KWD 3) with ROUND_HALF_UP, the "commercial" rounding a client checks by hand. Banker's
rounding (half-even) removes a statistical bias over millions of lines, but a single quote
where 0.125 becomes 0.12 looks like an error to the person reading it; the bias is at most
half a minor unit per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision, is_currency

from core.errors import InvalidInput
from core.i18n import N_


def currency_digits(currency: str) -> int:
    """Minor-unit digits of an ISO 4217 code; an unknown code is bad input, not 2 digits."""
    if not isinstance(currency, str):
        raise InvalidInput(
            "currency", N_("Unknown currency. Use its three-letter code, for example NGN.")
        )
    return _digits(currency)


@cache
def _digits(currency: str) -> int:
    # Cached: CLDR lookups cost more than pricing a lane, and a quote rounds hundreds of times.
    if not is_currency(currency):
        raise InvalidInput(
            "currency", N_("Unknown currency. Use its three-letter code, for example NGN.")
        )
    return get_currency_precision(currency)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor unit (always that many digits)."""
    return amount.quantize(Decimal(1).scaleb(-currency_digits(currency)), ROUND_HALF_UP)


@dataclass(frozen=True)
class VatBreakdown:
    """net + vat == gross exactly, in the currency's minor unit."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str
    vat_rate: Decimal
    prices_include_vat: bool


def apply_vat(
    amount: Decimal, currency: str, vat_rate: Decimal, *, prices_include_vat: bool
) -> VatBreakdown:
    """Split or extend `amount` by VAT (`vat_rate` is a fraction: 0.075 for 7.5%).

    VAT added: `amount` is net; vat = round(net × rate). Prices include VAT: `amount` is
    gross; net = round(gross ÷ (1 + rate)) and vat is the remainder, so the gross the client
    was promised never moves by a minor unit.
    """
    if not isinstance(vat_rate, Decimal) or not vat_rate.is_finite() or vat_rate < 0:
        raise InvalidInput("vat_rate", N_("The VAT rate must be zero or more."))
    amount = round_money(amount, currency)
    if prices_include_vat:
        gross = amount
        net = round_money(gross / (1 + vat_rate), currency)
        vat = gross - net
    else:
        net = amount
        vat = round_money(net * vat_rate, currency)
        gross = net + vat
    return VatBreakdown(
        net=net,
        vat=vat,
        gross=gross,
        currency=currency,
        vat_rate=vat_rate,
        prices_include_vat=prices_include_vat,
    )

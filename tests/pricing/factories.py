"""Small builders so each test states only the numbers its arithmetic uses."""

from __future__ import annotations

from decimal import Decimal

from core.services.pricing import (
    Basis,
    Mode,
    Surcharge,
    SurchargeCode,
    SurchargeKind,
    Tariff,
    WeightBreak,
)

D = Decimal


def breaks(*pairs: tuple[str, str]) -> tuple[WeightBreak, ...]:
    """breaks(("0", "5.00"), ("100", "4.20")) -> weight breaks from kg, rate per kg."""
    return tuple(WeightBreak(D(start), D(rate)) for start, rate in pairs)


# The break table of the issue: 0–100 kg 5.00/kg, 100–500 kg 4.20/kg, 500 kg and over 3.80/kg.
STANDARD_BREAKS = breaks(("0", "5.00"), ("100", "4.20"), ("500", "3.80"))


def per_kg(
    rate_breaks: tuple[WeightBreak, ...] = STANDARD_BREAKS,
    *,
    currency: str = "NGN",
    mode: Mode = Mode.ROAD,
    **kwargs,
) -> Tariff:
    return Tariff(mode=mode, basis=Basis.PER_KG, currency=currency, breaks=rate_breaks, **kwargs)


def flat_rate(rate: str, basis: Basis, *, currency: str = "NGN", **kwargs) -> Tariff:
    kwargs.setdefault("mode", Mode.ROAD)
    return Tariff(basis=basis, currency=currency, rate=D(rate), **kwargs)


def percent(code: SurchargeCode, fraction: str, minimum: str = "0") -> Surcharge:
    return Surcharge(code, SurchargeKind.PERCENT, D(fraction), D(minimum))


def fee(code: SurchargeCode, amount: str) -> Surcharge:
    return Surcharge(code, SurchargeKind.FLAT, D(amount))

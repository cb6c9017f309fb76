"""Pricing a cargo with a tariff: a breakdown whose lines add up to the total exactly.

Order of work, which the docs/pricing.md examples follow:
1. chargeable weight = max(actual, volume × the mode's volumetric factor);
2. base freight = billed quantity × rate, raised to the tariff's minimum, rounded;
3. each surcharge from the rounded base freight (insurance: from the declared value),
   raised to its own minimum, rounded;
4. total = the sum of the rounded lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.errors import OnaError
from core.i18n import N_
from core.services.pricing.cargo import (
    Cargo,
    CargoType,
    Mode,
    chargeable_weight,
    volumetric_factor,
    volumetric_weight,
)
from core.services.pricing.money import round_money
from core.services.pricing.tariffs import (
    Basis,
    LaneRef,
    PriceList,
    Surcharge,
    SurchargeCode,
    SurchargeKind,
    Tariff,
    WeightBreak,
    select_tariff,
)


class CurrencyMismatch(OnaError):
    """A price and a cost in different currencies: there is no FX conversion yet."""

    msgid = N_("The price is in {price} but the cost is in {cost}; they cannot be compared yet.")


@dataclass(frozen=True)
class ChargeLine:
    code: SurchargeCode
    amount: Decimal


@dataclass(frozen=True)
class Charge:
    """A price (client side) or a cost (carrier side), with everything needed to explain it.

    `billed_quantity` × `unit_rate` is the base freight before the minimum: kg for PER_KG
    (a higher break's minimum when the next-break rule won), m³ for PER_M3, pieces for
    PER_PALLET and PER_CONTAINER, 1 for FLAT. All amounts are rounded to the currency and
    `total == base_freight + sum(line.amount for line in surcharges)` exactly.
    """

    currency: str
    tariff: Tariff
    actual_weight_kg: Decimal
    volumetric_weight_kg: Decimal
    chargeable_weight_kg: Decimal
    billed_quantity: Decimal
    unit_rate: Decimal
    base_freight: Decimal
    minimum_applied: bool
    surcharges: tuple[ChargeLine, ...]
    total: Decimal

    def surcharge(self, code: SurchargeCode) -> Decimal:
        """The amount of one surcharge line, 0 when it did not apply."""
        return sum((line.amount for line in self.surcharges if line.code == code), Decimal(0))


@dataclass(frozen=True)
class Margin:
    """price − cost; `rate` is margin ÷ price to 4 places (None for a zero price)."""

    amount: Decimal
    currency: str
    rate: Decimal | None


def price_with_tariff(
    tariff: Tariff,
    cargo: Cargo,
    *,
    pickup: bool = False,
    delivery: bool = False,
    volumetric_factors: Mapping[Mode, Decimal] | None = None,
) -> Charge | None:
    """Price `cargo` with one tariff; None when the tariff cannot price this cargo type.

    This is the carrier-cost entry point (a lane has its own tariff); a client price goes
    through `quote_lane`, which first picks the tariff from a price list.
    """
    if not tariff.prices(cargo.cargo_type):
        return None
    currency = tariff.currency
    chargeable = chargeable_weight(cargo, tariff.mode, volumetric_factors)
    quantity, rate = _billed(tariff, cargo, chargeable, volumetric_factors)
    raw = quantity * rate
    minimum_applied = raw < tariff.minimum_charge
    base = round_money(max(raw, tariff.minimum_charge), currency)
    lines = tuple(
        ChargeLine(s.code, _surcharge_amount(s, base, cargo, currency))
        for s in tariff.surcharges
        if _surcharge_applies(s.code, cargo, pickup=pickup, delivery=delivery)
    )
    return Charge(
        currency=currency,
        tariff=tariff,
        actual_weight_kg=cargo.weight_kg,
        volumetric_weight_kg=volumetric_weight(cargo, tariff.mode, volumetric_factors),
        chargeable_weight_kg=chargeable,
        billed_quantity=quantity,
        unit_rate=rate,
        base_freight=base,
        minimum_applied=minimum_applied,
        surcharges=lines,
        total=base + sum((line.amount for line in lines), Decimal(0)),
    )


def quote_lane(
    price_list: PriceList,
    lane: LaneRef,
    cargo: Cargo,
    on_date: dt.date,
    *,
    pickup: bool = False,
    delivery: bool = False,
    volumetric_factors: Mapping[Mode, Decimal] | None = None,
) -> Charge | None:
    """The price of `cargo` on `lane` from `price_list` on `on_date`, or None if no tariff
    matches (the route engine drops the lane, or a manager prices it by hand)."""
    tariff = select_tariff(price_list, lane, cargo.cargo_type, on_date)
    if tariff is None:
        return None
    return price_with_tariff(
        tariff, cargo, pickup=pickup, delivery=delivery, volumetric_factors=volumetric_factors
    )


def margin(price: Charge, *costs: Charge) -> Margin:
    """Price minus the sum of the costs (one per leg); all must share the price's currency."""
    for cost in costs:
        if cost.currency != price.currency:
            raise CurrencyMismatch(price=price.currency, cost=cost.currency)
    amount = price.total - sum((cost.total for cost in costs), Decimal(0))
    rate = None
    if price.total:
        rate = (amount / price.total).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return Margin(amount=amount, currency=price.currency, rate=rate)


def weight_break_charge(
    breaks: tuple[WeightBreak, ...], weight_kg: Decimal, *, next_break_cheaper: bool
) -> tuple[Decimal, Decimal]:
    """(billed kg, rate per kg) for a weight under a break table.

    The break the weight falls into prices the whole weight. With the next-break rule, a
    higher break's minimum weight × its rate is used instead when that is cheaper (90 kg at
    5.00 = 450.00, but 100 kg at 4.20 = 420.00, so bill 100 kg): a heavier shipment then
    never costs less than a lighter one. On a tie the actual weight is billed.
    """
    index = max(i for i, b in enumerate(breaks) if b.from_kg <= weight_kg)
    options = [(weight_kg, breaks[index].rate)]
    if next_break_cheaper:
        options += [(b.from_kg, b.rate) for b in breaks[index + 1 :]]
    return min(options, key=lambda option: (option[0] * option[1], option[0]))


def _billed(
    tariff: Tariff,
    cargo: Cargo,
    chargeable_kg: Decimal,
    factors: Mapping[Mode, Decimal] | None,
) -> tuple[Decimal, Decimal]:
    if tariff.basis == Basis.PER_KG:
        return weight_break_charge(
            tariff.breaks, chargeable_kg, next_break_cheaper=tariff.next_break_cheaper
        )
    if tariff.basis == Basis.PER_M3:
        # W/M: a dense cargo pays for its weight in m³ equivalents, so a quote without a
        # volume still has a price.
        return chargeable_kg / volumetric_factor(tariff.mode, factors), tariff.rate
    if tariff.basis in (Basis.PER_PALLET, Basis.PER_CONTAINER):
        return Decimal(cargo.pieces), tariff.rate
    return Decimal(1), tariff.rate


def _surcharge_applies(code: SurchargeCode, cargo: Cargo, *, pickup: bool, delivery: bool) -> bool:
    if code == SurchargeCode.INSURANCE:
        return cargo.declared_value is not None
    if code == SurchargeCode.DANGEROUS_GOODS:
        return cargo.cargo_type == CargoType.DANGEROUS
    if code == SurchargeCode.TEMPERATURE_CONTROL:
        return cargo.cargo_type == CargoType.TEMPERATURE_CONTROLLED
    if code == SurchargeCode.PICKUP:
        return pickup
    if code == SurchargeCode.DELIVERY:
        return delivery
    return True


def _surcharge_amount(
    surcharge: Surcharge, base_freight: Decimal, cargo: Cargo, currency: str
) -> Decimal:
    if surcharge.kind == SurchargeKind.FLAT:
        amount = surcharge.value
    else:
        of = base_freight
        if surcharge.code == SurchargeCode.INSURANCE:
            of = cargo.declared_value or Decimal(0)
        amount = of * surcharge.value
    return round_money(max(amount, surcharge.minimum), currency)

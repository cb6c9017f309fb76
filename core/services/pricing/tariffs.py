"""The tariff model: price lists of tariffs, and which one prices a given lane and cargo.

The same model serves both sides of a deal: a client's (or the main) price list gives the
price, a carrier lane's tariff gives the cost, so every option has a margin. Everything is a
frozen dataclass of Decimals so rows loaded from the database can be cached and shared by the
route engine without anyone mutating a rate under it. Construction checks what an admin
could get wrong in a form and raises InvalidInput naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from core.errors import InvalidInput
from core.i18n import N_
from core.services.pricing.cargo import CONTAINER_TYPES, CargoType, Mode
from core.services.pricing.money import currency_digits


class Basis(StrEnum):
    """What the base freight is counted in."""

    PER_KG = "per_kg"  # chargeable weight, with weight breaks
    PER_M3 = "per_m3"  # chargeable volume = chargeable weight ÷ volumetric factor (W/M)
    PER_PALLET = "per_pallet"  # pieces
    PER_CONTAINER = "per_container"  # pieces
    FLAT = "flat"  # one shipment


class SurchargeCode(StrEnum):
    FUEL = "fuel"
    INSURANCE = "insurance"
    DANGEROUS_GOODS = "dangerous_goods"
    TEMPERATURE_CONTROL = "temperature_control"
    PICKUP = "pickup"
    DELIVERY = "delivery"


class SurchargeKind(StrEnum):
    FLAT = "flat"  # an amount per shipment
    PERCENT = "percent"  # a fraction of the base freight (insurance: of the declared value)


@dataclass(frozen=True)
class WeightBreak:
    """From `from_kg` (inclusive) up to the next break, every kg costs `rate`."""

    from_kg: Decimal
    rate: Decimal


@dataclass(frozen=True)
class Surcharge:
    """One extra line; `value` is an amount (FLAT) or a fraction, 0.12 = 12% (PERCENT).

    When it applies is fixed by its code: fuel always; insurance when a value is declared;
    dangerous goods and temperature control for those cargo types; pickup and delivery when
    the client asks for them. `minimum` raises a small percentage to a floor (insurance).
    """

    code: SurchargeCode
    kind: SurchargeKind
    value: Decimal
    minimum: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        _check_amount(self.value)
        _check_amount(self.minimum)


@dataclass(frozen=True)
class LaneScope:
    """Exactly this origin → destination (location ids)."""

    origin_id: int
    destination_id: int


@dataclass(frozen=True)
class ZoneScope:
    """Any location of the origin zone → any of the destination zone (zone ids)."""

    origin_zone_id: int
    destination_zone_id: int


@dataclass(frozen=True)
class ModeWide:
    """Every lane of the tariff's mode."""


Scope = LaneScope | ZoneScope | ModeWide
SCOPE_RANK: Mapping[type, int] = {LaneScope: 3, ZoneScope: 2, ModeWide: 1}


@dataclass(frozen=True)
class LaneRef:
    """A lane to price: its ends, its mode, and zone membership (zone id → location ids)."""

    origin_id: int
    destination_id: int
    mode: Mode
    zones: Mapping[int, frozenset[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Tariff:
    """One line of a price list (or a carrier lane's cost).

    PER_KG uses `breaks` (the first at 0 kg); every other basis uses `rate`. `cargo_types`
    empty means every type the basis can count: all of them, except that PER_PALLET prices
    only pallets and PER_CONTAINER only containers unless the types are listed explicitly.
    `next_break_cheaper` bills the weight at a higher break's minimum when that is cheaper.
    Validity dates are inclusive; None is open-ended.
    """

    mode: Mode
    basis: Basis
    currency: str
    scope: Scope = field(default_factory=ModeWide)
    rate: Decimal = Decimal(0)
    breaks: tuple[WeightBreak, ...] = ()
    cargo_types: frozenset[CargoType] = frozenset()
    minimum_charge: Decimal = Decimal(0)
    surcharges: tuple[Surcharge, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    next_break_cheaper: bool = True
    id: int | None = None

    def __post_init__(self) -> None:
        currency_digits(self.currency)
        _check_amount(self.rate)
        _check_amount(self.minimum_charge)
        _check_dates(self.valid_from, self.valid_to)
        if self.basis == Basis.PER_KG:
            _check_breaks(self.breaks)
        elif self.breaks:
            raise InvalidInput("breaks", N_("Only a per-kg tariff has weight breaks."))
        codes = [s.code for s in self.surcharges]
        if len(codes) != len(set(codes)):
            raise InvalidInput("surcharges", N_("Each surcharge may appear only once."))

    def prices(self, cargo_type: CargoType) -> bool:
        """Whether this tariff may price this cargo type at all."""
        if self.cargo_types:
            return cargo_type in self.cargo_types
        if self.basis == Basis.PER_PALLET:
            return cargo_type == CargoType.PALLETS
        if self.basis == Basis.PER_CONTAINER:
            return cargo_type in CONTAINER_TYPES
        return True

    def covers(self, lane: LaneRef) -> bool:
        if lane.mode != self.mode:
            return False
        scope = self.scope
        if isinstance(scope, LaneScope):
            return (scope.origin_id, scope.destination_id) == (lane.origin_id, lane.destination_id)
        if isinstance(scope, ZoneScope):
            return lane.origin_id in lane.zones.get(
                scope.origin_zone_id, ()
            ) and lane.destination_id in lane.zones.get(scope.destination_zone_id, ())
        return True

    def valid_on(self, on_date: dt.date) -> bool:
        return _valid_on(self.valid_from, self.valid_to, on_date)


@dataclass(frozen=True)
class PriceList:
    """A named set of tariffs in one currency: the main list, or one client's own list."""

    name: str
    currency: str
    tariffs: tuple[Tariff, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    is_main: bool = False
    client_id: int | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        currency_digits(self.currency)
        _check_dates(self.valid_from, self.valid_to)
        if self.is_main and self.client_id is not None:
            raise ValueError("the main price list belongs to no client")
        if any(t.currency != self.currency for t in self.tariffs):
            raise InvalidInput(
                "currency", N_("Every tariff in a price list must be in the list's currency.")
            )

    def valid_on(self, on_date: dt.date) -> bool:
        return _valid_on(self.valid_from, self.valid_to, on_date)


def applicable_price_list(
    client_lists: Iterable[PriceList], main_list: PriceList | None, on_date: dt.date
) -> PriceList | None:
    """The client's own list valid on `on_date`, else the main list if valid, else None.

    An expired (or not yet started) client list falls back to the main list. Of several
    valid client lists the latest-started wins, then the highest id: a renewed contract
    supersedes the old one even if their dates overlap.
    """
    valid = [pl for pl in client_lists if not pl.is_main and pl.valid_on(on_date)]
    if valid:
        return max(valid, key=lambda pl: (pl.valid_from or dt.date.min, pl.id or 0))
    if main_list is not None and main_list.valid_on(on_date):
        return main_list
    return None


def select_tariff(
    price_list: PriceList, lane: LaneRef, cargo_type: CargoType, on_date: dt.date
) -> Tariff | None:
    """The one tariff of `price_list` that prices this lane and cargo type on this date.

    Most specific wins: a lane tariff beats a zone tariff beats a mode-wide one; at the
    same scope one listing cargo types beats one for all types; then the latest-started
    validity; then the earlier position in the list. None when nothing matches (or the list
    itself is not valid on the date): the lane is dropped or a manager prices it by hand.
    """
    if not price_list.valid_on(on_date):
        return None
    candidates = [
        (
            SCOPE_RANK[type(t.scope)],
            bool(t.cargo_types),
            t.valid_from or dt.date.min,
            -position,
            t,
        )
        for position, t in enumerate(price_list.tariffs)
        if t.covers(lane) and t.prices(cargo_type) and t.valid_on(on_date)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[:4])[4]


def _valid_on(valid_from: dt.date | None, valid_to: dt.date | None, on_date: dt.date) -> bool:
    return (valid_from is None or valid_from <= on_date) and (
        valid_to is None or on_date <= valid_to
    )


def _check_amount(value: Decimal) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"rates and amounts must be Decimal, got {type(value).__name__}")
    if not value.is_finite() or value < 0:
        raise InvalidInput("rate", N_("Rates and charges must be zero or more."))


def _check_dates(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise InvalidInput("valid_to", N_("The end date must not be before the start date."))


def _check_breaks(breaks: tuple[WeightBreak, ...]) -> None:
    """Breaks start at 0 kg and strictly increase, so every weight falls in exactly one."""
    for b in breaks:
        _check_amount(b.from_kg)
        _check_amount(b.rate)
    starts = [b.from_kg for b in breaks]
    if not starts or starts[0] != 0 or any(a >= b for a, b in pairwise(starts)):
        raise InvalidInput("breaks", N_("Weight breaks must start at 0 kg and go up."))

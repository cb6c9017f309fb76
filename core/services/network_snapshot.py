"""The stored network as the engines take it, built once and kept per process.

Loading and converting every lane, tariff and price list is most of what a quote costs (the
route search itself takes about a millisecond, see bench/quote.py), so it is done once and
reused until something changes. The panel's network sections drop it once their change has
committed (`Section.committed`), and any save or delete of a location, zone, lane, price list
or tariff drops it too (Tortoise signals, which fire inside the transaction: a quote running
between the signal and the commit could rebuild from the old rows, and the drop after the
commit is what undoes that). Other processes pick changes up within SNAPSHOT_TTL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from tortoise.signals import post_delete, post_save

from core.models import Lane, Location, PriceList, Tariff, Zone
from core.services import pricing, routing

SNAPSHOT_TTL = 30.0  # seconds another process's edit may take to reach this one's quotes


@dataclass(frozen=True, slots=True)
class LaneEntry:
    """A lane with what deciding whether a cargo may use it needs, and its carrier costs."""

    id: int
    origin: int
    destination: int
    mode: pricing.Mode
    carrier_id: int
    transit_minutes: int
    schedule: routing.WeeklySchedule | None
    cargo_types: frozenset[str]
    capacity_kg: Decimal | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    costs: tuple[pricing.Tariff, ...]
    route_lane: routing.Lane  # the same lane as the route engine takes it

    def usable(
        self, cargo: pricing.Cargo, day: dt.date, factors: dict[pricing.Mode, Decimal] | None
    ) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_to and day > self.valid_to:
            return False
        if self.cargo_types and cargo.cargo_type.value not in self.cargo_types:
            return False
        chargeable = pricing.chargeable_weight(cargo, self.mode, factors)
        return self.capacity_kg is None or chargeable <= self.capacity_kg


GRAPHS_KEPT = 8  # route graphs per snapshot: one per distinct set of lanes a cargo may use


@dataclass(frozen=True, slots=True)
class Snapshot:
    lanes: tuple[LaneEntry, ...]
    price_lists: tuple[pricing.PriceList, ...]
    zone_members: dict[int, frozenset[int]]
    transfers: dict[int, routing.Transfer]
    graphs: dict[frozenset[int], routing.Network] = field(default_factory=dict)

    def graph(self, lanes: list[LaneEntry]) -> routing.Network:
        """The route graph over these lanes; most cargo may use the same lanes, so it is kept."""
        key = frozenset(lane.id for lane in lanes)
        found = self.graphs.get(key)
        if found is None:
            found = routing.Network.build(
                (lane.route_lane for lane in lanes), self.transfers.values()
            )
            if len(self.graphs) >= GRAPHS_KEPT:
                self.graphs.pop(next(iter(self.graphs)))
            self.graphs[key] = found
        return found

    @property
    def main_list(self) -> pricing.PriceList | None:
        return next((pl for pl in self.price_lists if pl.is_main), None)

    def client_lists(self, client_id: int | None) -> list[pricing.PriceList]:
        if client_id is None:
            return []
        return [pl for pl in self.price_lists if pl.client_id == client_id]


class _Cache:
    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.built_at = 0.0
        self.generation = 0
        self.lock = asyncio.Lock()

    def forget(self) -> None:
        self.snapshot = None
        self.generation += 1


_cache = _Cache()


def forget_network() -> None:
    """Drop the snapshot: the next quote loads the network again."""
    _cache.forget()


async def network_snapshot() -> Snapshot:
    fresh = time.monotonic() - _cache.built_at < SNAPSHOT_TTL
    if _cache.snapshot is not None and fresh:
        return _cache.snapshot
    async with _cache.lock:
        if _cache.snapshot is not None and time.monotonic() - _cache.built_at < SNAPSHOT_TTL:
            return _cache.snapshot
        generation = _cache.generation
        snapshot = await _load()
        # An edit made while loading may not be in what was read: use it once, keep nothing.
        if generation == _cache.generation:
            _cache.snapshot, _cache.built_at = snapshot, time.monotonic()
        return snapshot


async def _load() -> Snapshot:
    """Rows as plain values, not model objects: building thousands of those is most of a load."""
    tariffs: dict[tuple[str, int], list[pricing.Tariff]] = {}
    for values in await Tariff.all().values(*TARIFF_FIELDS):
        row = SimpleNamespace(**values)
        owner = ("lane", row.lane_id) if row.lane_id is not None else ("list", row.price_list_id)
        tariffs.setdefault(owner, []).append(engine_tariff(row))  # type: ignore[arg-type]
    lane_rows = [
        SimpleNamespace(**values)
        for values in await Lane.filter(is_active=True).order_by("id").values(*LANE_FIELDS)
    ]
    price_rows = [
        SimpleNamespace(**values)
        for values in await PriceList.filter(is_active=True).order_by("id").values(*LIST_FIELDS)
    ]
    members: dict[int, set[int]] = {}
    for zone_id, location_id in await Zone.all().values_list("id", "locations__id"):
        if location_id is not None:
            members.setdefault(zone_id, set()).add(location_id)
    ends = {end for lane in lane_rows for end in (lane.origin_id, lane.destination_id)}
    transfers = {
        loc_id: routing.Transfer(loc_id, minutes, Decimal(cost))
        for loc_id, minutes, cost in await Location.filter(id__in=ends).values_list(
            "id", "transfer_minutes", "transfer_cost"
        )
        if minutes or cost
    }
    return Snapshot(
        lanes=tuple(_lane(row, tariffs.get(("lane", row.id), [])) for row in lane_rows),
        price_lists=tuple(
            _price_list(row, tariffs.get(("list", row.id), [])) for row in price_rows
        ),
        zone_members={zone_id: frozenset(ids) for zone_id, ids in members.items()},
        transfers=transfers,
    )


TARIFF_FIELDS = (
    "id", "lane_id", "price_list_id", "mode", "basis", "currency", "origin_id",
    "destination_id", "origin_zone_id", "destination_zone_id", "rate", "breaks", "cargo_types",
    "minimum_charge", "surcharges", "valid_from", "valid_to", "next_break_cheaper",
)  # fmt: skip
LANE_FIELDS = (
    "id", "origin_id", "destination_id", "mode", "carrier_id", "transit_minutes",
    "departure_days", "departure_time", "cargo_types", "capacity_kg", "valid_from", "valid_to",
)  # fmt: skip
LIST_FIELDS = ("id", "name", "currency", "is_main", "client_id", "valid_from", "valid_to")


def _lane(row: Any, costs: list[pricing.Tariff]) -> LaneEntry:
    schedule = _schedule(row)
    return LaneEntry(
        id=row.id,
        origin=row.origin_id,  # type: ignore[attr-defined]
        destination=row.destination_id,  # type: ignore[attr-defined]
        mode=pricing.Mode(row.mode),
        carrier_id=row.carrier_id,  # type: ignore[attr-defined]
        transit_minutes=row.transit_minutes,
        schedule=schedule,
        cargo_types=frozenset(row.cargo_types or ()),
        capacity_kg=None if row.capacity_kg is None else Decimal(row.capacity_kg),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        costs=tuple(costs),
        route_lane=routing.Lane(
            row.id,
            row.origin_id,  # type: ignore[attr-defined]
            row.destination_id,  # type: ignore[attr-defined]
            routing.Mode(row.mode),
            row.carrier_id,  # type: ignore[attr-defined]
            row.transit_minutes,
            schedule,
        ),
    )


def _schedule(lane: Any) -> routing.WeeklySchedule | None:
    if not lane.departure_days or not lane.departure_time:
        return None
    hours, minutes = (int(part) for part in lane.departure_time.split(":"))
    return routing.WeeklySchedule(frozenset(lane.departure_days), hours * 60 + minutes)


def _price_list(row: Any, tariffs: list[pricing.Tariff]) -> pricing.PriceList:
    return pricing.PriceList(
        id=row.id,
        name=row.name,
        currency=row.currency,
        tariffs=tuple(tariffs),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        is_main=row.is_main,
        client_id=row.client_id,  # type: ignore[attr-defined]
    )


def engine_tariff(row: Any) -> pricing.Tariff:
    """A stored tariff (a model or its values) as the pricing engine takes it."""
    scope: pricing.tariffs.Scope
    if row.origin_id is not None and row.destination_id is not None:  # type: ignore[attr-defined]
        scope = pricing.LaneScope(row.origin_id, row.destination_id)  # type: ignore[attr-defined]
    elif row.origin_zone_id is not None and row.destination_zone_id is not None:  # type: ignore[attr-defined]
        scope = pricing.ZoneScope(row.origin_zone_id, row.destination_zone_id)  # type: ignore[attr-defined]
    else:
        scope = pricing.ModeWide()
    return pricing.Tariff(
        id=row.id,
        mode=pricing.Mode(row.mode),
        basis=pricing.Basis(row.basis),
        currency=row.currency,
        scope=scope,
        rate=Decimal(row.rate),
        breaks=tuple(pricing.WeightBreak(Decimal(str(f)), Decimal(str(r))) for f, r in row.breaks),
        cargo_types=frozenset(pricing.CargoType(t) for t in row.cargo_types),
        minimum_charge=Decimal(row.minimum_charge),
        surcharges=tuple(
            pricing.Surcharge(
                pricing.SurchargeCode(code),
                pricing.SurchargeKind(kind),
                Decimal(str(value)),
                Decimal(str(minimum)),
            )
            for code, kind, value, minimum in row.surcharges
        ),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        next_break_cheaper=row.next_break_cheaper,
    )


async def _changed(*_args: Any, **_kwargs: Any) -> None:
    forget_network()


for _model in (Location, Zone, Lane, PriceList, Tariff):
    post_save(_model)(_changed)
    post_delete(_model)(_changed)

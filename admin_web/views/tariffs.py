"""Tariffs: the pricing rules of a price list (client price) or of a lane (carrier cost).

The form speaks the pricing engine's language in a few plain fields — breaks as
"0:5.00, 100:4.20", one field per surcharge — and the engine's own checks validate it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.sections import Column, Field, Filter, Kind, Section, static_choices
from admin_web.views.lanes import CARGO_TYPES, MODES
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import Company, Lane, PriceList, Tariff, Zone
from core.services import pricing
from core.services.access import Actor, Permission
from core.services.locations import resolve_location
from core.services.network_snapshot import forget_network

BASES = [
    ("per_kg", N_("Per kg, with weight breaks")),
    ("per_m3", N_("Per m³")),
    ("per_pallet", N_("Per pallet")),
    ("per_container", N_("Per container")),
    ("flat", N_("Flat, per shipment")),
]
# Form field -> (surcharge code, kind): percentages are typed as percent, stored as fractions.
SURCHARGE_FIELDS = {
    "fuel_percent": ("fuel", "percent"),
    "insurance_percent": ("insurance", "percent"),
    "dangerous_flat": ("dangerous_goods", "flat"),
    "temperature_flat": ("temperature_control", "flat"),
    "pickup_fee": ("pickup", "flat"),
    "delivery_fee": ("delivery", "flat"),
}


async def _price_lists(actor: Actor) -> list[tuple[str, str]]:
    return [
        (str(i), n) for i, n in await PriceList.all().order_by("name").values_list("id", "name")
    ]


async def _zones(actor: Actor) -> list[tuple[str, str]]:
    return [(str(i), n) for i, n in await Zone.all().order_by("name").values_list("id", "name")]


def _owner(t: Tariff) -> str:
    if t.price_list_id:  # type: ignore[attr-defined]
        return t.price_list.name  # type: ignore[union-attr]
    return _("Lane #{id} cost", id=t.lane_id)  # type: ignore[attr-defined]


def _scope(t: Tariff) -> str:
    if t.origin_id and t.destination_id:  # type: ignore[attr-defined]
        return f"{t.origin.name} → {t.destination.name}"  # type: ignore[union-attr]
    if t.origin_zone_id and t.destination_zone_id:  # type: ignore[attr-defined]
        return f"{t.origin_zone.name} → {t.destination_zone.name}"  # type: ignore[union-attr]
    return _("every lane")


def parse_breaks(text: str) -> list[list[str]]:
    """ "0:5.00, 100:4.20" -> [["0", "5.00"], ["100", "4.20"]] (strings keep JSON exact)."""
    pairs = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            weight, rate = (Decimal(x.strip()) for x in part.split(":"))
        except (ValueError, InvalidOperation):
            raise InvalidInput(
                "breaks", N_("Write breaks as kg:rate, e.g. 0:5.00, 100:4.20.")
            ) from None
        pairs.append([str(weight), str(rate)])
    return pairs


class TariffsSection(Section):
    key = "tariffs"
    committed = staticmethod(forget_network)  # quotes must see the edit at once
    model = Tariff
    title = N_("Tariffs")
    item_title = N_("Tariff")
    view_permission = Permission.MANAGE_NETWORK
    edit_permission = Permission.MANAGE_NETWORK
    prefetch = ("price_list", "origin", "destination", "origin_zone", "destination_zone")
    order_by = ("price_list_id", "lane_id", "mode", "id")
    importable = True
    columns = (
        Column(N_("Price list or lane"), _owner, link=True),
        Column(N_("Mode"), lambda t: _(dict(MODES)[t.mode])),
        Column(N_("Where"), _scope),
        Column(N_("Basis"), lambda t: _(dict(BASES)[t.basis])),
        Column(N_("Rate"), lambda t: ", ".join(f"{w}:{r}" for w, r in t.breaks) or t.rate),
        Column(N_("Currency"), lambda t: t.currency),
    )
    fields = (
        Field("price_list_id", N_("Price list"), Kind.SELECT, choices=_price_lists),
        Field("lane", N_("Or the cost of lane"), help=N_("#id of a lane, for a carrier cost.")),
        Field("mode", N_("Mode"), Kind.SELECT, required=True, choices=static_choices(MODES)),
        Field("origin", N_("From"), help=N_("For one lane: a location's name or #id.")),
        Field("destination", N_("To")),
        Field("origin_zone_id", N_("From zone"), Kind.SELECT, choices=_zones),
        Field("destination_zone_id", N_("To zone"), Kind.SELECT, choices=_zones),
        Field("basis", N_("Basis"), Kind.SELECT, required=True, choices=static_choices(BASES)),
        Field("rate", N_("Rate"), Kind.DECIMAL, help=N_("For every basis but per kg.")),
        Field(
            "breaks",
            N_("Weight breaks"),
            max_length=1000,
            help=N_("kg:rate, e.g. 0:5.00, 100:4.20"),
        ),
        Field(
            "cargo_types", N_("Cargo it prices"), Kind.MULTI, choices=static_choices(CARGO_TYPES)
        ),
        Field("minimum_charge", N_("Minimum charge"), Kind.DECIMAL),
        Field("fuel_percent", N_("Fuel surcharge, %"), Kind.DECIMAL),
        Field("insurance_percent", N_("Insurance, % of declared value"), Kind.DECIMAL),
        Field("insurance_minimum", N_("Insurance minimum"), Kind.DECIMAL),
        Field("dangerous_flat", N_("Dangerous goods fee"), Kind.DECIMAL),
        Field("temperature_flat", N_("Temperature control fee"), Kind.DECIMAL),
        Field("pickup_fee", N_("Pickup fee"), Kind.DECIMAL),
        Field("delivery_fee", N_("Delivery fee"), Kind.DECIMAL),
        Field("valid_from", N_("Valid from"), Kind.DATE),
        Field("valid_to", N_("Valid to"), Kind.DATE),
        Field(
            "next_break_cheaper", N_("Bill at the next break when that is cheaper"), Kind.CHECKBOX
        ),
    )
    filters = (
        Filter(
            "list", N_("Price list"), _price_lists, lambda q, v: q.filter(price_list_id=int(v))
        ),
        Filter("mode", N_("Mode"), static_choices(MODES), lambda q, v: q.filter(mode=v)),
    )

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {"mode": "road", "basis": "per_kg", "next_break_cheaper": True}

    async def values_of(self, obj: Model) -> dict[str, Any]:
        t: Tariff = obj  # type: ignore[assignment]
        await t.fetch_related("origin", "destination")
        values: dict[str, Any] = {
            "price_list_id": str(t.price_list_id) if t.price_list_id else None,  # type: ignore[attr-defined]
            "lane": f"#{t.lane_id}" if t.lane_id else None,  # type: ignore[attr-defined]
            "mode": t.mode.value,
            "origin": f"#{t.origin.id} {t.origin.name}" if t.origin else None,
            "destination": f"#{t.destination.id} {t.destination.name}" if t.destination else None,
            "origin_zone_id": str(t.origin_zone_id) if t.origin_zone_id else None,  # type: ignore[attr-defined]
            "destination_zone_id": str(t.destination_zone_id) if t.destination_zone_id else None,  # type: ignore[attr-defined]
            "basis": t.basis,
            "rate": t.rate,
            "breaks": ", ".join(f"{w}:{r}" for w, r in t.breaks),
            "cargo_types": t.cargo_types,
            "minimum_charge": t.minimum_charge,
            "valid_from": t.valid_from,
            "valid_to": t.valid_to,
            "next_break_cheaper": t.next_break_cheaper,
        }
        by_code = {code: (kind, value, minimum) for code, kind, value, minimum in t.surcharges}
        for name, (code, kind) in SURCHARGE_FIELDS.items():
            if code in by_code:
                value = Decimal(by_code[code][1])
                values[name] = value * 100 if kind == "percent" else value
        if "insurance" in by_code:
            values["insurance_minimum"] = Decimal(by_code["insurance"][2])
        return values

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        price_list = None
        if values.get("price_list_id"):
            price_list = await PriceList.get(id=int(values["price_list_id"]))
        lane_text = (values.pop("lane", None) or "").strip()
        lane = None
        if lane_text:
            lane = (
                await Lane.get_or_none(id=int(lane_text[1:])) if lane_text[1:].isdigit() else None
            )
            if lane is None:
                raise InvalidInput("lane", N_("There is no lane {text}."), text=lane_text)
        if (price_list is None) == (lane is None):
            raise InvalidInput(
                "price_list_id", N_("Choose a price list, or give a lane for a carrier cost.")
            )
        origin_text = values.pop("origin", None)
        destination_text = values.pop("destination", None)
        origin = await resolve_location("origin", origin_text) if origin_text else None
        destination = (
            await resolve_location("destination", destination_text) if destination_text else None
        )
        if (origin is None) != (destination is None):
            raise InvalidInput("destination", N_("Give both ends, or neither."))
        zones = (values.get("origin_zone_id"), values.get("destination_zone_id"))
        if bool(zones[0]) != bool(zones[1]):
            raise InvalidInput("destination_zone_id", N_("Give both zones, or neither."))
        if origin is not None and zones[0]:
            raise InvalidInput(
                "origin_zone_id", N_("Price one lane or a pair of zones, not both.")
            )
        company = await Company.get_or_none(id=1)
        currency = price_list.currency if price_list else (company.currency if company else "NGN")
        surcharges = []
        for name, (code, kind) in SURCHARGE_FIELDS.items():
            value = values.pop(name, None)
            if value:
                fraction = value / 100 if kind == "percent" else value
                minimum = (
                    values.get("insurance_minimum") or Decimal(0)
                    if code == "insurance"
                    else Decimal(0)
                )
                surcharges.append([code, kind, str(fraction), str(minimum)])
        values.pop("insurance_minimum", None)
        stored = {
            "price_list_id": price_list.id if price_list else None,
            "lane_id": lane.id if lane else None,
            "mode": values["mode"],
            "basis": values["basis"],
            "currency": currency,
            "origin_id": origin.id if origin else None,
            "destination_id": destination.id if destination else None,
            "origin_zone_id": int(zones[0]) if zones[0] else None,
            "destination_zone_id": int(zones[1]) if zones[1] else None,
            "rate": values.get("rate") or Decimal(0),
            "breaks": parse_breaks(values.get("breaks") or ""),
            "cargo_types": values.get("cargo_types") or [],
            "minimum_charge": values.get("minimum_charge") or Decimal(0),
            "surcharges": surcharges,
            "valid_from": values.get("valid_from"),
            "valid_to": values.get("valid_to"),
            "next_break_cheaper": bool(values.get("next_break_cheaper")),
        }
        _engine_check(stored)
        values.clear()
        values.update(stored)


def _engine_check(stored: dict[str, Any]) -> None:
    """The pricing engine's own rules (breaks from 0 kg up, amounts, dates, currency)."""
    pricing.Tariff(
        mode=pricing.Mode(stored["mode"]),
        basis=pricing.Basis(stored["basis"]),
        currency=stored["currency"],
        rate=Decimal(stored["rate"]),
        breaks=tuple(pricing.WeightBreak(Decimal(w), Decimal(r)) for w, r in stored["breaks"]),
        cargo_types=frozenset(pricing.CargoType(t) for t in stored["cargo_types"]),
        minimum_charge=Decimal(stored["minimum_charge"]),
        surcharges=tuple(
            pricing.Surcharge(
                pricing.SurchargeCode(c), pricing.SurchargeKind(k), Decimal(v), Decimal(m)
            )
            for c, k, v, m in stored["surcharges"]
        ),
        valid_from=stored["valid_from"],
        valid_to=stored["valid_to"],
    )


SECTION = TariffsSection()
ROUTES = SECTION.routes()

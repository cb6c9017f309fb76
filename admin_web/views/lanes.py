"""Lanes: what carriers offer between two locations, the edges quotes are routed over.

Origin and destination are typed, not picked from thousands of options: the name is
matched like a client's request is ("Apapa", "Лагос"), or "#id" names one exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.sections import Column, Field, Filter, Kind, Section, static_choices
from admin_web.views.company import WEEKDAYS
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import Carrier, Lane, TransportMode
from core.services.access import Actor, Permission
from core.services.locations import resolve_location
from core.services.network_snapshot import forget_network
from core.services.quote_text import CARGO_TYPE_LABELS, MODE_LABELS

MODES = list(MODE_LABELS.items())
CARGO_TYPES = list(CARGO_TYPE_LABELS.items())
MAX_TRANSIT_HOURS = Decimal(24 * 120)


async def _carriers(actor: Actor) -> list[tuple[str, str]]:
    return [(str(i), n) for i, n in await Carrier.all().order_by("name").values_list("id", "name")]


class LanesSection(Section):
    key = "lanes"
    committed = staticmethod(forget_network)  # quotes must see the edit at once
    model = Lane
    title = N_("Lanes")
    item_title = N_("Lane")
    view_permission = Permission.MANAGE_NETWORK
    edit_permission = Permission.MANAGE_NETWORK
    prefetch = ("carrier", "origin", "destination")
    order_by = ("origin_id", "destination_id", "id")
    importable = True
    columns = (
        Column(N_("From"), lambda lane: lane.origin.name, link=True),
        Column(N_("To"), lambda lane: lane.destination.name),
        Column(N_("Mode"), lambda lane: _(dict(MODES)[lane.mode])),
        Column(N_("Carrier"), lambda lane: lane.carrier.name),
        Column(N_("Transit, hours"), lambda lane: _hours(lane.transit_minutes)),
        Column(N_("Departs"), lambda lane: _departures(lane)),
        Column(N_("Active"), lambda lane: lane.is_active),
    )
    fields = (
        Field("carrier_id", N_("Carrier"), Kind.SELECT, required=True, choices=_carriers),
        Field("origin", N_("From"), required=True, help=N_("A location's name, or #id.")),
        Field("destination", N_("To"), required=True, help=N_("A location's name, or #id.")),
        Field("mode", N_("Mode"), Kind.SELECT, required=True, choices=static_choices(MODES)),
        Field("transit_hours", N_("Transit, hours"), Kind.DECIMAL, required=True),
        Field(
            "departure_days",
            N_("Departure days"),
            Kind.MULTI,
            choices=WEEKDAYS,
            help=N_("None ticked: leaves whenever the cargo is ready."),
        ),
        Field("departure_time", N_("Departure time (UTC)"), Kind.TIME),
        Field(
            "cargo_types",
            N_("Cargo it takes"),
            Kind.MULTI,
            choices=static_choices(CARGO_TYPES),
            help=N_("None ticked: every kind."),
        ),
        Field("capacity_kg", N_("Capacity, kg"), Kind.DECIMAL),
        Field("valid_from", N_("Valid from"), Kind.DATE),
        Field("valid_to", N_("Valid to"), Kind.DATE),
        Field("is_active", N_("Active"), Kind.CHECKBOX),
    )
    filters = (
        Filter("mode", N_("Mode"), static_choices(MODES), lambda q, v: q.filter(mode=v)),
        Filter("carrier", N_("Carrier"), _carriers, lambda q, v: q.filter(carrier_id=int(v))),
    )

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {"is_active": True, "mode": TransportMode.ROAD.value}

    async def values_of(self, obj: Model) -> dict[str, Any]:
        lane: Lane = obj  # type: ignore[assignment]
        await lane.fetch_related("origin", "destination")
        return {
            "carrier_id": str(lane.carrier_id),  # type: ignore[attr-defined]
            "origin": f"#{lane.origin.id} {lane.origin.name}",
            "destination": f"#{lane.destination.id} {lane.destination.name}",
            "mode": lane.mode.value,
            "transit_hours": _hours(lane.transit_minutes),
            "departure_days": lane.departure_days,
            "departure_time": lane.departure_time,
            "cargo_types": lane.cargo_types,
            "capacity_kg": lane.capacity_kg,
            "valid_from": lane.valid_from,
            "valid_to": lane.valid_to,
            "is_active": lane.is_active,
        }

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        origin = await resolve_location("origin", values["origin"])
        destination = await resolve_location("destination", values["destination"])
        if origin.id == destination.id:
            raise InvalidInput("destination", N_("The lane must end somewhere else."))
        hours = values.pop("transit_hours")
        if not Decimal(0) < hours <= MAX_TRANSIT_HOURS:
            raise InvalidInput("transit_hours", N_("Enter more than 0 and at most 2880 hours."))
        if values.get("capacity_kg") is not None and values["capacity_kg"] <= 0:
            raise InvalidInput("capacity_kg", N_("Enter more than zero, or leave it empty."))
        starts, ends = values.get("valid_from"), values.get("valid_to")
        if starts and ends and ends < starts:
            raise InvalidInput("valid_to", N_("The end date must not be before the start date."))
        if values.get("departure_days") and values.get("departure_time") is None:
            raise InvalidInput("departure_time", N_("Give the departure time of those days."))
        moment = values.get("departure_time")
        values.update(
            origin_id=origin.id,
            destination_id=destination.id,
            carrier_id=int(values["carrier_id"]),
            transit_minutes=int(hours * 60),
            departure_days=sorted((int(d) for d in values.get("departure_days") or []), key=int),
            departure_time=moment.strftime("%H:%M") if moment is not None else None,
        )
        values.pop("origin")
        values.pop("destination")


def _hours(minutes: int) -> str:
    hours = Decimal(minutes) / 60
    return f"{hours.normalize():f}"


def _departures(lane: Lane) -> str:
    if not lane.departure_days:
        return _("any time")
    names = dict(WEEKDAYS_SHORT)
    days = " ".join(_(names[str(d)]) for d in lane.departure_days)
    return f"{days} {lane.departure_time or ''}".strip()


WEEKDAYS_SHORT = [
    ("0", N_("Mon")),
    ("1", N_("Tue")),
    ("2", N_("Wed")),
    ("3", N_("Thu")),
    ("4", N_("Fri")),
    ("5", N_("Sat")),
    ("6", N_("Sun")),
]

SECTION = LanesSection()
ROUTES = SECTION.routes()

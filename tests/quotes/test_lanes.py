"""Lanes in the panel: typed locations resolved by name or #id, schedules, validation."""

from __future__ import annotations

from core.models import Carrier, Lane, Location, Role
from core.services.locations import forget_index


async def _network() -> tuple[Carrier, Location, Location]:
    carrier = await Carrier.create(name="Sahel Haulage")
    lagos = await Location.create(name="Lagos", country="NG", population=15_000_000)
    kano = await Location.create(name="Kano", country="NG", population=4_000_000, names=["Кано"])
    forget_index()
    return carrier, lagos, kano


async def test_a_dispatcher_adds_a_weekly_rail_lane(panel_for):
    dispatcher = await panel_for(Role.DISPATCHER)
    carrier, lagos, kano = await _network()
    page = await dispatcher.submit(
        "/admin/lanes/new",
        [
            ("carrier_id", str(carrier.id)),
            ("origin", "lagos"),
            ("destination", "Кано"),
            ("mode", "rail"),
            ("transit_hours", "36"),
            ("departure_days", "0"),
            ("departure_days", "3"),
            ("departure_time", "08:00"),
            ("cargo_types", "general"),
            ("cargo_types", "pallets"),
            ("capacity_kg", "20000"),
            ("valid_from", "2026-12-01"),
            ("is_active", "on"),
        ],
        csrf_from="/admin/lanes/new",
    )
    assert "Saved." in page.body_text, page.body_text[-400:]
    lane = await Lane.get(carrier=carrier)
    assert (lane.origin_id, lane.destination_id, lane.transit_minutes) == (lagos.id, kano.id, 2160)
    assert (lane.departure_days, lane.departure_time) == ([0, 3], "08:00")
    listing = await dispatcher.open("/admin/lanes")
    assert listing.rows("lanes-list") == [
        ["Lagos", "Kano", "Rail", "Sahel Haulage", "36", "Mon Thu 08:00", "yes"]
    ]


async def test_lane_mistakes_are_explained(panel_for):
    admin = await panel_for(Role.ADMIN)
    carrier, lagos, _kano = await _network()
    base = {"carrier_id": str(carrier.id), "mode": "road", "transit_hours": "10"}
    page = await admin.submit(
        "/admin/lanes/new",
        {**base, "origin": "Atlantis", "destination": "Kano"},
        csrf_from="/admin/lanes/new",
    )
    assert page.text("field-origin").endswith(
        "No location is called that. Add it under Locations first."
    )
    page = await admin.submit(
        "/admin/lanes/new", {**base, "origin": f"#{lagos.id}", "destination": "Lagos"}
    )
    assert page.text("field-destination").endswith("The lane must end somewhere else.")
    page = await admin.submit(
        "/admin/lanes/new",
        {**base, "origin": "Lagos", "destination": "Kano", "transit_hours": "0"},
    )
    assert page.text("field-transit_hours").endswith("Enter more than 0 and at most 2880 hours.")
    page = await admin.submit(
        "/admin/lanes/new",
        [*base.items(), ("origin", "Lagos"), ("destination", "Kano"), ("departure_days", "1")],
    )
    assert page.text("field-departure_time").endswith("Give the departure time of those days.")
    page = await admin.submit(
        "/admin/lanes/new",
        {**base, "origin": "Lagos", "destination": "Kano", "valid_from": "soon"},
    )
    assert page.text("field-valid_from").endswith("Enter a date like 2026-12-31.")
    assert not await Lane.exists()

"""Zones and price lists in the panel."""

from __future__ import annotations

from core.models import Client, Location, PriceList, Role, Zone
from core.services.locations import forget_index


async def test_a_zone_gathers_locations_typed_by_name_or_id(panel_for):
    admin = await panel_for(Role.DIRECTOR)
    lagos = await Location.create(name="Lagos", population=15_000_000)
    ibadan = await Location.create(name="Ibadan", population=3_000_000)
    forget_index()
    page = await admin.submit(
        "/admin/zones/new",
        {"name": "South-West", "members": f"Lagos, #{ibadan.id}"},
        csrf_from="/admin/zones/new",
    )
    assert "Saved." in page.body_text
    zone = await Zone.get(name="South-West").prefetch_related("locations")
    assert {loc.id for loc in zone.locations} == {lagos.id, ibadan.id}
    listing = await admin.open("/admin/zones")
    assert listing.rows("zones-list") == [["South-West", "Ibadan, Lagos"]]
    page = await admin.submit(
        "/admin/zones/new", {"name": "North", "members": "Atlantis"}, csrf_from="/admin/zones/new"
    )
    assert page.text("field-members").endswith(
        "No location is called that. Add it under Locations first."
    )
    assert not await Zone.exists(name="North")


async def test_one_main_list_and_client_lists_by_id_or_phone(panel_for):
    admin = await panel_for(Role.ADMIN)
    client = await Client.create(name="Kano Textiles", phone="+2348051234567")
    new = "/admin/price-lists/new"
    page = await admin.submit(
        new,
        {"name": "Main 2026", "currency": "NGN", "is_main": "on", "is_active": "on"},
        csrf_from=new,
    )
    assert "Saved." in page.body_text
    page = await admin.submit(
        new,
        {"name": "Main 2027", "currency": "NGN", "is_main": "on", "is_active": "on"},
        csrf_from=new,
    )
    assert page.text("field-is_main").endswith(
        "Main 2026 is already the main price list. Switch it off first."
    )
    page = await admin.submit(
        new,
        {
            "name": "Kano Textiles contract",
            "currency": "NGN",
            "client": "+2348051234567",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "is_active": "on",
        },
        csrf_from=new,
    )
    assert "Saved." in page.body_text
    own = await PriceList.get(name="Kano Textiles contract")
    assert own.client_id == client.id and not own.is_main
    page = await admin.submit(
        new, {"name": "Orphan", "currency": "NGN", "is_active": "on"}, csrf_from=new
    )
    assert page.text("field-client").endswith("Give the client, or tick the main price list.")
    listing = await admin.open("/admin/price-lists")
    assert [r[:2] for r in listing.rows("price-lists-list")] == [
        ["Main 2026", "Main list"],
        ["Kano Textiles contract", "Kano Textiles"],
    ]

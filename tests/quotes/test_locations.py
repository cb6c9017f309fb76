"""Locations: the world's cities as a starter set, fuzzy matching, and the panel section."""

from __future__ import annotations

import aiohttp

from core.models import AuditLog, Location, LocationKind, Role
from core.services.locations import MatchKind, forget_index, load_world_cities, match_location


async def _world() -> None:
    forget_index()
    await load_world_cities(min_population=1_000_000)


async def test_the_starter_set_loads_once_and_keeps_edits(runtime):
    added = await load_world_cities(min_population=5_000_000)
    assert added > 20
    lagos = await Location.get(name="Lagos", country="NG")
    assert lagos.kind is LocationKind.CITY and lagos.latitude is not None
    assert "Лагос" in lagos.names
    lagos.transfer_minutes = 90
    await lagos.save()
    assert await load_world_cities(min_population=5_000_000) == 0
    assert (await Location.get(id=lagos.id)).transfer_minutes == 90


async def test_a_city_is_found_by_any_spelling_in_any_language(runtime):
    await _world()
    lagos = await Location.get(name="Lagos", country="NG")
    for typed in ("Lagos", "lagos ", "Лагос", "Eko", "Lagoss"):
        found = await match_location(typed)
        assert found.kind is MatchKind.FOUND, typed
        assert found.location_id == lagos.id, typed


async def test_nonsense_is_unknown_and_near_namesakes_are_asked(runtime):
    await _world()
    assert (await match_location("Xyzzyqq")).kind is MatchKind.UNKNOWN
    assert (await match_location("")).kind is MatchKind.UNKNOWN
    await Location.create(name="Springfield", country="US", population=160_000)
    await Location.create(name="Springfield", country="US", population=120_000)
    forget_index()
    both = await match_location("Springfield")
    assert both.kind is MatchKind.AMBIGUOUS
    assert [c.name for c in both.candidates[:2]] == ["Springfield", "Springfield"]


async def test_an_admin_adds_a_terminal_with_transfer_time_and_cost(panel_for):
    admin = await panel_for(Role.DISPATCHER)
    page = await admin.submit(
        "/admin/locations/new",
        {
            "name": "Apapa Port",
            "kind": "port",
            "country": "NG",
            "latitude": "6.4474",
            "longitude": "3.3586",
            "names": "Apapa, Lagos Port",
            "transfer_minutes": "240",
            "transfer_cost": "15000",
            "is_active": "on",
        },
        csrf_from="/admin/locations/new",
    )
    assert "Saved." in page.body_text
    port = await Location.get(name="Apapa Port")
    assert (port.kind, port.transfer_minutes, str(port.transfer_cost)) == ("port", 240, "15000.00")
    assert port.names == ["Apapa", "Lagos Port"]
    assert await AuditLog.exists(object_type="location", object_id=str(port.id))
    found = await match_location("apapa")
    assert found.location_id == port.id


async def test_wrong_coordinates_are_explained(panel_for):
    admin = await panel_for(Role.ADMIN)
    page = await admin.submit(
        "/admin/locations/new",
        {"name": "Nowhere", "kind": "city", "latitude": "123", "longitude": "east"},
        csrf_from="/admin/locations/new",
    )
    assert page.status == 422
    assert page.text("field-longitude").endswith("Enter a number like 1250.50.")
    page = await admin.submit(
        "/admin/locations/new", {"name": "Nowhere", "kind": "city", "latitude": "123"}
    )
    assert page.text("field-latitude").endswith("Enter degrees between -90 and 90.")
    assert not await Location.exists(name="Nowhere")


async def test_locations_import_from_csv(panel_for):
    admin = await panel_for(Role.ADMIN)
    await admin.open("/admin/locations/import")
    form = aiohttp.FormData()
    form.add_field("_csrf", admin.last.csrf)
    csv = (
        "name,kind,country,latitude,longitude,transfer_minutes\n"
        "Kano Dry Port,terminal,NG,12.0,8.5,120\n"
        "Ibadan Rail,terminal,NG,7.38,3.9,60\n"
    )
    form.add_field("file", csv.encode(), filename="l.csv", content_type="text/csv")
    async with admin.http.post(admin.base_url + "/admin/locations/import", data=form) as r:
        assert r.status == 200
        assert "Imported 2 rows." in await r.text()
    assert await Location.filter(kind="terminal").count() == 2


async def test_a_manager_cannot_edit_the_network(panel_for):
    manager = await panel_for(Role.MANAGER)
    assert (await manager.open("/admin/locations")).status == 403


async def test_the_locations_list_speaks_the_readers_language(panel_for):
    admin = await panel_for(Role.ADMIN)
    await Location.create(name="Apapa", kind="port", transfer_minutes=90, transfer_cost=500)
    await admin.submit("/admin/account/language", {"language": "ru"}, csrf_from="/admin/account")
    row = (await admin.open("/admin/locations")).rows("locations-list")[0]
    assert row[1] == "Порт"
    assert row[4] == "90 мин · 500.00"

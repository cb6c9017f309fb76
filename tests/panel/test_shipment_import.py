"""Carriers' status files: good rows stored one by one, bad rows reported by line and reason."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import aiohttp

from core.models import EventSource, Role, Shipment, ShipmentEvent
from core.services.shipment_import import import_events
from tests.api.shipment_data import dispatcher_actor, make_shipment
from tests.panel.panel_client import Page, Panel

LAGOS = ZoneInfo("Africa/Lagos")


def _today(hour: int) -> str:
    """A time earlier today, in Lagos, as a carrier's file writes it."""
    now = dt.datetime.now(LAGOS) - dt.timedelta(hours=6)
    return now.replace(hour=min(hour, now.hour), minute=0).strftime("%Y-%m-%d %H:%M")


def _file(first: str, second: str) -> bytes:
    rows = [
        "number;status;occurred_at;place;note;leg",
        f"{first};picked_up;{_today(1)};Apapa;8 pallets;",
        f"{second};Delivered;{_today(2)};Kano;;",  # line 3: out of order
        f"ON-99-99999;picked_up;{_today(2)};Kano;;",  # line 4: unknown number
        f"{second};teleported;{_today(2)};;;",  # line 5: unknown status
        f"{second};picked_up;yesterday;;;",  # line 6: not a time
        f"{second};picked_up;{_today(3)};Ikeja;;",
        f"{second};in_transit;{_today(4)};Lagos;;7",  # line 8: no such leg
    ]
    return ("\ufeff" + "\r\n".join(rows) + "\r\n").encode()


async def test_good_rows_are_stored_and_bad_ones_reported_by_line(runtime):
    first = await make_shipment("Adaeze Okafor")
    second = await make_shipment("Bisi Ade", network=False)
    actor = await dispatcher_actor()
    report = await import_events(
        actor, _file(first.number, second.number), LAGOS, dt.datetime.now(dt.UTC)
    )
    assert [(line, number) for line, number, _status in report.stored] == [
        (2, first.number),
        (7, second.number),
    ]
    problems = {p.line: (p.column, p.message) for p in report.problems}
    assert sorted(problems) == [3, 4, 5, 6, 8]
    assert problems[3] == (
        "status",
        "A shipment cannot go from “Booked” to “Delivered”. "
        "A manager can push it through with a reason.",
    )
    assert problems[4] == ("number", "No shipment with this number.")
    assert problems[5][0] == "status" and "picked_up" in problems[5][1]
    assert problems[6] == ("occurred_at", "Enter a date and time like 2026-12-31 09:00.")
    assert problems[8] == ("leg", "This shipment has no such leg.")

    events = await ShipmentEvent.all().order_by("id")
    assert [(e.status, e.place, e.source) for e in events] == [
        ("picked_up", "Apapa", EventSource.IMPORT),
        ("picked_up", "Ikeja", EventSource.IMPORT),
    ]
    assert (await Shipment.get(id=first.id)).status == "picked_up"

    # The good rows again (a carrier's system resending its file) store nothing twice.
    lines = _file(first.number, second.number).decode().splitlines()
    resent = "\n".join([lines[0], lines[1], lines[6]]).encode()
    again = await import_events(actor, resent, LAGOS, dt.datetime.now(dt.UTC))
    assert again.stored == [] and again.problems == []
    assert [line for line, _n in again.repeated] == [2, 3]
    assert await ShipmentEvent.all().count() == 2


async def test_a_file_that_is_not_a_status_file(runtime):
    actor = await dispatcher_actor()
    now = dt.datetime.now(dt.UTC)
    no_columns = await import_events(actor, b"name,city\nAda,Lagos\n", LAGOS, now)
    assert [(p.line, p.message) for p in no_columns.problems] == [
        (1, "The file needs these columns: number, status, occurred_at, place, note, leg.")
    ]
    binary = await import_events(actor, b"\xff\xfe\x00\x01", LAGOS, now)
    assert binary.problems[0].line == 0 and not binary.stored


async def _import(panel: Panel, data: bytes) -> Page:
    source = await panel.open("/admin/shipments/import")
    form = aiohttp.FormData()
    form.add_field("_csrf", source.csrf)
    form.add_field("file", io.BytesIO(data), filename="status.csv", content_type="text/csv")
    async with panel.http.post(f"{panel.base_url}/admin/shipments/import", data=form) as reply:
        return Page(reply.status, await reply.text(), str(reply.url), reply.headers)


async def test_the_import_page_lists_what_was_stored_and_what_was_not(panel_for):
    first = await make_shipment("Adaeze Okafor")
    second = await make_shipment("Bisi Ade", network=False)
    dispatcher = await panel_for(Role.DISPATCHER)
    page = await _import(dispatcher, _file(first.number, second.number))
    assert page.status == 200
    assert page.text("import-summary") == "Stored: 2. Already imported: 0. Not stored: 5."
    problems = page.rows("problems")
    assert [row[0] for row in problems] == ["3", "4", "5", "6", "8"]
    assert problems[1][1:] == ["number", "No shipment with this number."]
    assert [row[:2] for row in page.rows("stored")] == [["2", first.number], ["7", second.number]]
    assert await ShipmentEvent.all().count() == 2

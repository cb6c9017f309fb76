"""Shipments in the panel: the list and its filters, a shipment's page and its actions by role,
and what a carrier's people may see."""

from __future__ import annotations

import datetime as dt
import io

import aiohttp

from core.models import (
    ApiKey,
    Carrier,
    Employee,
    Lane,
    Role,
    Shipment,
    ShipmentDocument,
    ShipmentEvent,
    ShipmentLeg,
)
from tests.api.shipment_data import (
    RAIL_CARRIER,
    ROAD_CARRIER,
    carrier_named,
    deliver_with_proof,
    dispatcher_actor,
    make_shipment,
    move,
    png,
)
from tests.panel.panel_client import Page, Panel
from tests.pictures import same_picture


async def _upload(panel: Panel, number: str, data: bytes, filename: str, **fields) -> Page:
    source = await panel.open(f"/admin/shipments/{number}")
    form = aiohttp.FormData()
    form.add_field("_csrf", source.csrf)
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("file", io.BytesIO(data), filename=filename)
    async with panel.http.post(
        f"{panel.base_url}/admin/shipments/{number}/documents", data=form
    ) as reply:
        return Page(reply.status, await reply.text(), str(reply.url), reply.headers)


async def _carrier_person(panel_for, carrier: Carrier) -> Panel:
    panel = await panel_for(Role.CARRIER)
    await Employee.filter(id=panel.employee.id).update(carrier_id=carrier.id)
    return panel


async def test_the_list_filters_by_status_carrier_manager_and_lateness(panel_for):
    head = await panel_for(Role.DIRECTOR)
    manager = await Employee.create(name="Musa Manager", role=Role.MANAGER)
    first = await make_shipment("Adaeze Okafor", manager)
    second = await make_shipment("Bisi Ade", network=False)
    dispatcher = await dispatcher_actor()
    await move(dispatcher, first, "picked_up", "Apapa")
    # The second is running late: expected after the promise.
    await Shipment.filter(id=second.id).update(eta=second.promised_at + dt.timedelta(days=1))
    other_road = await Carrier.create(name="Ibadan Express")
    await ShipmentLeg.filter(shipment_id=second.id, position=0).update(carrier_id=other_road.id)

    page = await head.open("/admin/shipments")
    assert page.status == 200
    numbers = [row[0] for row in page.rows("shipments-list")]
    assert set(numbers) == {first.number, second.number}
    row = dict(zip(numbers, page.rows("shipments-list"), strict=True))[first.number]
    assert "Adaeze Okafor" in row and "Picked up" in row and "Musa Manager" in row
    assert "Lagos → Ibadan → Kano (Road, Rail)" in row

    def listed(p: Page) -> list[str]:
        return [r[0] for r in p.rows("shipments-list") if len(r) > 1]

    assert listed(await head.open("/admin/shipments?status=picked_up")) == [first.number]
    assert listed(await head.open("/admin/shipments?status=moving")) == [first.number]
    assert listed(await head.open("/admin/shipments?status=booked")) == [second.number]
    assert listed(await head.open(f"/admin/shipments?carrier={other_road.id}")) == [second.number]
    assert listed(await head.open(f"/admin/shipments?manager={manager.id}")) == [first.number]
    late = await head.open("/admin/shipments?late=yes")
    assert listed(late) == [second.number]
    assert "Late" in late.rows("shipments-list")[0][-1]
    assert listed(await head.open(f"/admin/shipments?q={first.number[-3:]}")) == [first.number]
    assert listed(await head.open("/admin/shipments?status=nonsense")) == sorted(
        [first.number, second.number], reverse=True
    )


async def test_a_manager_sees_only_their_clients_shipments(panel_for):
    manager = await panel_for(Role.MANAGER)
    colleague = await Employee.create(name="Other Manager", role=Role.MANAGER)
    mine = await make_shipment("Mine Ltd", manager.employee)
    theirs = await make_shipment("Theirs Ltd", colleague, network=False)
    page = await manager.open("/admin/shipments")
    assert "Mine Ltd" in page.body_text and "Theirs Ltd" not in page.body_text
    assert (await manager.open(f"/admin/shipments/{theirs.number}")).status == 404
    assert (await manager.open(f"/admin/shipments/{mine.number}")).status == 200


async def test_the_shipment_page_and_adding_events(panel_for):
    dispatcher = await panel_for(Role.DISPATCHER)
    shipment = await make_shipment("Adaeze Okafor")
    url = f"/admin/shipments/{shipment.number}"
    page = await dispatcher.open(url)
    assert page.status == 200
    facts = page.text("shipment-facts")
    assert "Booked" in facts and "Adaeze Okafor" in facts
    assert f"/t/{shipment.tracking_token}" in page.text("tracking-link")
    legs = page.rows("legs-table")
    assert legs[0][:4] == ["1", "Road", "Lagos", "Ibadan"]
    assert ROAD_CARRIER in legs[0][4]
    assert legs[1][:4] == ["2", "Rail", "Ibadan", "Kano"]
    # Planned times are shown in the company's zone (Lagos, UTC+1): 09:00 UTC is 10:00.
    assert "10:00" in legs[0][5]

    early = await dispatcher.submit(
        f"{url}/events", {"status": "delivered", "place": "Kano"}, csrf_from=url
    )
    assert early.status == 422
    assert "cannot go from “Booked” to “Delivered”" in early.field_error("status")
    assert await ShipmentEvent.all().count() == 0

    added = await dispatcher.submit(
        f"{url}/events",
        {"status": "picked_up", "place": "Apapa, Lagos", "note": "8 pallets", "occurred_at": ""},
        csrf_from=url,
    )
    assert added.status == 200 and "The event is added." in added.body_text
    assert "Picked up" in added.text("shipment-status")
    timeline = added.rows("events-table")
    assert timeline[0][1:5] == ["Picked up", "1", "Apapa, Lagos", "8 pallets"]
    assert "Staff" in timeline[0][5]

    # A manager's push-through needs a reason.
    other = await make_shipment("Bisi Ade", network=False)
    url = f"/admin/shipments/{other.number}"
    no_reason = await dispatcher.submit(
        f"{url}/events", {"status": "delivered", "override": "1", "note": ""}, csrf_from=url
    )
    assert no_reason.status == 422
    assert "Say why the move is pushed through." in no_reason.body_text
    pushed = await dispatcher.submit(
        f"{url}/events",
        {"status": "delivered", "override": "1", "note": "Driver's phone died, signed on paper"},
        csrf_from=url,
    )
    assert pushed.status == 200
    assert "Pushed through" in pushed.rows("events-table")[0][1]
    assert "No proof of delivery" in pushed.text("shipment-facts")


async def test_assigning_a_carrier_from_those_serving_the_lane(panel_for):
    dispatcher = await panel_for(Role.DISPATCHER)
    shipment = await make_shipment()
    url = f"/admin/shipments/{shipment.number}"
    leg = await ShipmentLeg.get(shipment_id=shipment.id, position=0)
    lane = await Lane.get(id=leg.lane_id)
    rival = await Carrier.create(name="Ibadan Express")
    await Lane.create(
        carrier=rival,
        origin_id=lane.origin_id,
        destination_id=lane.destination_id,
        mode=lane.mode,
        transit_minutes=lane.transit_minutes,
    )
    outsider = await Carrier.create(name="Sea Lines")
    page = await dispatcher.open(url)
    assert "Ibadan Express" in page.text("assign-0") and "Sea Lines" not in page.text("assign-0")

    refused = await dispatcher.submit(
        f"{url}/carrier", {"leg": "0", "carrier_id": str(outsider.id)}, csrf_from=url
    )
    assert refused.status == 422
    assert "This carrier does not serve this leg's lane." in refused.body_text
    done = await dispatcher.submit(
        f"{url}/carrier", {"leg": "0", "carrier_id": str(rival.id)}, csrf_from=url
    )
    assert done.status == 200 and "The carrier is assigned." in done.body_text
    assert "Ibadan Express" in done.rows("legs-table")[0][4]

    # An accountant sees shipments but moves nothing.
    accountant = await panel_for(Role.ACCOUNTANT)
    seen = await accountant.open(url)
    assert seen.status == 200 and "assign-0" not in seen.html and "event-form" not in seen.html


async def test_uploading_photos_and_documents(panel_for, runtime):
    dispatcher = await panel_for(Role.DISPATCHER)
    shipment = await make_shipment()
    number = shipment.number

    not_image = await _upload(dispatcher, number, b"hello, world", "note.txt", kind="photo")
    assert not_image.status == 422
    assert "Please send a photo (JPEG, PNG, WebP or GIF)." in not_image.field_error("file")
    pdf_as_photo = await _upload(dispatcher, number, b"%PDF-1.4 x", "cmr.pdf", kind="photo")
    assert pdf_as_photo.status == 422
    limit = runtime.settings.media_max_mb * 1024 * 1024
    too_big = await _upload(dispatcher, number, png() + b"0" * limit, "big.png", kind="photo")
    assert too_big.status == 422
    assert "The file is too large" in too_big.field_error("file")
    far_too_big = await _upload(
        dispatcher, number, png() + b"0" * (limit + 2 * 1024 * 1024), "huge.png", kind="photo"
    )
    assert far_too_big.status == 200
    assert "The file is too large" in far_too_big.text("upload-error")
    assert await ShipmentDocument.all().count() == 0

    photo = await _upload(dispatcher, number, png(), "truck.png", kind="photo")
    assert photo.status == 200 and "The file is attached." in photo.body_text
    pdf = await _upload(dispatcher, number, b"%PDF-1.4 cmr", "cmr.pdf", kind="document")
    assert pdf.status == 200
    image, document = await ShipmentDocument.filter(shipment_id=shipment.id).order_by("id")
    assert f'<img src="/admin/shipments/{number}/documents/{image.id}"' in pdf.html
    assert f'<a href="/admin/shipments/{number}/documents/{document.id}">cmr.pdf (PDF)' in pdf.html

    await dispatcher.open(f"/admin/shipments/{number}/documents/{image.id}")
    assert same_picture(dispatcher.body, png())
    async with dispatcher.http.get(
        f"{dispatcher.base_url}/admin/shipments/{number}/documents/{document.id}"
    ) as reply:
        assert reply.headers["Content-Type"] == "application/pdf"
        assert reply.headers["Content-Disposition"].startswith("attachment")
    # Another shipment's number does not open this file.
    other = await make_shipment("Bisi Ade", network=False)
    wrong = await dispatcher.open(f"/admin/shipments/{other.number}/documents/{image.id}")
    assert wrong.status == 404


async def test_a_carrier_sees_only_its_shipments_and_never_prices(panel_for, runtime):
    ours = await make_shipment("Adaeze Okafor")
    road = await carrier_named(ROAD_CARRIER)
    stranger_carrier = await Carrier.create(name="Ibadan Express")
    theirs = await make_shipment("Bisi Ade", network=False)
    await ShipmentLeg.filter(shipment_id=theirs.id).update(carrier_id=stranger_carrier.id)
    dispatcher = await dispatcher_actor()
    await deliver_with_proof(runtime, dispatcher, ours)

    person = await _carrier_person(panel_for, road)
    assert (await person.open("/admin/")).url.endswith("/admin/shipments")
    listed = await person.open("/admin/shipments")
    assert [r[0] for r in listed.rows("shipments-list")] == [ours.number]
    assert theirs.number not in listed.html
    assert "Adaeze Okafor" not in listed.html  # the client is not theirs to know

    page = await person.open(f"/admin/shipments/{ours.number}")
    assert page.status == 200
    for private in ("99000", "99 000", "NGN", "Order total", "Adaeze Okafor", "tracking-link"):
        assert private not in page.html, private
    # The route's stops, but not the other carrier's name, notes or documents.
    assert RAIL_CARRIER not in page.html

    assert (await person.open(f"/admin/shipments/{theirs.number}")).status == 404
    forged = await person.submit(
        f"/admin/shipments/{theirs.number}/events",
        {"status": "picked_up"},
        csrf_from=f"/admin/shipments/{ours.number}",
    )
    assert forged.status == 404
    assert await ShipmentEvent.filter(shipment_id=theirs.id).count() == 0
    # No assignment of carriers, no dashboard, no clients.
    assert "assign-0" not in page.html
    assert (await person.open("/admin/clients")).status == 403
    assert (await person.open("/admin/dashboard")).status == 403

    # Their event lands as the carrier's.
    fresh = await make_shipment("Chidi Eze", network=False)
    url = f"/admin/shipments/{fresh.number}"
    added = await person.submit(
        f"{url}/events", {"status": "picked_up", "place": "Apapa"}, csrf_from=url
    )
    assert added.status == 200
    assert ROAD_CARRIER in added.rows("events-table")[0][5]
    assert "Carrier" in added.rows("events-table")[0][5]


async def test_the_dashboard_tiles_count_and_link_to_the_list(panel_for, runtime):
    director = await panel_for(Role.DIRECTOR)
    colleague = await Employee.create(name="Other Manager", role=Role.MANAGER)
    moving = await make_shipment("Adaeze Okafor", colleague)
    late = await make_shipment("Bisi Ade", network=False)
    delivered = await make_shipment("Chidi Eze", network=False)
    dispatcher = await dispatcher_actor()
    await move(dispatcher, moving, "picked_up")
    await Shipment.filter(id=late.id).update(eta=late.promised_at + dt.timedelta(hours=5))
    for status in ("picked_up", "in_transit", "out_for_delivery", "delivered"):
        await move(dispatcher, delivered, status)

    page = await director.open("/admin/dashboard")
    assert page.text("tile-shipments.in_transit") == "Shipments in transit 1"
    assert page.text("tile-shipments.late") == "Late shipments 1"
    assert page.text("tile-shipments.no_proof") == "Delivered without proof 1"
    for link in ("status=moving", "late=yes", "proof=missing"):
        assert f'href="/admin/shipments?{link}"' in page.html
    no_proof = await director.open("/admin/shipments?proof=missing")
    assert [r[0] for r in no_proof.rows("shipments-list")] == [delivered.number]
    # A manager's tiles count their own and unassigned clients' shipments only.
    manager = await panel_for(Role.MANAGER)
    theirs = await manager.open("/admin/dashboard")
    assert theirs.text("tile-shipments.in_transit") == "Shipments in transit 0"
    assert theirs.text("tile-shipments.late") == "Late shipments 1"


async def test_carrier_people_and_keys_belong_to_a_carrier(panel_for):
    admin = await panel_for(Role.ADMIN)
    road = await Carrier.create(name="Lagos Haulage Co")
    no_company = await admin.submit(
        "/admin/staff/new",
        {"name": "Musa Driver", "role": "carrier", "language": "en"},
        csrf_from="/admin/staff/new",
    )
    assert no_company.status == 422
    assert no_company.field_error("carrier_id").endswith(
        "Choose the carrier company this person works for."
    )
    saved = await admin.submit(
        "/admin/staff/new",
        {"name": "Musa Driver", "role": "carrier", "language": "en", "carrier_id": str(road.id)},
        csrf_from="/admin/staff/new",
    )
    assert "Saved." in saved.body_text
    assert (await Employee.get(name="Musa Driver")).carrier_id == road.id
    # The company's own people belong to no carrier, whatever the form says.
    await admin.submit(
        "/admin/staff/new",
        {
            "name": "Ngozi Staff",
            "role": "dispatcher",
            "language": "en",
            "carrier_id": str(road.id),
        },
        csrf_from="/admin/staff/new",
    )
    assert (await Employee.get(name="Ngozi Staff")).carrier_id is None

    missing = await admin.submit(
        "/admin/api-keys/new",
        {"name": "Haulage system", "role": "carrier"},
        csrf_from="/admin/api-keys/new",
    )
    assert missing.status == 422
    assert missing.field_error("carrier_id").endswith(
        "Choose the carrier whose system uses this key."
    )
    made = await admin.submit(
        "/admin/api-keys/new",
        {"name": "Haulage system", "role": "carrier", "carrier_id": str(road.id)},
        csrf_from="/admin/api-keys/new",
    )
    assert made.text("new-key").startswith("ona_")
    assert (await ApiKey.get(name="Haulage system")).carrier_id == road.id

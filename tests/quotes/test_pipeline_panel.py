"""The pipeline board: columns of cards a head of sales reads and moves, with the bot's checks."""

from __future__ import annotations

from core.models import AuditLog, Order, QuoteRequest, RequestState, Role
from core.services.quote_requests import accept_quote
from tests.contract.test_quote import _network
from tests.quotes.sales_data import client_identity, request_quote
from tests.quotes.test_quote_calculator import _ngn


def _column(page, state: str) -> str:
    return page.text(f"column-{state}")


async def test_the_board_shows_cards_by_stage_and_moves_them(panel_for):
    await _network()
    head = await panel_for(Role.HEAD_OF_SALES)
    quoted = await request_quote(await client_identity("Adaeze Okafor"))
    unknown = await request_quote(await client_identity("Bisi Ade"), "Qwzxv Farm", "Kano")

    page = await head.open("/admin/pipeline")
    assert page.status == 200
    new_column = _column(page, "new")
    assert new_column.startswith("Requests 1")
    assert f"#{unknown.request.id} Bisi Ade" in new_column
    assert "Qwzxv Farm → Kano" in new_column and "Needs a manager" in new_column
    quoted_column = _column(page, "quoted")
    assert f"#{quoted.request.id} Adaeze Okafor" in quoted_column
    assert "Lagos → Kano" in quoted_column and _ngn("99000") in quoted_column

    # Refusing a new request is a move the board may make.
    moved = await head.submit(
        f"/admin/pipeline/{unknown.request.id}/move",
        {"state": "refused", "back": "/admin/pipeline"},
        csrf_from="/admin/pipeline",
    )
    assert moved.status == 200
    assert f"#{unknown.request.id} Bisi Ade" in _column(moved, "refused")
    assert (await QuoteRequest.get(id=unknown.request.id)).state is RequestState.REFUSED
    entry = await AuditLog.get(action="request.moved", object_id=str(unknown.request.id))
    assert entry.details == {"state": ["new", "refused"]}
    trail = await (await panel_for(Role.ADMIN)).open("/admin/audit")
    assert "Request moved in the pipeline" in trail.body_text  # a label, not the code

    # Ordering needs the client's choice of an option: the board cannot fake it.
    refused = await head.submit(
        f"/admin/pipeline/{quoted.request.id}/move",
        {"state": "ordered", "back": "/admin/pipeline"},
        csrf_from="/admin/pipeline",
    )
    assert "A request becomes an order when the client accepts an option of its quote." in (
        refused.text("board") + refused.body_text
    )
    assert (await QuoteRequest.get(id=quoted.request.id)).state is RequestState.QUOTED


async def test_a_manager_sees_only_their_clients_requests(panel_for):
    await _network()
    manager = await panel_for(Role.MANAGER)
    other = await panel_for(Role.MANAGER)
    mine = await request_quote(await client_identity("Mine Ltd", manager.employee))
    theirs = await request_quote(await client_identity("Theirs Ltd", other.employee))

    page = await manager.open("/admin/pipeline")
    assert "Mine Ltd" in page.body_text and "Theirs Ltd" not in page.body_text
    assert (await manager.open(f"/admin/requests/{theirs.request.id}")).status == 404
    forged = await manager.submit(
        f"/admin/pipeline/{theirs.request.id}/move",
        {"state": "refused"},
        csrf_from="/admin/pipeline",
    )
    assert forged.status == 404
    assert (await QuoteRequest.get(id=theirs.request.id)).state is RequestState.QUOTED

    detail = await manager.open(f"/admin/requests/{mine.request.id}")
    assert detail.status == 200
    rows = detail.rows("quote-options-" + str(mine.quote.id))
    assert rows[0][0].startswith("Road Lagos → Ibadan, then Rail Ibadan → Kano")
    # Price, total, cost, margin: the manager sees what we earn on each option.
    assert rows[0][3] == _ngn("99000") and rows[0][6] != "—"


async def test_the_board_filters_by_manager(panel_for):
    await _network()
    head = await panel_for(Role.HEAD_OF_SALES)
    manager = await panel_for(Role.MANAGER)
    await request_quote(await client_identity("Mine Ltd", manager.employee))
    await request_quote(await client_identity("Nobody's Ltd"))
    page = await head.open(f"/admin/pipeline?manager={manager.employee.id}")
    assert "Mine Ltd" in page.body_text and "Nobody" not in page.body_text


async def test_todays_sales_tiles_count_and_link_to_the_board(panel_for):
    await _network()
    head = await panel_for(Role.HEAD_OF_SALES)
    empty = await head.open("/admin/dashboard")
    assert empty.text("tile-sales.conversion").endswith("—")
    buyer = await client_identity("Adaeze Okafor")
    quoted = await request_quote(buyer)
    await request_quote(await client_identity("Bisi Ade"), "Qwzxv Farm", "Kano")
    await accept_quote(buyer, quoted.quote.id, 0)

    page = await head.open("/admin/dashboard")
    assert page.text("tile-sales.new_requests") == "New requests today 2"
    assert page.text("tile-sales.quotes_sent") == "Quotes sent today 1"
    assert page.text("tile-sales.orders") == "Orders today 1"
    assert page.text("tile-sales.conversion") == "Conversion today 50 %"
    assert 'href="/admin/pipeline?from=' in page.html
    # A marketer has no sales tiles.
    marketer = await panel_for(Role.MARKETER)
    theirs = await marketer.open("/admin/dashboard")
    assert theirs.status == 200 and "tile-sales" not in theirs.html


async def test_a_head_of_sales_lands_on_the_board_and_a_manager_on_the_dashboard(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES)
    assert (await head.open("/admin/")).url.endswith("/admin/pipeline")
    manager = await panel_for(Role.MANAGER)
    assert (await manager.open("/admin/")).url.endswith("/admin/dashboard")


async def test_an_order_called_off_is_cancelled_and_cannot_start_over(panel_for):
    await _network()
    head = await panel_for(Role.HEAD_OF_SALES)
    buyer = await client_identity("Adaeze Okafor")
    quoted = await request_quote(buyer)
    order = await accept_quote(buyer, quoted.quote.id, 0)

    called_off = await head.submit(
        f"/admin/pipeline/{quoted.request.id}/move",
        {"state": "refused", "back": f"/admin/requests/{quoted.request.id}"},
        csrf_from="/admin/pipeline",
    )
    assert called_off.status == 200
    assert (await Order.get(id=order.id)).cancelled_at is not None
    page = await head.open("/admin/dashboard")
    assert page.text("tile-sales.orders") == "Orders today 0"

    reopened = await head.submit(
        f"/admin/pipeline/{quoted.request.id}/move",
        {"state": "new", "back": f"/admin/requests/{quoted.request.id}"},
        csrf_from=f"/admin/requests/{quoted.request.id}",
    )
    assert "An ordered request cannot start over: make a new request instead." in (
        reopened.body_text
    )
    assert (await QuoteRequest.get(id=quoted.request.id)).state is RequestState.REFUSED


async def test_the_clients_dossier_lists_its_requests_and_orders(panel_for):
    await _network()
    manager = await panel_for(Role.MANAGER)
    buyer = await client_identity("Adaeze Okafor", manager.employee)
    quoted = await request_quote(buyer)
    order = await accept_quote(buyer, quoted.quote.id, 0)
    await request_quote(buyer, "Qwzxv Farm", "Kano")
    page = await manager.open(f"/admin/clients/{buyer.client_id}")
    rows = page.rows("client-requests")
    assert [(row[2], row[3], row[4]) for row in rows] == [
        ("Qwzxv Farm → Kano", "Requests", "—"),
        ("Lagos → Kano", "Ordered", order.number),
    ]
    marketer = await panel_for(Role.MARKETER)
    theirs = await marketer.open(f"/admin/clients/{buyer.client_id}")
    assert theirs.status == 200 and "client-requests" not in theirs.html

"""The network is kept per process between quotes, and an edit reaches the next quote."""

from __future__ import annotations

from decimal import Decimal

from core.models import Role, Tariff, Zone
from core.services.locations import forget_index
from core.services.quoting import quote_options
from tests.quotes.test_quoting import CARGO, READY, _network


async def _cheapest(net) -> Decimal:
    result = await quote_options(None, net["lagos"].id, net["kano"].id, CARGO, READY, 5)
    return result.options[0].price


async def test_a_changed_tariff_prices_the_next_quote(runtime):
    net = await _network()
    # Road Lagos-Ibadan 3 000 + transfer 1 000 + rail 2 000 (test_quoting's figures).
    assert await _cheapest(net) == Decimal("6000.00")
    rail = await Tariff.get(price_list=net["main"], mode="rail")
    rail.breaks = [["0", "40"]]
    await rail.save()
    assert await _cheapest(net) == Decimal("8000.00")
    await rail.delete()
    # Without rail the cheapest is the direct road: 15 000.
    assert await _cheapest(net) == Decimal("15000.00")


async def test_zone_members_edited_in_the_panel_reach_the_next_quote(panel_for):
    net = await _network()
    forget_index()
    admin = await panel_for(Role.ADMIN)
    north = await Zone.create(name="North")
    south = await Zone.create(name="South")
    await south.locations.add(net["ibadan"])
    # A cheap rail rate between the two zones (a zone pair beats the mode-wide rail rate);
    # Kano is not in "North" yet.
    await Tariff.create(
        price_list=net["main"],
        mode="rail",
        basis="per_kg",
        currency="NGN",
        origin_zone=south,
        destination_zone=north,
        breaks=[["0", "5"]],
    )
    before = await quote_options(None, net["lagos"].id, net["kano"].id, CARGO, READY, 5)
    page = await admin.submit(
        f"/admin/zones/{north.id}",
        {"name": "North", "members": f"#{net['kano'].id}"},
        csrf_from=f"/admin/zones/{north.id}",
    )
    assert "Saved." in page.body_text
    after = await quote_options(None, net["lagos"].id, net["kano"].id, CARGO, READY, 5)
    # Rail Ibadan-Kano now bills the zone rate: 3 000 + 1 000 + 100 kg × 5 = 4 500.
    assert before.options[0].price == Decimal("6000.00")
    assert after.options[0].price == Decimal("4500.00")

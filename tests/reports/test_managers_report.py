"""Report 1 on a small hand-made month: every figure written here by hand, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.models import Employee, RefusalReason, RequestState, Role
from core.services.reports import build
from core.services.reports.period import Compare, Period
from tests.reports.data import chat, client, order, quote, reminder, request, task, utc
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
H = dt.timedelta(hours=1)


async def _month():
    head = await Employee.create(name="Olga Head", role=Role.HEAD_OF_SALES)
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER, head=head)
    bisi = await Employee.create(name="Bisi", role=Role.MANAGER, head=head)
    # 31 Oct 23:30 UTC is 1 Nov 00:30 in Lagos: November. 30 Nov 23:30 UTC is December.
    ada = await client("Ada", tunde, utc(2026, 10, 31, 23, 30))
    await client("Late Dec", tunde, utc(2026, 11, 30, 23, 30))
    await client("Oct", tunde, utc(2026, 10, 31, 22, 30))
    kemi = await client("Kemi", bisi, utc(2026, 11, 10))

    # Tunde: three requests, taken after 1 h, 3 h and 5 h (median 3 h).
    first = await request(
        ada, utc(2026, 11, 2, 9), manager=tunde, taken_by=tunde, taken_at=utc(2026, 11, 2, 10)
    )
    second = await request(
        ada, utc(2026, 11, 3, 9), manager=tunde, taken_by=tunde, taken_at=utc(2026, 11, 3, 12)
    )
    third = await request(
        ada,
        utc(2026, 11, 4, 9),
        manager=tunde,
        taken_by=tunde,
        taken_at=utc(2026, 11, 4, 14),
        state=RequestState.REFUSED,
        state_changed=utc(2026, 11, 6),
        reason=RefusalReason.TOO_EXPENSIVE,
    )
    # Quotes sent 2 h and 4 h after the request (median 3 h); a re-quote later does not
    # change the first one.
    q1 = await quote(first, utc(2026, 11, 2, 11), by=tunde)
    await quote(first, utc(2026, 11, 5, 11), by=tunde)
    q2 = await quote(second, utc(2026, 11, 3, 13), by=tunde)
    await reminder(q2, utc(2026, 11, 5))
    await reminder(q2, utc(2026, 11, 6), delivered=False)  # not delivered: not counted
    await order(q1, utc(2026, 11, 7), "1000.10", "600.05", tunde)
    await order(q2, utc(2026, 11, 8), "500.00", None, tunde)  # no cost yet: no margin
    del third
    # Bisi: one request, an order cancelled (not counted), tasks and a live chat.
    fourth = await request(kemi, utc(2026, 11, 11), manager=bisi)
    q4 = await quote(fourth, utc(2026, 11, 11, 2), by=bisi)
    await order(q4, utc(2026, 11, 12), "9999.00", "1.00", bisi, cancelled=utc(2026, 11, 13))
    await task(bisi, utc(2026, 11, 5), done=utc(2026, 11, 5), quality=5)
    await task(bisi, utc(2026, 11, 6), done=utc(2026, 11, 8), late=True, quality=2)
    await task(bisi, utc(2026, 11, 7))
    await task(bisi, utc(2026, 12, 7))  # December
    await chat(kemi, bisi, utc(2026, 11, 20, 10), utc(2026, 11, 20, 10, 4))
    await chat(kemi, bisi, utc(2026, 11, 21, 10), utc(2026, 11, 21, 10, 10))
    return head, tunde, bisi


async def test_each_managers_figures_for_november(runtime):
    head, _tunde, _bisi = await _month()
    result = await build(actor_for(head), "managers", NOVEMBER)
    rows = {row["name"]: row for row in result.rows}
    assert [row["name"] for row in result.rows] == ["Tunde", "Bisi"]
    t = rows["Tunde"]
    assert (t["new_clients"], t["requests"], t["quotes"], t["reminders"]) == (1, 3, 3, 1)
    assert (t["take_hours"], t["quote_hours"]) == (3.0, 3.0)
    assert (t["orders"], t["revenue"], t["margin"]) == (2, Decimal("1500.10"), Decimal("400.05"))
    assert t["refusals"] == 1 and str(t["refusal_reasons"]) == "too expensive 1"
    b = rows["Bisi"]
    assert (b["new_clients"], b["requests"], b["orders"], b["revenue"]) == (1, 1, 0, Decimal("0"))
    assert (b["tasks"], b["tasks_done"], b["tasks_late"], b["quality"]) == (3, 2, 1, 3.5)
    assert b["reply_minutes"] == 7.0
    assert b["quote_hours"] == 2.0


async def test_a_manager_sees_only_their_own_figures(runtime):
    _head, tunde, _bisi = await _month()
    result = await build(actor_for(tunde), "managers", NOVEMBER)
    assert [row["name"] for row in result.rows] == ["Tunde"]


async def test_an_empty_period_has_no_rows_and_a_comparison_with_it_has_no_change(runtime):
    head, _tunde, _bisi = await _month()
    empty = await build(
        actor_for(head), "managers", Period(dt.date(2025, 1, 1), dt.date(2025, 2, 1), LAGOS)
    )
    assert empty.empty and empty.chart is None
    december = await build(
        actor_for(head),
        "managers",
        Period(dt.date(2026, 12, 1), dt.date(2027, 1, 1), LAGOS),
        Compare.PREVIOUS,
    )
    assert december.compare == NOVEMBER
    row = {r["name"]: r for r in december.rows}["Bisi"]
    assert row["tasks"] == 1
    assert december.change(row, "tasks") == Decimal("-66.66666666666666666666666667")

"""Marketing costs in the panel: a month's amounts per source and per campaign, saved at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.models import AuditLog, Campaign, Employee, MarketingCost, Role
from core.services.reports import build
from core.services.reports.period import Period
from tests.reports.data import client, utc
from tests.reports.data_marketing import campaign, cost, forget_costs, source
from tests.services.conftest import actor_for

NOVEMBER = dt.date(2026, 11, 1)
PAGE = "/admin/marketing-costs?month=2026-11"


@pytest.fixture(autouse=True)
async def _no_costs(runtime):
    await forget_costs()


async def _sheet():
    """Sources and campaigns around November in Lagos (UTC+1)."""
    await source("fb", "Facebook Ads")
    await source("radio", "Radio")
    await source("old", "Old flyers", active=False)  # inactive, no cost: not offered
    await cost("print", NOVEMBER, "75.00")  # a source removed since, its cost kept
    friday = await campaign("Black Friday", utc(2026, 11, 20, 9))
    later = await campaign("Christmas", None, scheduled_at=utc(2026, 11, 28))
    # 31 Oct 22:30 UTC is October in Lagos; 30 Nov 23:30 UTC is December.
    await campaign("Halloween", utc(2026, 10, 31, 22, 30), "40.00")
    await campaign("December", utc(2026, 11, 30, 23, 30))
    return friday, later


async def test_a_marketer_enters_the_months_costs_and_the_report_counts_them(panel_for):
    friday, later = await _sheet()
    marketer = await panel_for(Role.MARKETER)
    page = await marketer.open(PAGE)
    assert page.status == 200
    assert page.text("costs-month") == "November 2026"
    assert page.text("field-source.fb") == "Facebook Ads"
    assert page.text("field-source.print") == "print Inactive"
    assert 'name="source.old"' not in page.html
    assert 'name="source.print" value="75.00"' in page.html
    campaigns = page.text("costs-campaigns")
    assert "Black Friday" in campaigns and "Christmas" in campaigns
    assert "Halloween" not in campaigns and "December" not in campaigns

    saved = await marketer.submit(
        "/admin/marketing-costs",
        {
            "month": "2026-11",
            "source.fb": "1 250,50",
            "source.radio": "",
            "source.print": "75.00",
            f"campaign.{friday.id}": "300",
            f"campaign.{later.id}": "",
        },
    )
    assert saved.status == 200 and saved.url.endswith("?month=2026-11&done=saved")
    assert "Saved." in saved.body_text
    assert 'name="source.fb" value="1250.50"' in saved.html
    stored = await MarketingCost.all().order_by("source").values_list("source", "month", "amount")
    assert stored == [("fb", NOVEMBER, Decimal("1250.50")), ("print", NOVEMBER, Decimal("75.00"))]
    assert (await Campaign.get(id=friday.id)).cost == Decimal("300.00")
    assert (await Campaign.get(id=later.id)).cost is None
    entries = await AuditLog.filter(action="updated").order_by("id")
    assert [(e.object_type, e.object_id, e.details) for e in entries] == [
        ("marketing_cost", "2026-11", {"fb": [None, "1250.50"]}),
        ("mail_campaign", str(friday.id), {"cost": [None, "300.00"]}),
    ]

    # The report reads them: the month's source costs and the campaign started in it.
    director = await Employee.create(name="Dora Director", role=Role.DIRECTOR)
    await client("Ada", None, utc(2026, 11, 3), source="fb")
    month = Period(NOVEMBER, dt.date(2026, 12, 1), ZoneInfo("Africa/Lagos"))
    rows = {r["key"]: r for r in (await build(actor_for(director), "marketing", month)).rows}
    assert (rows["source:fb"]["cost"], rows["source:fb"]["cost_per_client"]) == (
        Decimal("1250.50"),
        Decimal("1250.50"),
    )
    assert rows["source:print"]["cost"] == Decimal("75.00")
    assert rows[f"campaign:{friday.id}"]["cost"] == Decimal("300.00")

    # An emptied amount is no cost any more.
    await marketer.open(PAGE)
    await marketer.submit("/admin/marketing-costs", {"month": "2026-11", "source.fb": ""})
    assert await MarketingCost.filter(source="fb").count() == 0
    assert await MarketingCost.filter(source="print").count() == 1  # not in the form: kept


async def test_wrong_amounts_are_explained_at_each_field_and_nothing_is_saved(panel_for):
    friday, _later = await _sheet()
    admin = await panel_for(Role.ADMIN)
    await admin.open(PAGE)
    page = await admin.submit(
        "/admin/marketing-costs",
        {
            "month": "2026-11",
            "source.fb": "-5",
            "source.radio": "abc",
            "source.print": "10.005",
            f"campaign.{friday.id}": "1000000000000",
        },
    )
    assert page.status == 422
    assert page.text("form-errors").startswith("Please correct the fields marked below.")
    assert page.text("field-source.fb").endswith("Enter zero or more.")
    assert page.text("field-source.radio").endswith("Enter a number like 1250.50.")
    assert page.text("field-source.print").endswith("Enter at most two digits after the point.")
    assert page.text(f"field-campaign.{friday.id}").endswith(
        "Enter a number of at most 999999999999.99."
    )
    # What was typed stays, to be corrected.
    assert 'value="-5"' in page.html and 'value="abc"' in page.html
    assert 'value="10.005"' in page.html
    stored = await MarketingCost.all().values_list("source", "amount")
    assert stored == [("print", Decimal("75.00"))]
    assert (await Campaign.get(id=friday.id)).cost is None
    assert not await AuditLog.filter(object_type="marketing_cost").exists()


async def test_a_bad_month_is_explained(panel_for):
    await _sheet()
    marketer = await panel_for(Role.MARKETER)
    page = await marketer.open("/admin/marketing-costs?month=2026-13")
    assert page.status == 200
    assert page.text("month-error") == "Enter a month like 2026-11."
    page = await marketer.submit("/admin/marketing-costs", {"month": "next", "source.fb": "1"})
    assert page.status == 422
    assert page.text("month-error") == "Enter a month like 2026-11."
    assert not await MarketingCost.filter(source="fb").exists()
    # The neighbouring months are a click away.
    page = await marketer.open(PAGE)
    assert 'href="/admin/marketing-costs?month=2026-10"' in page.html
    assert 'href="/admin/marketing-costs?month=2026-12"' in page.html
    december = await marketer.open("/admin/marketing-costs?month=2026-12")
    assert "December" in december.text("costs-campaigns")


async def test_only_who_manages_sources_may_open_or_save_it(panel_for):
    await _sheet()
    director = await panel_for(Role.DIRECTOR)
    assert (await director.open(PAGE)).status == 200
    for role in (Role.MANAGER, Role.HEAD_OF_SALES, Role.ACCOUNTANT):
        person = await panel_for(role)
        assert (await person.open(PAGE)).status == 403
        refused = await person.submit(
            "/admin/marketing-costs",
            {"month": "2026-11", "source.fb": "5"},
            csrf_from="/admin/account",
        )
        assert refused.status == 403
    # A form without the session's token is refused too.
    async with director.http.post(
        director.base_url + "/admin/marketing-costs", data={"month": "2026-11", "source.fb": "5"}
    ) as response:
        assert response.status == 403
    assert not await MarketingCost.filter(source="fb").exists()

"""The campaigns list in the panel: filtered by state and by the local day a message went
(the dashboard's "sent today" tile opens it so), with each campaign's sent/total."""

from __future__ import annotations

from core.models import CampaignState, OutboxState, Role
from tests.reports.data import client, utc
from tests.reports.data_marketing import campaign, message


async def test_the_list_by_the_day_a_message_went_in_lagos(runtime, panel_for):
    ada, bola = (
        await client("Ada", None, utc(2026, 1, 1)),
        await client("Bola", None, utc(2026, 1, 1)),
    )
    late = await campaign("Late night", utc(2026, 11, 20))
    await message(late, ada, utc(2026, 11, 20, 23, 30))  # 00:30 on 21 November in Lagos
    await message(late, bola, None, state=OutboxState.FAILED)
    early = await campaign("Early", utc(2026, 11, 20))
    await message(early, ada, utc(2026, 11, 20, 22, 30))  # 23:30 on 20 November in Lagos
    await campaign("Draft", None)
    marketer = await panel_for(Role.MARKETER)

    page = await marketer.open("/admin/mailings?sent_on=2026-11-21")
    assert [row[0] for row in page.rows("campaigns-list")] == ["Late night"]
    assert page.rows("campaigns-list")[0][-1] == "1/2"
    page = await marketer.open("/admin/mailings?sent_on=2026-11-20")
    assert [row[0] for row in page.rows("campaigns-list")] == ["Early"]
    page = await marketer.open(f"/admin/mailings?state={CampaignState.DRAFT.value}")
    assert [row[0] for row in page.rows("campaigns-list")] == ["Draft"]
    # A bad day or state is no filter.
    page = await marketer.open("/admin/mailings?sent_on=9999-99-99&state=bogus")
    assert len(page.rows("campaigns-list")) == 3

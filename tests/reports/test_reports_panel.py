"""The reports in the panel: a page with the period, chart and table, and the files."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.models import Employee, Role
from tests.reports.data import client, request, utc

NOVEMBER = "period=custom&from=2026-11-01&to=2026-11-30"


async def test_a_director_opens_the_managers_report_and_downloads_it(runtime, panel_for):
    tunde = await Employee.create(name="Tunde Bakare", role=Role.MANAGER)
    await client("Ada", tunde, utc(2026, 11, 10))
    director = await panel_for(Role.DIRECTOR)
    listing = await director.open("/admin/reports")
    assert "Managers' work" in listing.text("reports-list")
    page = await director.open(f"/admin/reports/managers?{NOVEMBER}")
    assert page.status == 200
    assert page.rows("report-table")[0][:2] == ["Tunde Bakare", "1"]
    assert 'id="report-chart" src="data:image/svg+xml;base64,' in page.html
    # The figure opens the clients behind it, for the period.
    assert f"/admin/clients?manager_id={tunde.id}&amp;created_after=2026-11-01" in page.html
    # The chat reply time opens the person's activity, where the chats they took are.
    assert f'href="/admin/staff/{tunde.id}/activity"' in page.html
    assert (await director.open(f"/admin/staff/{tunde.id}/activity")).status == 200
    empty = await director.open(
        "/admin/reports/managers?period=custom&from=2025-01-01&to=2025-01-31"
    )
    assert empty.text("report-empty") == "No data for this period."
    await director.open(f"/admin/reports/managers.xlsx?{NOVEMBER}")
    sheet = load_workbook(io.BytesIO(director.body)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Manager", "New clients"]
    assert values[1][:2] == ["Tunde Bakare", 1]
    await director.open(f"/admin/reports/managers.pdf?{NOVEMBER}")
    assert director.body.startswith(b"%PDF")


async def test_a_bad_period_is_explained_and_roles_are_kept_out(runtime, panel_for):
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(
        "/admin/reports/managers?period=custom&from=2026-12-01&to=2026-11-01"
    )
    assert page.text("period-error") == "The end date is before the start date."
    page = await director.open("/admin/reports/managers?period=custom&from=2026-11-01")
    assert page.text("period-error") == "Choose both dates."
    # The form sends its dates with any period: they count only with "custom".
    page = await director.open("/admin/reports/managers?period=last_month&from=2026-01-01&to=x")
    assert 'id="period-error"' not in page.html
    dispatcher = await panel_for(Role.DISPATCHER)
    assert (await dispatcher.open("/admin/reports/managers")).status == 403


async def test_a_long_report_shows_its_first_rows_and_the_file_has_all(
    runtime, panel_for, monkeypatch
):
    from admin_web.views import reports as view

    monkeypatch.setattr(view, "MAX_ROWS", 1)
    for name in ("Tunde Bakare", "Bisi Ade"):
        await client(
            "Client of " + name,
            await Employee.create(name=name, role=Role.MANAGER),
            utc(2026, 11, 10),
        )
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(f"/admin/reports/managers?{NOVEMBER}")
    assert len(page.rows("report-table")) == 1
    assert page.text("report-more") == "…and 1 more row in the XLSX file."
    await director.open(f"/admin/reports/managers.xlsx?{NOVEMBER}")
    sheet = load_workbook(io.BytesIO(director.body)).active
    assert sheet.max_row == 3  # the header and both managers


async def test_the_client_activity_page_shows_the_first_rows_in_the_chosen_order(
    runtime, panel_for, monkeypatch
):
    """Sorted by a column, the page shows that column's first rows of the whole report,
    not of the report's own top rows."""
    from admin_web.views import reports as view

    monkeypatch.setattr(view, "MAX_ROWS", 2)
    tunde = await Employee.create(name="Tunde Bakare", role=Role.MANAGER)
    for name, asks in (("Zainab", 3), ("Musa", 2), ("Abeni", 1)):
        buyer = await client(name, tunde, utc(2026, 1, 1))
        for day in range(asks):
            await request(buyer, utc(2026, 11, 10 + day), manager=tunde)
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(f"/admin/reports/clients?{NOVEMBER}&sort=name&dir=asc")
    assert [row[0] for row in page.rows("report-table")] == ["Abeni", "Musa"]
    assert page.text("report-more") == "…and 1 more row in the XLSX file."
    page = await director.open(f"/admin/reports/clients?{NOVEMBER}&sort=requests&dir=desc")
    assert [row[0] for row in page.rows("report-table")] == ["Zainab", "Musa"]


async def test_a_report_is_narrowed_to_a_person_and_to_flagged_rows(runtime, panel_for):
    tunde = await Employee.create(name="Tunde Bakare", role=Role.MANAGER)
    bisi = await Employee.create(name="Bisi Ade", role=Role.MANAGER)
    for name, manager, asks in (("Zainab", tunde, 2), ("Musa", bisi, 1)):
        buyer = await client(name, manager, utc(2026, 1, 1))
        for day in range(asks):
            await request(buyer, utc(2026, 11, 10 + day), manager=manager)
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(f"/admin/reports/clients?{NOVEMBER}")
    assert page.text("report-person").startswith("Everyone I may see")
    assert "Bisi Ade" in page.text("report-person") and "Tunde Bakare" in page.text(
        "report-person"
    )
    assert "Only clients who ask for prices and never order" in page.text("report-flag")
    page = await director.open(f"/admin/reports/clients?{NOVEMBER}&person={bisi.id}")
    assert [row[0] for row in page.rows("report-table")] == ["Musa"]
    # The sort links and the files keep the filter.
    assert f"person={bisi.id}" in page.html.split('id="download-xlsx"')[1].split(">")[0]
    await director.open(f"/admin/reports/clients.xlsx?{NOVEMBER}&person={bisi.id}")
    sheet = load_workbook(io.BytesIO(director.body)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2) if row[1].value] == ["Musa"]
    page = await director.open(f"/admin/reports/clients?{NOVEMBER}&flag=price_only")
    assert [row[0] for row in page.rows("report-table")] == ["Zainab"]
    # Someone the asker may not choose, or a bogus flag, is no filter.
    page = await director.open(f"/admin/reports/clients?{NOVEMBER}&person=999999&flag=x")
    assert len(page.rows("report-table")) == 2
    # A manager sees only their own figures: nobody to choose.
    manager = await panel_for(Role.MANAGER)
    page = await manager.open(f"/admin/reports/managers?{NOVEMBER}")
    assert 'id="report-person"' not in page.html

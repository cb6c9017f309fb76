"""The list/form/import/history pattern, through the marketing sources section."""

from __future__ import annotations

import aiohttp

from core.models import MarketingSource, Role
from tests.panel.panel_client import Page


async def test_add_a_source_and_see_it_listed_with_its_history(panel_for):
    admin = await panel_for(Role.ADMIN)
    page = await admin.submit(
        "/admin/sources/new",
        {"name": "Facebook ads", "code": "Facebook-Ads", "is_active": "on"},
        csrf_from="/admin/sources/new",
    )
    assert page.status == 200
    assert "Saved." in page.body_text
    listing = await admin.open("/admin/sources")
    assert listing.rows("sources-list") == [["Facebook ads", "facebook-ads", "Active"]]

    source = await MarketingSource.get(code="facebook-ads")
    await admin.submit(
        f"/admin/sources/{source.id}",
        {"name": "Facebook", "code": "facebook-ads"},
        csrf_from=f"/admin/sources/{source.id}",
    )
    history = await admin.open(f"/admin/sources/{source.id}/history")
    rows = history.rows("history")
    assert [row[2] for row in rows] == ["updated", "created"]
    assert "name: Facebook ads → Facebook" in rows[0][3]
    assert "is_active: True → False" in rows[0][3]


async def test_wrong_input_is_explained_next_to_the_field_and_nothing_is_saved(panel_for):
    admin = await panel_for(Role.ADMIN)
    await MarketingSource.create(code="radio", name="Radio")
    page = await admin.submit(
        "/admin/sources/new", {"name": "", "code": "radio"}, csrf_from="/admin/sources/new"
    )
    assert page.status == 422
    assert page.text("field-name").endswith("This field is required.")
    page = await admin.submit("/admin/sources/new", {"name": "Radio 2", "code": "radio"})
    assert page.text("field-code").endswith("This code is already used.")
    page = await admin.submit("/admin/sources/new", {"name": "Radio 2", "code": "radio ads!"})
    assert page.text("field-code").endswith("Use lower-case letters, digits, dots, dashes.")
    assert 'value="Radio 2"' in page.html  # what was typed stays in the form
    assert await MarketingSource.all().count() == 1


async def test_search_and_filter_narrow_the_list(panel_for):
    admin = await panel_for(Role.MARKETER)
    await MarketingSource.create(code="radio", name="Radio", is_active=False)
    await MarketingSource.create(code="tv", name="Television")
    found = await admin.open("/admin/sources?q=tele")
    assert [r[0] for r in found.rows("sources-list")] == ["Television"]
    inactive = await admin.open("/admin/sources?status=no")
    assert [r[0] for r in inactive.rows("sources-list")] == ["Radio"]


async def _upload(panel, text: str):
    await panel.open("/admin/sources/import")
    form = aiohttp.FormData()
    form.add_field("_csrf", panel.last.csrf)
    form.add_field("file", text.encode(), filename="sources.csv", content_type="text/csv")
    async with panel.http.post(panel.base_url + "/admin/sources/import", data=form) as r:
        return r.status, await r.text(), str(r.url)


async def test_csv_import_is_all_or_nothing(panel_for):
    admin = await panel_for(Role.ADMIN)
    status, html, _url = await _upload(admin, "code;name\nradio;Radio\nbad code;Broken\nflyers;\n")
    assert status == 422
    assert "Nothing was imported" in html
    problems = Page(status, html, "", {}).rows("problems")
    assert problems == [
        ["3", "Code", "Use lower-case letters, digits, dots, dashes."],
        ["4", "Name", "This field is required."],
    ], problems
    assert await MarketingSource.all().count() == 0

    status, html, url = await _upload(admin, "Code,Name,is_active\nradio,Radio,yes\ntv,TV,no\n")
    assert status == 200 and url.endswith("/admin/sources?done=imported&count=2")
    assert "Imported 2 rows." in html
    assert {(s.code, s.is_active) for s in await MarketingSource.all()} == {
        ("radio", True),
        ("tv", False),
    }


async def test_import_rejects_a_duplicate_inside_the_file(panel_for):
    admin = await panel_for(Role.ADMIN)
    status, html, _url = await _upload(admin, "code,name\nradio,Radio\nradio,Radio again\n")
    assert status == 422
    assert "This code is already used." in html
    assert await MarketingSource.all().count() == 0

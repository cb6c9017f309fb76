"""Input no form expects: huge ids, NUL characters, broken CSV files, edge-of-calendar dates.

Each gets a clear answer (404, 400 or a message), never a 500, and changes nothing.
"""

from __future__ import annotations

import aiohttp
import pytest

from core.models import Client, Employee, MarketingSource, Role

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/clients/{HUGE}",
        f"/admin/clients/{HUGE}/edit",
        f"/admin/clients/{HUGE}/contacts/new",
        "/admin/clients/3000000000",
        f"/admin/staff/{HUGE}",
        f"/admin/webhooks/{HUGE}",
        f"/admin/webhooks/deliveries/{HUGE}",
        f"/admin/api-keys/{HUGE}",
    ],
)
async def test_ids_that_cannot_exist_are_not_found(panel_for, path):
    admin = await panel_for(Role.ADMIN)
    page = await admin.open(path)
    assert page.status == 404
    assert "This page does not exist." in page.body_text


async def test_posts_with_impossible_ids_change_nothing(panel_for):
    admin = await panel_for(Role.ADMIN)
    await admin.open("/admin/clients")
    page = await admin.submit("/admin/clients/merge", {"keep": HUGE, "merge": "1"})
    assert page.url.endswith("/admin/clients/duplicates?error=1")
    page = await admin.submit(f"/admin/api-keys/{HUGE}/revoke", {})
    assert page.status == 404
    page = await admin.submit("/admin/channels/test", {"identity": HUGE})
    assert "could not be sent" in page.body_text


async def test_nul_characters_are_refused_with_a_message(runtime, panel_for):
    admin = await panel_for(Role.ADMIN)
    page = await admin.open("/admin/staff?q=a%00b")
    assert page.status == 400
    assert "not allowed" in page.body_text
    await admin.open("/admin/sources/new")
    page = await admin.submit("/admin/sources/new", {"name": "Ra\x00dio", "code": "radio"})
    assert page.status == 400
    assert not await MarketingSource.exists(code="radio")
    anonymous = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        async with anonymous.post(
            f"{runtime.base_url}/admin/login", data={"login": "a\x00b", "password": "x"}
        ) as response:
            assert response.status in {400, 403}
    finally:
        await anonymous.close()


async def test_control_characters_are_explained_next_to_the_field(panel_for):
    admin = await panel_for(Role.ADMIN)
    page = await admin.submit(
        "/admin/sources/new",
        {"name": "Ra\x07dio", "code": "radio"},
        csrf_from="/admin/sources/new",
    )
    assert page.status == 422
    assert page.text("field-name").endswith("Remove the invisible control characters.")


async def test_a_broken_csv_file_is_explained(panel_for):
    admin = await panel_for(Role.ADMIN)
    await admin.open("/admin/sources/import")
    form = aiohttp.FormData()
    form.add_field("_csrf", admin.last.csrf)
    data = b"name,code\n" + b"a" * 140_000 + b",x\n"
    form.add_field("file", data, filename="big.csv", content_type="text/csv")
    async with admin.http.post(admin.base_url + "/admin/sources/import", data=form) as r:
        assert r.status == 422
        assert "This is not a CSV file." in await r.text()
    assert not await MarketingSource.exists()


async def test_dates_at_the_edge_of_the_calendar_are_ignored(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES)
    await Client.create(name="Ada")
    for query in ("created_from=0001-01-01", "consent_changed=granted&changed_from=0001-01-01"):
        page = await head.open(f"/admin/clients?{query}")
        assert page.status == 200
    page = await head.open("/admin/clients/export.xlsx?created_from=0001-01-01")
    assert page.status == 200


async def test_saving_a_client_keeps_a_source_and_manager_no_longer_offered(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES)
    gone = await Employee.create(name="Former Manager", role=Role.MANAGER, is_active=False)
    client = await Client.create(name="Old Client", source="telegram", manager=gone)
    form = await head.open(f"/admin/clients/{client.id}/edit")
    assert 'value="telegram" selected' in form.html
    assert f'value="{gone.id}" selected' in form.html and "Former Manager" in form.html
    page = await head.submit(
        f"/admin/clients/{client.id}/edit",
        {
            "name": "Old Client",
            "kind": "individual",
            "language": "en",
            "city": "Ibadan",
            "source": "telegram",
            "manager_id": str(gone.id),
        },
    )
    assert "Saved." in page.body_text
    saved = await Client.get(id=client.id)
    assert (saved.source, saved.manager_id, saved.city) == ("telegram", gone.id, "Ibadan")

"""Clients in the panel: filters, editing, duplicates and merge, export, dashboard links."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from core.models import (
    AuditLog,
    Channel,
    Client,
    ConsentState,
    Interaction,
    MarketingSource,
    Role,
    Tag,
)


async def _client(name: str, **fields) -> Client:
    tags = fields.pop("tags", [])
    client = await Client.create(name=name, **fields)
    for tag in tags:
        await client.tags.add((await Tag.get_or_create(name=tag))[0])
    return client


async def test_filters_narrow_the_list(panel_for):
    admin = await panel_for(Role.HEAD_OF_SALES)
    manager = admin.employee
    await MarketingSource.create(code="radio", name="Radio")
    await _client("Lagos Foods", city="Lagos", source="radio", manager=manager, tags=["vip"])
    await _client("Kano Cotton", city="Kano", tags=["vip", "north"])
    granted = await _client("Ibadan Yams", city="Ibadan")
    await ConsentState.create(
        client=granted, channel=Channel.TELEGRAM, granted=True, updated_at=dt.datetime.now(dt.UTC)
    )

    async def names(query: str) -> list[str]:
        page = await admin.open(f"/admin/clients?{query}")
        return sorted(row[0] for row in page.rows("clients-list"))

    assert await names("city=lagos") == ["Lagos Foods"]
    assert await names("source=radio") == ["Lagos Foods"]
    assert await names("tag=vip") == ["Kano Cotton", "Lagos Foods"]
    assert await names(f"manager_id={manager.id}") == ["Lagos Foods"]
    assert await names("consent=granted") == ["Ibadan Yams"]
    assert await names("consent=none") == ["Kano Cotton", "Lagos Foods"]
    assert await names("q=cotton") == ["Kano Cotton"]
    assert await names("tag=vip&city=kano") == ["Kano Cotton"]


async def test_a_manager_sees_only_own_and_unassigned_clients(panel_for):
    manager = await panel_for(Role.MANAGER)
    other = await panel_for(Role.MANAGER)
    await _client("Mine", manager=manager.employee)
    theirs = await _client("Theirs", manager=other.employee)
    await _client("Nobody's")
    page = await manager.open("/admin/clients")
    assert sorted(r[0] for r in page.rows("clients-list")) == ["Mine", "Nobody's"]
    assert (await manager.open(f"/admin/clients/{theirs.id}")).status == 404
    assert (await manager.open(f"/admin/clients/{theirs.id}/edit")).status == 404


async def test_edit_a_client_with_errors_shown_next_to_fields(panel_for):
    manager = await panel_for(Role.MANAGER)
    await _client("Taken", phone="+2348031112222")
    client = await _client("Ngozi", phone="+2348035550101", manager=manager.employee)
    form = await manager.open(f"/admin/clients/{client.id}/edit")
    assert form.status == 200
    page = await manager.submit(
        f"/admin/clients/{client.id}/edit",
        {"name": "Ngozi Eze", "kind": "individual", "language": "en", "phone": "0803 111 2222"},
    )
    assert page.status == 422
    assert page.text("field-phone").endswith("Another client already has this phone number.")
    page = await manager.submit(
        f"/admin/clients/{client.id}/edit",
        {"name": "Ngozi Eze", "kind": "individual", "language": "en", "phone": "not a phone"},
    )
    assert page.status == 422 and "phone" in page.text("field-phone").lower()
    page = await manager.submit(
        f"/admin/clients/{client.id}/edit",
        {
            "name": "Ngozi Eze",
            "kind": "legal_entity",
            "company_name": "Eze Trading",
            "language": "yo",
            "phone": "0803 555 0101",
            "city": "Ibadan",
            "tags": "vip, yams",
            "manager_id": str(manager.employee.id),
        },
    )
    assert "Saved." in page.body_text
    dossier = await manager.open(f"/admin/clients/{client.id}")
    facts = dossier.text("client-facts")
    assert "Eze Trading" in facts and "Ibadan" in facts and "vip" in facts and "yams" in facts
    saved = await Client.get(id=client.id)
    assert (saved.name, saved.phone, saved.language) == ("Ngozi Eze", "+2348035550101", "yo")
    entry = await AuditLog.get(object_type="client", object_id=str(client.id))
    assert entry.details["name"] == ["Ngozi", "Ngozi Eze"]
    history = await manager.open(f"/admin/clients/{client.id}/history")
    assert "name: Ngozi → Ngozi Eze" in " ".join(history.rows("history")[0])


async def test_merge_duplicates_keeps_everything_on_one_client(panel_for):
    head = await panel_for(Role.HEAD_OF_SALES)
    keep = await _client("Ada Obi", email="ada@example.com", phone="+2348030000001")
    dup = await _client("Ada O.", email="ADA@example.com", city="Lagos")
    await Interaction.create(client=dup, subject="demo.call", summary="Called about rates")
    page = await head.open("/admin/clients/duplicates")
    group = page.text("group-1")
    assert "Ada Obi" in group and "Ada O." in group
    page = await head.submit(
        "/admin/clients/merge", [("keep", str(keep.id)), ("merge", str(dup.id))]
    )
    assert page.url.endswith(f"/admin/clients/{keep.id}?done=merged")
    assert "Merged." in page.body_text
    assert "Called about rates" in page.text("interactions")
    assert "Lagos" in page.text("client-facts")  # an empty field filled from the duplicate
    assert not await Client.exists(id=dup.id)


async def test_a_manager_cannot_merge(panel_for):
    manager = await panel_for(Role.MANAGER)
    a = await _client("A", manager=manager.employee)
    b = await _client("B", manager=manager.employee)
    await manager.open("/admin/clients")
    page = await manager.submit(
        "/admin/clients/merge", [("keep", str(a.id)), ("merge", str(b.id))]
    )
    assert page.status == 403
    assert await Client.exists(id=b.id)


async def test_export_to_excel_matches_the_filtered_list(panel_for):
    marketer = await panel_for(Role.MARKETER)
    await _client("=HYPERLINK(1)", city="Lagos", phone="+2348030000009", tags=["vip"])
    await _client("Kano Cotton", city="Kano")
    page = await marketer.open("/admin/clients?city=Lagos")
    assert page.status == 200
    async with marketer.http.get(
        marketer.base_url + "/admin/clients/export.xlsx?city=Lagos"
    ) as response:
        assert response.status == 200
        assert "attachment" in response.headers["Content-Disposition"]
        data = await response.read()
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Name", "Kind", "Company", "Phone")
    assert len(rows) == 2
    assert rows[1][0] == "=HYPERLINK(1)" and rows[1][3] == "+2348030000009"
    assert sheet["A2"].data_type == "s"  # text, never a formula
    assert await AuditLog.exists(action="client.exported", actor_label=marketer.employee.name)


async def test_dashboard_figures_change_and_link_to_their_lists(runtime, panel_for, chat_factory):
    head = await panel_for(Role.HEAD_OF_SALES)
    page = await head.open("/admin/dashboard")
    assert page.text("tile-clients.new_today").endswith("0")

    from tests.contract.test_onboarding import onboard

    chat = chat_factory("telegram")
    await onboard(chat, "+2348035550199", "English")
    await runtime.supervisor.wait_idle()

    page = await head.open("/admin/dashboard")
    assert page.text("tile-clients.new_today").endswith("1")
    assert page.text("tile-consent.granted_today").endswith("1")
    for tile in ("clients.new_today", "clients.active_conversations", "consent.granted_today"):
        link = _href(page.html, f"tile-{tile}")
        listing = await head.open(link)
        assert [r[1] for r in listing.rows("clients-list")] == ["+2348035550199"], tile
        assert "Showing the clients behind a dashboard figure." in listing.body_text


def _href(html: str, element_id: str) -> str:
    import re

    found = re.search(rf'id="{re.escape(element_id)}" href="([^"]+)"', html)
    assert found, element_id
    return found.group(1).replace("&amp;", "&")


async def test_list_pages_run_the_same_queries_for_10_and_1000_rows(panel_for):
    from tests.querycount import count_queries

    admin = await panel_for(Role.ADMIN)
    vip = await Tag.create(name="vip")

    async def fill(count: int) -> None:
        have = await Client.all().count()
        new = [
            Client(name=f"Client {i}", phone=f"+23480{i:08d}", manager=admin.employee)
            for i in range(have, count)
        ]
        await Client.bulk_create(new)
        for client in await Client.filter(id__gt=0).order_by("-id").limit(len(new)):
            await ConsentState.create(
                client=client,
                channel=Channel.VIBER,
                granted=True,
                updated_at=dt.datetime.now(dt.UTC),
            )
        await vip.clients.add(*await Client.all().order_by("-id").limit(20))  # on page one

    async def measure(path: str) -> int:
        """Twice, keeping the lower count: a once-a-minute session touch or a cache refresh
        may land in either request, and is not a query that grows with the list."""
        counts = []
        for _ in range(2):
            with count_queries() as queries:
                page = await admin.open(path)
            assert page.status == 200
            counts.append(queries.count)
        return min(counts)

    pages = [
        "/admin/clients",
        "/admin/carriers",
        "/admin/staff",
        "/admin/audit",
        "/admin/sources",
        "/admin/locations",
        "/admin/lanes",
    ]
    await fill(10)
    small = {path: await measure(path) for path in pages}
    await fill(1000)
    large = {path: await measure(path) for path in pages}
    assert small == large

"""Plans in a real browser: a head of sales plans a manager's week and adds a task to it."""

from __future__ import annotations

import datetime as dt

from playwright.async_api import Page, expect

from core.models import Employee, Plan, Role, Task
from core.services.company import current_company, zone_of
from tests.e2e.conftest import needs_chromium
from tests.e2e.test_browser import make_staff
from tests.e2e.test_panel_browser import sign_in, snap

pytestmark = needs_chromium


async def test_a_head_of_sales_plans_a_week_with_a_task(runtime, page: Page):
    head = await make_staff("Kemi Head", "kemi", Role.HEAD_OF_SALES)
    await Employee.create(name="Tunde Bello", role=Role.MANAGER, head=head)
    zone = zone_of(await current_company())
    today = dt.datetime.now(zone).date()
    due = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(10, 30))

    await sign_in(page, runtime.base_url, "kemi", "/admin/plans")
    await page.get_by_role("link", name="New plan").click()
    await page.get_by_label("Title").fill("Week of calls")
    await page.get_by_label("For whom").select_option(label="Tunde Bello")
    await page.get_by_label("To").fill((today + dt.timedelta(days=6)).isoformat())
    await page.get_by_role("button", name="Save").click()

    await expect(page.locator("#plan-title")).to_have_text("Week of calls")
    await page.get_by_label("Task").fill("Call Ada about the renewal")
    await page.get_by_label("Kind").select_option(label="Send an offer")
    await page.get_by_label("Due").fill(due.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_role("button", name="Add the task").click()

    row = page.locator("#plan-tasks tbody tr").first
    await expect(row).to_contain_text("Call Ada about the renewal")
    await expect(row).to_contain_text("Send an offer")
    await expect(row).to_contain_text("Tunde Bello")
    await expect(row).to_contain_text("Open")
    await snap(page, "plan")

    plan = await Plan.get(title="Week of calls")
    task = await Task.get(plan_id=plan.id)
    assert task.due_at == due.replace(tzinfo=zone).astimezone(dt.UTC)
    assert task.kind == "offer"

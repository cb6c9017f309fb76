"""The staff panel in a real browser: the journeys of issue 3, with a screenshot of each page.

Every test starts from the demo company (core.services.demo) plus an administrator, so the
pages and their screenshots look like a company at work. Screenshots always go to
test-artifacts/screenshots/ (git-ignored, kept by CI); with ONA_SCREENSHOTS=docs the ones the
user guide shows are also written to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from core.models import Channel, ChannelIdentity, Client, Employee, Role
from core.services.auth import create_admin
from core.services.demo import seed_demo
from core.services.webhooks import invalidate_endpoint_cache
from tests.contract.test_onboarding import onboard
from tests.e2e.conftest import needs_chromium
from tests.e2e.test_browser import PASSWORD, make_staff

pytestmark = needs_chromium

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
FOR_DOCS = {
    "dashboard",
    "clients",
    "client-edit",
    "staff-invite",
    "company",
    "channels",
    "webhooks",
    "pipeline",
    "plan",
}
ADMIN_TILES = ("clients.active_conversations", "consent.granted_today", "consent.withdrawn_today")
ADMIN_NAV = ("Dashboard", "Clients", "Users and roles", "Channels", "Webhooks", "Audit trail")
FORBIDDEN = "You are not allowed to open this page."
NEW_PHONE = "+2348035550177"


async def snap(page: Page, name: str) -> None:
    """A full-page screenshot as a test artifact; the user guide's copy when asked for."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide")
    if os.environ.get("ONA_SCREENSHOTS") == "docs" and name in FOR_DOCS:
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS / f"{name}.png")


@pytest.fixture
async def admin(runtime) -> AsyncIterator[Employee]:
    """The demo company (seeded first: it seeds only an empty database) and its administrator."""
    await seed_demo()
    employee, _password = await create_admin("Ada Okafor", "ada", PASSWORD)
    yield employee
    invalidate_endpoint_cache()  # tables are emptied behind the webhook services' back


async def sign_in(page: Page, base_url: str, login: str, path: str = "/admin/dashboard") -> None:
    """Open a panel page signed out, get sent to the form, sign in, come back to the page."""
    await page.goto(base_url + path)
    await expect(page).to_have_url(re.compile(rf"/admin/login\?next={re.escape(path)}$"))
    await page.get_by_label("Login").fill(login)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(base_url + path)


def new_client(chat_factory):
    """A Telegram user with a name of their own (the chat client's default is the admin's)."""
    chat = chat_factory("telegram")
    chat.name = "Chioma Nwosu"
    return chat


def tile(page: Page, key: str):
    return page.locator(f'[id="tile-{key}"]')


def nav_link(page: Page, label: str):
    return page.locator("header nav").get_by_role("link", name=label, exact=True)


def row_of(page: Page, table_id: str, text: str):
    return page.locator(f"#{table_id} tbody tr", has_text=text)


async def test_admin_signs_in_and_lands_on_the_dashboard(runtime, admin, page):
    await page.goto(f"{runtime.base_url}/admin/dashboard")
    await expect(page).to_have_url(re.compile(r"/admin/login\?next=/admin/dashboard$"))
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await snap(page, "login")

    await page.get_by_label("Login").fill("ada")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()

    await expect(page).to_have_url(f"{runtime.base_url}/admin/dashboard")
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    await expect(page.locator("header .who")).to_have_text("Ada Okafor")
    await expect(tile(page, "clients.new_today")).to_contain_text("New clients today")
    demo_clients = await Client.all().count()
    await expect(tile(page, "clients.new_today").locator(".figure")).to_have_text(
        str(demo_clients)
    )
    for key in ADMIN_TILES:
        await expect(tile(page, key)).to_be_visible()
    for label in ADMIN_NAV:
        await expect(nav_link(page, label)).to_be_visible()


async def test_invite_a_new_user_to_the_bot(runtime, admin, page, chat_factory):
    await sign_in(page, runtime.base_url, "ada", "/admin/staff")
    await page.get_by_role("link", name="Add", exact=True).click()
    await expect(page).to_have_url(f"{runtime.base_url}/admin/staff/new")
    await page.locator("#in-name").fill("Kemi Adebayo")
    await page.locator("#in-role").select_option(label="Manager")
    await page.get_by_role("button", name="Save").click()

    employee = await Employee.get(name="Kemi Adebayo")
    assert employee.role is Role.MANAGER and employee.login is None
    await expect(page).to_have_url(f"{runtime.base_url}/admin/staff/{employee.id}?done=saved")
    await expect(page.get_by_role("status")).to_have_text("Saved.")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Kemi Adebayo")

    invite = page.get_by_role("button", name="Create an invite to the bot")
    await expect(invite, "the user's page offers an invite to the bot").to_be_visible()
    await expect(invite).to_have_id("make-invite")
    await invite.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Invite to the bot: Kemi Adebayo"
    )
    command = await page.locator("#invite-command").inner_text()
    found = re.fullmatch(r"/start (\S+)", command)
    assert found, command
    code = found.group(1)
    await expect(page.locator("#invite-telegram")).to_have_attribute(
        "href", f"https://t.me/ona_test_bot?start={code}"
    )
    await expect(page.locator("#invite-webchat")).to_have_text(
        f"http://ona.test/chat?start={code}"
    )
    await expect(page.locator("figure.qr svg")).to_be_visible()
    await snap(page, "staff-invite")

    kemi = chat_factory("telegram")
    kemi.name = "Kemi"
    await kemi.send(command)
    await kemi.expect("You are linked to Ona as Kemi Adebayo.")
    await runtime.supervisor.wait_idle()

    await nav_link(page, "Users and roles").click()
    row = row_of(page, "staff-list", "Kemi Adebayo")
    await expect(row).to_have_count(1)
    await expect(row.locator("td").nth(1)).to_have_text("Manager")
    await expect(row.locator("td").nth(3)).to_have_text("telegram")
    await expect(row_of(page, "staff-list", "Ada Okafor").locator("td").nth(3)).to_have_text("")
    await snap(page, "staff")


async def test_edit_a_client_with_a_wrong_phone_then_fix_it(runtime, admin, page):
    client = await Client.get(name="Ngozi Eze")
    await sign_in(page, runtime.base_url, "ada", "/admin/clients")
    await row_of(page, "clients-list", "Ngozi Eze").get_by_role("link", name="Ngozi Eze").click()
    await expect(page).to_have_url(f"{runtime.base_url}/admin/clients/{client.id}")
    await expect(page.locator("#client-facts")).to_contain_text("+2348061234567")

    await page.locator("#edit-client").click()
    await expect(page).to_have_url(f"{runtime.base_url}/admin/clients/{client.id}/edit")
    await page.locator("#in-phone").fill("0803 12")
    await page.locator("#in-city").fill("Abeokuta")
    await page.get_by_role("button", name="Save").click()

    error = page.locator("#field-phone .field-error")
    await expect(error).to_have_text("That does not look like a phone number. Try again.")
    await expect(page.locator("#in-phone")).to_have_value("0803 12")
    await expect(page.locator("#in-phone")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#field-city .field-error")).to_have_count(0)
    await snap(page, "client-edit")
    assert (await Client.get(id=client.id)).city == "Ibadan"  # nothing written

    await page.locator("#in-phone").fill("0803 555 0101")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_have_text("Saved.")
    await expect(page.locator(".field-error")).to_have_count(0)

    await page.goto(f"{runtime.base_url}/admin/clients/{client.id}")
    facts = page.locator("#client-facts")
    await expect(facts).to_contain_text("+2348035550101")
    await expect(facts).to_contain_text("Abeokuta")
    await expect(facts).not_to_contain_text("+2348061234567")
    await snap(page, "client-dossier")


async def test_dashboard_figure_goes_up_and_links_to_the_new_client(
    runtime, admin, page, chat_factory
):
    await sign_in(page, runtime.base_url, "ada")
    figure = tile(page, "clients.new_today").locator(".figure")
    consented = tile(page, "consent.granted_today").locator(".figure")
    await expect(figure).to_have_text(re.compile(r"^\d+$"))
    before = int(await figure.inner_text())
    consented_before = int(await consented.inner_text())

    await onboard(new_client(chat_factory), NEW_PHONE, "English")
    await runtime.supervisor.wait_idle()

    await page.reload()
    await expect(figure).to_have_text(str(before + 1))
    await expect(consented).to_have_text(str(consented_before + 1))
    await snap(page, "dashboard")

    await tile(page, "clients.new_today").click()
    await expect(page).to_have_url(re.compile(r"/admin/clients\?created_from=\d{4}-\d{2}-\d{2}$"))
    await expect(page.locator("#dashboard-filter")).to_be_visible()
    await expect(page.locator("#clients-list tbody tr")).to_have_count(before + 1)
    await expect(row_of(page, "clients-list", NEW_PHONE)).to_have_count(1)
    await expect(row_of(page, "clients-list", NEW_PHONE).locator("td").nth(6)).to_have_text(
        "telegram"
    )


async def test_a_manager_is_refused_admin_pages_and_does_not_see_them(runtime, admin, page):
    await make_staff("Tobi Manager", "tobi", Role.MANAGER)
    await sign_in(page, runtime.base_url, "tobi")
    await expect(nav_link(page, "Clients")).to_be_visible()
    for label in ("Users and roles", "Channels", "Company", "API keys", "Audit trail"):
        await expect(nav_link(page, label)).to_have_count(0)

    for path in ("/admin/staff", "/admin/channels"):
        response = await page.goto(runtime.base_url + path)
        assert response is not None and response.status == 403
        await expect(page.get_by_role("heading", name="403")).to_be_visible()
        await expect(page.get_by_text(FORBIDDEN)).to_be_visible()
        await expect(page.locator("table.list")).to_have_count(0)
        await expect(page.locator("#test-target")).to_have_count(0)
    await snap(page, "forbidden")

    await page.get_by_role("link", name="Back to the panel").click()
    await expect(nav_link(page, "Clients")).to_be_visible()
    await expect(nav_link(page, "Users and roles")).to_have_count(0)
    await expect(nav_link(page, "Channels")).to_have_count(0)


async def test_sign_out_then_the_dashboard_asks_to_sign_in(runtime, admin, page):
    await sign_in(page, runtime.base_url, "ada")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{runtime.base_url}/admin/login")
    await expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    await page.goto(f"{runtime.base_url}/admin/dashboard")
    await expect(page).to_have_url(re.compile(r"/admin/login\?next=/admin/dashboard$"))
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await expect(page.locator("#tiles")).to_have_count(0)


async def test_tour_of_the_admin_pages(runtime, admin, page, chat_factory):
    """Each remaining main page opens with its data, and is photographed for the guide."""
    await onboard(new_client(chat_factory), NEW_PHONE, "English")
    await ChannelIdentity.create(
        channel=Channel.TELEGRAM,
        external_id="700100",
        chat_id=700100,
        display_name="Ada Okafor",
        employee=admin,
    )
    await runtime.supervisor.wait_idle()
    await sign_in(page, runtime.base_url, "ada", "/admin/clients")

    await expect(page.locator("#clients-list tbody tr")).to_have_count(await Client.all().count())
    await expect(row_of(page, "clients-list", "Kano Textiles")).to_contain_text("Tunde Bakare")
    await expect(row_of(page, "clients-list", "Chioma Nwosu")).to_contain_text(NEW_PHONE)
    await expect(page.get_by_role("link", name="Export to Excel")).to_be_visible()
    await expect(page.get_by_role("link", name="Find duplicates")).to_be_visible()
    await snap(page, "clients")

    await nav_link(page, "Carriers").click()
    await expect(page.get_by_role("heading", name="Carriers")).to_be_visible()
    await expect(row_of(page, "carriers-list", "Gulf Sea Lines")).to_have_count(1)
    await snap(page, "carriers")

    await nav_link(page, "Marketing sources").click()
    await expect(row_of(page, "sources-list", "Demo data")).to_contain_text("Active")
    await snap(page, "sources")

    await nav_link(page, "Company").click()
    await page.locator("#in-name").fill("Harmattan Freight Ltd")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        await page.get_by_label(day).check()
    await page.locator("#in-work_starts").fill("08:00")
    await page.locator("#in-work_ends").fill("18:00")
    await page.locator("#in-quiet_starts").fill("21:00")
    await page.locator("#in-quiet_ends").fill("08:00")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_have_text("Saved.")
    await expect(page.locator("#in-name")).to_have_value("Harmattan Freight Ltd")
    await expect(page.get_by_label("Friday")).to_be_checked()
    await expect(page.get_by_label("Saturday")).not_to_be_checked()
    await expect(page.locator("#in-quiet_starts")).to_have_value("21:00")
    await snap(page, "company")

    await nav_link(page, "Channels").click()
    await expect(page.locator("#channel-telegram")).to_contain_text("Connected")
    await expect(page.locator("#test-target")).to_contain_text("Ada Okafor · telegram")
    await expect(page.locator("#embed-snippet")).to_contain_text("http://ona.test/chat")
    await snap(page, "channels")

    await nav_link(page, "API keys").click()
    await page.get_by_role("link", name="Add", exact=True).click()
    await page.locator("#in-name").fill("ERP")
    await page.locator("#in-role").select_option(label="Head of sales")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#new-key")).to_have_text(re.compile(r"^ona_\S+$"))
    await nav_link(page, "API keys").click()
    await expect(row_of(page, "api-keys-list", "ERP")).to_contain_text("Head of sales")
    await snap(page, "api-keys")

    await nav_link(page, "Webhooks").click()
    await page.get_by_role("link", name="Add", exact=True).click()
    await page.locator("#in-url").fill("https://erp.harmattan.example/ona/events")
    await page.locator("#in-description").fill("ERP: new clients and consent")
    await page.get_by_label("Client created").check()
    await page.get_by_label("Consent changed").check()
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_have_text("Saved.")
    await expect(page.locator("#webhook-secret")).to_be_visible()
    await expect(page.locator("#deliveries")).to_contain_text("No deliveries yet.")
    await snap(page, "webhook-endpoint")
    await nav_link(page, "Webhooks").click()
    await expect(row_of(page, "webhooks-list", "erp.harmattan.example")).to_have_count(1)
    await snap(page, "webhooks")

    await nav_link(page, "Audit trail").click()
    renamed = row_of(page, "audit-list", "name: Ona → Harmattan Freight Ltd")
    await expect(renamed).to_have_count(1)
    await expect(renamed.locator("td").nth(1)).to_have_text("Ada Okafor")
    await expect(row_of(page, "audit-list", "API key made")).to_contain_text("name: ERP")
    await expect(row_of(page, "audit-list", "Webhook added")).to_have_count(1)
    await snap(page, "audit")

    await page.get_by_role("link", name="My account").click()
    await expect(page.locator("#totp")).to_contain_text("Two-step sign-in")
    await expect(page.locator("#totp figure.qr svg")).to_be_visible()
    await snap(page, "account")

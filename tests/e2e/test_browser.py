"""Real-browser journeys: the web chat page and the staff panel, driven through Chromium.

Uses Debian's Chromium (never a downloaded one); the whole module is skipped without it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.async_api import BrowserContext, Page, expect

from core.models import Client, Consent, Employee, Role
from core.services.auth import create_admin, hash_password
from core.services.consent import CONSENT_TEXT
from tests.e2e.conftest import needs_chromium

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE_TYPED = "+234 803 555 0101"
PHONE = "+2348035550101"
PASSWORD = "correct horse battery"

pytestmark = needs_chromium


def bot_says(page: Page, text: str):
    """The bot's message bubbles containing this text (buttons sit inside the bubble)."""
    return page.locator("li.msg:not(.msg--mine)").filter(has_text=text)


def button(page: Page, label: str):
    return page.locator(".msg__buttons button", has_text=re.compile(f"^{re.escape(label)}$"))


async def onboard_in_browser(page: Page, base_url: str) -> None:
    """Walk the web chat onboarding as a visitor would, ending at the main menu."""
    await page.goto(f"{base_url}/chat")
    await expect(bot_says(page, "Welcome to Ona! Please choose your language.")).to_be_visible()
    await button(page, "English").click()

    phone_form = page.locator("#phone-form")
    await expect(phone_form).to_be_visible()
    await expect(page.locator("#phone-send")).to_have_text("Share my phone number")
    await page.locator("#phone").fill(PHONE_TYPED)
    await page.locator("#phone-send").click()
    await expect(bot_says(page, "Thank you! You are now registered with us.")).to_be_visible()

    await expect(bot_says(page, CONSENT_TEXT)).to_be_visible()
    await expect(button(page, "Yes, I agree")).to_be_visible()
    await expect(button(page, "No, thanks")).to_be_visible()
    await button(page, "Yes, I agree").click()

    await expect(bot_says(page, "Thank you! We will keep you posted here.")).to_be_visible()
    await expect(bot_says(page, "What would you like to do?")).to_be_visible()
    await expect(button(page, "Request a quote")).to_be_visible()


async def sign_in_with_form(page: Page, base_url: str, login: str, password: str) -> None:
    await page.goto(f"{base_url}/admin/login")
    await page.get_by_label("Login").fill(login)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def open_session(context: BrowserContext, runtime, employee: Employee) -> str:
    """Sign `employee` in through the real form in this browser context; return the CSRF token."""
    page = await context.new_page()
    await page.goto(f"{runtime.base_url}/admin/login")
    await page.get_by_label("Login").fill(employee.login)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    csrf = await page.locator("input[name=_csrf]").first.get_attribute("value")
    await page.close()
    return csrf or ""


async def make_staff(name: str, login: str, role: Role) -> Employee:
    return await Employee.create(
        name=name, role=role, login=login, password_hash=await hash_password(PASSWORD)
    )


async def test_web_chat_onboarding_and_reload_keeps_the_visitor(runtime, page):
    await onboard_in_browser(page, runtime.base_url)
    await button(page, "Track a delivery").click()
    await expect(bot_says(page, "Type your shipment number, e.g. ON-26-00001.")).to_be_visible()
    visitor = await page.evaluate("localStorage.getItem('ona.visitor')")
    assert visitor

    await runtime.supervisor.wait_idle()
    client = await Client.get(phone=PHONE)
    assert client.language == "en"
    assert client.source == "webchat"

    # A reload is the same visitor: the history is replayed and the bot knows the client.
    await page.reload()
    await expect(bot_says(page, "What would you like to do?")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('ona.visitor')") == visitor
    await page.locator("#text").fill("hello")
    await page.locator("#form button[type=submit]").click()
    await expect(page.locator("li.msg--mine", has_text="hello")).to_be_visible()
    # Still in "Track a delivery" after the reload: the text is taken as a number.
    await expect(
        bot_says(
            page,
            "We could not find a shipment of yours with this number. Check it and try again.",
        )
    ).to_be_visible()
    await expect(bot_says(page, "Send /start to begin.")).to_have_count(0)
    await runtime.supervisor.wait_idle()
    assert await Client.all().count() == 1


async def test_phone_form_shows_only_while_the_bot_asks(runtime, page):
    await page.goto(f"{runtime.base_url}/chat")
    await expect(bot_says(page, "Welcome to Ona! Please choose your language.")).to_be_visible()
    phone_form = page.locator("#phone-form")
    await expect(phone_form).to_have_attribute("hidden", "")
    await expect(phone_form).to_be_hidden()

    await button(page, "English").click()
    await expect(phone_form).to_be_visible()
    await page.locator("#phone").fill(PHONE_TYPED)
    await page.locator("#phone-send").click()
    await expect(bot_says(page, "Thank you! You are now registered with us.")).to_be_visible()
    await expect(phone_form).to_be_hidden()


async def test_panel_sign_in_with_the_form(runtime, page):
    await create_admin("Ada Admin", "ada", PASSWORD)
    await page.goto(f"{runtime.base_url}/admin/clients")
    await expect(page).to_have_url(re.compile(r"/admin/login\?next=/admin/clients$"))
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    await page.get_by_label("Login").fill("ada")
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong login or password.")
    await expect(page.get_by_label("Login")).to_have_value("ada")

    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{runtime.base_url}/admin/clients")
    await expect(page.get_by_role("heading", name="Clients")).to_be_visible()


async def test_web_chat_client_shows_up_in_the_panel_with_its_dossier(runtime, context, page):
    await onboard_in_browser(page, runtime.base_url)
    await runtime.supervisor.wait_idle()
    admin, _password = await create_admin("Ada Admin", "ada", PASSWORD)

    panel = await context.new_page()
    await panel.goto(f"{runtime.base_url}/admin/clients")
    await expect(panel).to_have_url(re.compile(r"/admin/login\?next=/admin/clients$"))
    await expect(panel.get_by_role("heading", name="Sign in")).to_be_visible()

    await open_session(context, runtime, admin)
    await panel.goto(f"{runtime.base_url}/admin/clients")
    await expect(panel).to_have_url(f"{runtime.base_url}/admin/clients")
    await expect(panel.get_by_role("heading", name="Clients")).to_be_visible()

    row = panel.locator("table.list tbody tr", has_text=PHONE)
    await expect(row).to_have_count(1)
    await expect(row.locator("td").nth(1)).to_have_text(PHONE)
    await expect(row.locator("td").nth(6)).to_have_text("webchat")  # consent column

    client = await Client.get(phone=PHONE)
    await row.get_by_role("link", name=client.name).click()
    await expect(panel).to_have_url(f"{runtime.base_url}/admin/clients/{client.id}")
    await expect(panel.get_by_role("heading", level=1)).to_have_text(client.name)

    interactions = panel.locator("#interactions tbody")
    for label in (
        "Started a conversation",
        "Chose a language",
        "Shared a phone number",
        "Registered as a new client",
        "Agreed to receive messages",
    ):
        await expect(interactions.locator("tr", has_text=label)).to_have_count(1)

    consents = panel.locator("#consents tbody tr")
    await expect(consents).to_have_count(1)
    await expect(consents.locator("td").nth(1)).to_have_text("webchat")
    await expect(consents.locator("td").nth(2)).to_have_text("granted")
    await expect(consents.locator("td").nth(3)).to_contain_text(CONSENT_TEXT)
    await expect(panel.locator(".facts .tag.ok")).to_have_text("webchat: granted")
    consent = await Consent.get(client=client)
    await expect(consents.locator("td").nth(4)).to_have_text(consent.evidence)

    if os.environ.get("ONA_SCREENSHOTS"):  # refreshes the user guide's picture on request
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await panel.screenshot(path=str(SCREENSHOTS / "dossier.png"), full_page=True)


async def test_sign_out_button(runtime, context, page):
    admin, _password = await create_admin("Ada Admin", "ada", PASSWORD)
    await open_session(context, runtime, admin)
    await page.goto(f"{runtime.base_url}/admin/")
    await expect(page).to_have_url(f"{runtime.base_url}/admin/dashboard")
    await page.goto(f"{runtime.base_url}/admin/clients")
    await expect(page.get_by_text("No clients found.")).to_be_visible()
    await expect(page.locator("header .who")).to_have_text("Ada Admin")
    await expect(page.locator("header nav").get_by_role("link", name="Clients")).to_be_visible()

    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{runtime.base_url}/admin/login")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    await page.goto(f"{runtime.base_url}/admin/clients")
    await expect(page).to_have_url(re.compile(r"/admin/login\?next=/admin/clients$"))


async def test_logout_ends_the_session(runtime, context, page):
    """What the Sign out form posts, sent from the signed-in browser: the session is gone."""
    admin, _password = await create_admin("Ada Admin", "ada", PASSWORD)
    csrf = await open_session(context, runtime, admin)
    await page.goto(f"{runtime.base_url}/admin/clients")
    await expect(page).to_have_url(f"{runtime.base_url}/admin/clients")
    await expect(page.get_by_text("No clients found.")).to_be_visible()

    response = await page.request.post(
        f"{runtime.base_url}/admin/logout", form={"_csrf": "forged"}, max_redirects=0
    )
    assert response.status == 403
    response = await page.request.post(
        f"{runtime.base_url}/admin/logout", form={"_csrf": csrf}, max_redirects=0
    )
    assert response.status == 302
    assert response.headers["location"] == "/admin/login"

    await page.goto(f"{runtime.base_url}/admin/clients")
    await expect(page).to_have_url(re.compile(r"/admin/login\?next=/admin/clients$"))
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def test_manager_sees_own_and_unassigned_clients_only(runtime, context, page):
    mary = await make_staff("Mary Manager", "mary", Role.MANAGER)
    other = await make_staff("Otto Other", "otto", Role.MANAGER)
    mine = await Client.create(name="Mine Ltd", phone="+2348030000001", manager=mary)
    free = await Client.create(name="Free Agent", phone="+2348030000002")
    theirs = await Client.create(name="Theirs Plc", phone="+2348030000003", manager=other)

    await open_session(context, runtime, mary)
    await page.goto(f"{runtime.base_url}/admin/clients")
    await expect(page.locator("table.list tbody tr td:first-child a")).to_have_count(2)
    await expect(page.get_by_role("link", name=mine.name)).to_be_visible()
    await expect(page.get_by_role("link", name=free.name)).to_be_visible()
    await expect(page.get_by_role("link", name=theirs.name)).to_have_count(0)

    await page.get_by_role("link", name=mine.name).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(mine.name)

    response = await page.goto(f"{runtime.base_url}/admin/clients/{theirs.id}")
    assert response is not None and response.status == 404
    await expect(page.get_by_text("This page does not exist.")).to_be_visible()
    await expect(page.get_by_text(theirs.name)).to_have_count(0)


async def test_dispatcher_may_not_open_clients(runtime, context, page):
    dan = await make_staff("Dan Dispatcher", "dan", Role.DISPATCHER)
    await open_session(context, runtime, dan)
    response = await page.goto(f"{runtime.base_url}/admin/clients")
    assert response is not None and response.status == 403
    await expect(page.get_by_text("You are not allowed to open this page.")).to_be_visible()
    await expect(page.locator("table.list")).to_have_count(0)


async def test_login_post_without_csrf_token_is_refused(runtime, http):
    await create_admin("Ada Admin", "ada", PASSWORD)
    form = {"login": "ada", "password": PASSWORD, "next": "/admin/clients"}

    # No session at all.
    async with http.post(
        f"{runtime.base_url}/admin/login", data=form, allow_redirects=False
    ) as response:
        assert response.status == 403

    # A session from the login page, but the form lacks its token, or carries a wrong one.
    async with http.get(f"{runtime.base_url}/admin/login") as response:
        assert response.status == 200
    for extra in ({}, {"_csrf": "forged"}):
        async with http.post(
            f"{runtime.base_url}/admin/login", data={**form, **extra}, allow_redirects=False
        ) as response:
            assert response.status == 403
            assert "Location" not in response.headers
    async with http.get(f"{runtime.base_url}/admin/clients", allow_redirects=False) as response:
        assert response.status == 302
        assert response.headers["Location"].startswith("/admin/login")

"""Mailings in the panel, over HTTP as a person uses them: segments with their live count,
templates and their preview, a campaign launched, sent by the worker, paused, resumed,
cancelled and retried; who may open the pages; consent to offers recorded on a client's
page; and the dashboard's mailing tiles."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from urllib.parse import urlencode

from admin_web.views.mailings import ROUTES
from core.models import (
    Campaign,
    CampaignState,
    Channel,
    Client,
    Consent,
    ConsentPurpose,
    ConsentState,
    Employee,
    MailChannel,
    MailTemplate,
    OutboxMessage,
    OutboxState,
    Role,
    Segment,
    TextKind,
)
from core.services import campaigns, mail_templates, segments
from core.services.consent import record_consent
from core.services.mail_templates import TextInput, parse_buttons
from tests.fakes.recorder import Failure
from tests.mailings.helpers import campaign_for, client_on
from tests.panel.panel_client import Page, Panel
from tests.services.conftest import actor_for

SEGMENTS = "/admin/mailings/segments"
TEMPLATES = "/admin/mailings/templates"
BLOCKED = Failure(
    403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
)


def data(page: Page) -> dict:
    return json.loads(page.html)


def campaign_id(page: Page) -> int:
    found = re.search(r"/admin/mailings/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


async def _segment_and_template(author: Employee) -> tuple[Segment, MailTemplate]:
    actor = actor_for(author)
    segment = await segments.save_segment(actor, "Everyone", segments.parse_filters({}))
    template = await mail_templates.save_template(
        actor,
        "Kano rates",
        [
            TextInput(
                "en",
                TextKind.MESSENGER,
                "Hello {client_name}, new rates to Kano.",
                buttons=parse_buttons("Rates | https://ona.example/rates"),
            )
        ],
    )
    return segment, template


# ---- segments ---------------------------------------------------------------------------


async def test_a_marketer_builds_a_segment_and_sees_how_many_clients_match(panel_for):
    marketer = await panel_for(Role.MARKETER)
    await client_on("Ada Kano", city="Kano")
    await client_on("Bola Kano", city="kano", consent=False)
    await client_on("Chidi Lagos", city="Lagos")

    home = await marketer.open("/admin/mailings")
    assert home.status == 200
    assert 'href="/admin/mailings"' in home.html  # the menu item
    assert "/admin/mailings/segments" in home.html and "/admin/mailings/templates" in home.html

    # The live count the form's script asks for, as the filters change.
    count = await marketer.open(f"{SEGMENTS}/count?cities=Kano")
    assert data(count) == {"count": 2, "text": "2 clients match"}
    count = await marketer.open(f"{SEGMENTS}/count?cities=Kano&consented_on=telegram")
    assert data(count) == {"count": 1, "text": "1 client matches"}
    wrong = await marketer.open(f"{SEGMENTS}/count?min_orders=many")
    assert wrong.status == 422
    assert data(wrong)["error"] == "Enter a whole number from 0 to 1000000."

    # "Count" shows the figure without saving (the page works without the script).
    typed = {"name": "Kano buyers", "cities": "Kano", "consented_on": "telegram"}
    counted = await marketer.submit(
        f"{SEGMENTS}/new", {**typed, "action": "count"}, csrf_from=f"{SEGMENTS}/new"
    )
    assert counted.status == 200
    assert counted.text("segment-count") == "1 client matches"
    assert await Segment.all().count() == 0

    # A wrong value is shown next to its field, with what was typed kept.
    bad = await marketer.submit(
        f"{SEGMENTS}/new", {**typed, "last_order_after": "31/12/2026", "action": "save"}
    )
    assert bad.status == 422
    assert "Enter a date like 2026-12-31." in bad.field_error("last_order_after")
    assert 'value="Kano buyers"' in bad.html and 'value="Kano"' in bad.html

    saved = await marketer.submit(f"{SEGMENTS}/new", {**typed, "action": "save"})
    assert saved.status == 200 and "The segment is saved." in saved.body_text
    assert saved.text("segment-count") == "1 client matches"
    segment = await Segment.get(name="Kano buyers")
    assert segment.filters == {"cities": ["Kano"], "consented_on": "telegram"}
    assert f"/segments/{segment.id}" in saved.url

    listed = await marketer.open(SEGMENTS)
    assert listed.rows("segments-list")[0][:3] == [
        "Kano buyers",
        "Cities: Kano; Agreed to offers on Telegram",
        "1",
    ]

    # Editing: the same name twice is refused; dropping the consent filter counts both.
    await marketer.submit(f"{SEGMENTS}/new", {"name": "Lagos", "cities": "Lagos"})
    clash = await marketer.submit(
        f"{SEGMENTS}/{segment.id}",
        {"name": "Lagos", "cities": "Kano"},
        csrf_from=f"{SEGMENTS}/{segment.id}",
    )
    assert clash.status == 422
    assert "A segment with this name already exists." in clash.field_error("name")
    edited = await marketer.submit(
        f"{SEGMENTS}/{segment.id}", {"name": "Kano buyers", "cities": "Kano", "action": "save"}
    )
    assert edited.text("segment-count") == "2 clients match"


# ---- templates --------------------------------------------------------------------------


async def test_a_template_with_a_wrong_variable_is_refused_next_to_its_field(panel_for):
    marketer = await panel_for(Role.MARKETER)
    form = f"{TEMPLATES}/new"
    typo = await marketer.submit(
        form,
        {"name": "Autumn", "en-messenger-body": "Hello {clent_name}!"},
        csrf_from=form,
    )
    assert typo.status == 422
    assert (
        "Unknown variable {clent_name}. Use one of: {client_name}, {manager_name}, "
        "{last_shipment}, {link}, {company}." in typo.field_error("en-messenger-body")
    )
    assert "Hello {clent_name}!" in typo.text("field-en-messenger-body")
    assert 'value="Autumn"' in typo.html

    # The mistake is placed in its own language and channel, braces shown as typed.
    brace = await marketer.submit(
        form,
        {"name": "Autumn", "en-messenger-body": "Hello!", "ru-sms-body": "Привет {client_name"},
    )
    assert brace.status == 422
    assert "A brace is not closed. Write variables as {client_name}." in brace.field_error(
        "ru-sms-body"
    )
    assert 'invalid" id="field-en-messenger-body"' not in brace.html

    buttons = await marketer.submit(
        form, {"name": "Autumn", "en-messenger-body": "Hi", "en-messenger-buttons": "Rates x"}
    )
    assert "Write each button as: Label | https://address" in buttons.field_error(
        "en-messenger-buttons"
    )
    nothing = await marketer.submit(form, {"name": "Autumn"})
    assert nothing.status == 422
    assert "Write at least one message" in nothing.text("form-errors")
    assert await MailTemplate.all().count() == 0


async def test_a_template_is_saved_counted_and_previewed_for_a_client(panel_for):
    marketer = await panel_for(Role.MARKETER)
    manager = await Employee.create(name="Musa Manager", role=Role.MANAGER)
    ada, _ = await client_on("Ada Obi")
    await Client.filter(id=ada.id).update(manager_id=manager.id)
    form = f"{TEMPLATES}/new"
    saved = await marketer.submit(
        form,
        {
            "name": "Autumn",
            "en-messenger-body": "Hello {client_name}, {manager_name} here.",
            "en-messenger-buttons": "Rates | https://ona.example/rates",
            "en-email-subject": "News for {client_name}",
            "en-email-body": "Dear {client_name}",
            "ru-sms-body": "Привет, {client_name}!",
            "yo-email-subject": "",
        },
        csrf_from=form,
    )
    assert saved.status == 200 and "The template is saved." in saved.body_text
    template = await MailTemplate.get(name="Autumn")
    _t, texts = await mail_templates.get_template(actor_for(marketer.employee), template.id)
    assert sorted((t.language, str(t.kind)) for t in texts) == [
        ("en", "email"),
        ("en", "messenger"),
        ("ru", "sms"),
    ]
    assert "Rates | https://ona.example/rates" in saved.text("field-en-messenger-buttons")
    assert saved.text("sms-parts-ru") == "UCS-2, 1 part"

    listed = await marketer.open(TEMPLATES)
    row = listed.rows("templates-list")[0]
    assert row[0] == "Autumn"
    assert "EN: Email, Messengers (Telegram, Viber)" in row[1] and "RU: SMS" in row[1]

    counter = await marketer.submit(f"{TEMPLATES}/sms-parts", {"text": "x" * 161})
    assert data(counter) == {"text": "GSM-7, 2 parts"}

    preview = f"{TEMPLATES}/{template.id}/preview"
    found = await marketer.open(f"{preview}?q=Ada")
    assert "Ada Obi" in found.text("found-clients")
    shown = await marketer.open(f"{preview}?client_id={ada.id}")
    assert shown.text("preview-client") == "As Ada Obi reads it"
    assert "Hello Ada Obi, Musa Manager here." in shown.text("preview-messenger-en")
    assert "Rates" in shown.text("preview-messenger-en")
    assert "News for Ada Obi" in shown.text("preview-email-en")
    assert "Привет, Ada Obi!" in shown.text("preview-sms-ru")
    assert "UCS-2, 1 part" in shown.text("preview-sms-ru")
    nobody = await marketer.open(f"{preview}?client_id=999999")
    assert "There is no such client among those you see." in nobody.body_text


# ---- campaigns --------------------------------------------------------------------------


async def test_a_campaign_is_launched_sent_and_shown_at_100_percent(panel_for, runtime):
    marketer = await panel_for(Role.MARKETER)
    await client_on("Ada Obi")
    await client_on("Bola Ade", consent=False)
    segment, template = await _segment_and_template(marketer.employee)
    form = await marketer.open("/admin/mailings/new")
    assert "Everyone" in form.text("field-segment_id") and "Kano rates" in form.text(
        "field-template_id"
    )
    typed = {
        "name": "Kano rates",
        "segment_id": str(segment.id),
        "template_id": str(template.id),
        "when": "now",
        "action": "launch",
    }
    no_channel = await marketer.submit("/admin/mailings/new", typed)
    assert no_channel.status == 422
    assert "Choose at least one channel." in no_channel.field_error("channels")
    assert 'value="Kano rates"' in no_channel.html
    twice = await marketer.submit(
        "/admin/mailings/new", {**typed, "channel_1": "telegram", "channel_2": "telegram"}
    )
    assert "Each channel can be chosen once." in twice.field_error("channels")
    assert await Campaign.all().count() == 0

    launched = await marketer.submit(
        "/admin/mailings/new", {**typed, "channel_1": "telegram", "channel_2": "email"}
    )
    assert launched.status == 200, launched.body_text[:500]
    assert "The campaign is launched." in launched.body_text
    assert launched.text("campaign-state") == "Scheduled"
    assert launched.text("campaign-channels") == "Telegram → Email"
    url = f"/admin/mailings/{campaign_id(launched)}"

    await runtime.mailer.drain()

    page = await marketer.open(url)
    assert page.text("campaign-state") == "Finished"
    assert page.text("progress-percent") == "100%"
    assert page.text("count-sent") == "1" and page.text("count-skipped") == "1"
    assert page.text("count-queued") == "0" and page.text("count-failed") == "0"
    assert 'id="pause-button"' not in page.html and 'id="cancel-button"' not in page.html
    recipients = {row[0]: row for row in page.rows("recipients-table")}
    assert recipients["Ada Obi"][1:3] == ["Telegram", "Sent"]
    assert recipients["Ada Obi"][4]  # the platform's message id
    assert recipients["Bola Ade"][2:4] == ["Skipped", "no consent to offers on any chosen channel"]
    skipped = await marketer.open(f"{url}?state=skipped")
    assert [row[0] for row in skipped.rows("recipients-table")] == ["Bola Ade"]
    progress = data(await marketer.open(f"{url}/progress"))
    assert progress["percent"] == 100 and progress["state"] == "done"

    listed = await marketer.open("/admin/mailings")
    row = listed.rows("campaigns-list")[0]
    assert row[0] == "Kano rates" and row[1] == "Finished" and row[4] == "1/2"
    assert "Started" in row[3]
    dashboard = await marketer.open("/admin/dashboard")
    assert "1" in dashboard.text("tile-mailings.sent_today")
    assert "Mailings sent today" in dashboard.text("tile-mailings.sent_today")


async def test_a_campaign_scheduled_in_company_time_or_kept_as_a_draft(panel_for, runtime):
    marketer = await panel_for(Role.MARKETER)
    segment, template = await _segment_and_template(marketer.employee)
    typed = {
        "name": "Later",
        "segment_id": str(segment.id),
        "template_id": str(template.id),
        "channel_1": "telegram",
        "action": "launch",
        "when": "later",
    }
    past = await marketer.submit(
        "/admin/mailings/new",
        {**typed, "scheduled_at": "2001-01-01T09:00"},
        csrf_from="/admin/mailings/new",
    )
    assert past.status == 422
    assert "Choose a time in the future." in past.field_error("scheduled_at")
    assert await Campaign.all().count() == 0

    # Typed in Lagos time (UTC+1): 09:00 there is 08:00 UTC.
    day = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).date()
    scheduled = await marketer.submit(
        "/admin/mailings/new", {**typed, "scheduled_at": f"{day}T09:00"}
    )
    assert "The campaign is scheduled." in scheduled.body_text
    campaign = await Campaign.get(name="Later")
    assert campaign.scheduled_at == dt.datetime.combine(day, dt.time(8, 0), dt.UTC)
    assert "9:00" in scheduled.text("campaign-scheduled")

    # Saved as a draft, edited, then a launch the template cannot serve keeps it a draft.
    draft = await marketer.submit(
        "/admin/mailings/new", {**typed, "name": "Draft", "action": "save"}
    )
    assert "The campaign is saved as a draft." in draft.body_text
    draft_url = f"/admin/mailings/{campaign_id(draft)}"
    assert f'action="{draft_url}"' in draft.html
    no_text = await marketer.submit(
        draft_url, {**typed, "name": "Draft", "channel_1": "sms", "when": "now"}
    )
    assert no_text.status == 422
    assert "The campaign is saved as a draft, but not launched." in no_text.body_text
    assert "the template has no text for the chosen channels" in no_text.field_error("template_id")
    stored = await Campaign.get(name="Draft")
    assert stored.state is CampaignState.DRAFT and stored.channels == ["sms"]


async def test_pause_resume_and_cancel_follow_the_campaign(panel_for, runtime):
    marketer = await panel_for(Role.MARKETER)
    await client_on("Ada Obi")
    campaign = await campaign_for(marketer.employee, [MailChannel.TELEGRAM])
    await campaigns.start(campaign.id, dt.datetime.now(dt.UTC))
    url = f"/admin/mailings/{campaign.id}"

    page = await marketer.open(url)
    assert page.text("campaign-state") == "Running"
    assert 'id="pause-button"' in page.html and 'id="cancel-button"' in page.html
    assert 'id="resume-button"' not in page.html and 'id="retry-button"' not in page.html
    assert "data-live" in page.html

    paused = await marketer.submit(f"{url}/pause", {}, csrf_from=url)
    assert "The campaign is paused." in paused.body_text
    assert paused.text("campaign-state") == "Paused"
    assert 'id="resume-button"' in paused.html and 'id="pause-button"' not in paused.html
    await runtime.mailer.drain()  # a paused campaign sends nothing
    assert (await marketer.open(url)).text("count-queued") == "1"

    resumed = await marketer.submit(f"{url}/resume", {}, csrf_from=url)
    assert resumed.text("campaign-state") == "Running"
    cancelled = await marketer.submit(f"{url}/cancel", {}, csrf_from=url)
    assert "The campaign is cancelled." in cancelled.body_text
    assert cancelled.text("campaign-state") == "Cancelled"
    assert cancelled.text("campaign-actions") == ""
    assert cancelled.rows("recipients-table")[0][2:4] == ["Skipped", "campaign cancelled"]
    again = await marketer.submit(f"{url}/resume", {}, csrf_from=url)
    assert again.status == 422
    assert "This campaign cannot do that in its current state." in again.text("form-errors")


async def test_retry_failed_queues_the_failed_messages_again(panel_for, runtime, fake_telegram):
    marketer = await panel_for(Role.MARKETER)
    await client_on("Ada Obi")
    campaign = await campaign_for(marketer.employee, [MailChannel.TELEGRAM])
    url = f"/admin/mailings/{campaign.id}"
    fake_telegram.fail_next("sendMessage", BLOCKED)
    await runtime.mailer.drain()

    failed = await marketer.open(url)
    assert failed.text("count-failed") == "1" and failed.text("campaign-state") == "Finished"
    assert "bot was blocked" in failed.rows("recipients-table")[0][3]
    assert 'id="retry-button"' in failed.html

    retried = await marketer.submit(f"{url}/retry", {}, csrf_from=url)
    assert "The failed messages are queued again." in retried.body_text
    assert retried.text("campaign-state") == "Running"
    assert retried.text("count-queued") == "1" and retried.text("count-failed") == "0"
    assert 'id="retry-button"' not in retried.html

    await runtime.mailer.drain()
    done = await marketer.open(url)
    assert done.text("count-sent") == "1" and done.text("progress-percent") == "100%"
    row = await OutboxMessage.get(campaign_id=campaign.id)
    assert row.state is OutboxState.SENT


async def test_the_recipients_are_paged_and_filtered(panel_for, runtime):
    marketer = await panel_for(Role.MARKETER)
    campaign = await campaign_for(marketer.employee, [MailChannel.TELEGRAM])
    now = dt.datetime.now(dt.UTC)
    clients = [await Client.create(name=f"Client {n:02d}") for n in range(55)]
    await OutboxMessage.bulk_create(
        [
            OutboxMessage(
                campaign_id=campaign.id,
                client_id=client.id,
                channel=MailChannel.TELEGRAM,
                state=OutboxState.FAILED if n == 0 else OutboxState.SENT,
                reason="Forbidden: bot was blocked by the user" if n == 0 else "",
                due_at=now,
                sent_at=None if n == 0 else now,
                token=f"token-{n}",
            )
            for n, client in enumerate(clients)
        ]
    )
    url = f"/admin/mailings/{campaign.id}"
    first = await marketer.open(url)
    names = [row[0] for row in first.rows("recipients-table")]
    assert names == [f"Client {n:02d}" for n in range(54, 4, -1)]  # newest first, 50 a page
    assert first.text("progress-summary") == "55 of 55 handled"
    next_link = re.search(r'href="([^"]+)" id="recipients-next"', first.html)
    assert next_link
    second = await marketer.open(url + unescape(next_link.group(1)).split("#")[0])
    assert [row[0] for row in second.rows("recipients-table")] == [
        f"Client {n:02d}" for n in range(4, -1, -1)
    ]
    assert 'id="recipients-next"' not in second.html and 'id="recipients-first"' in second.html
    failed = await marketer.open(f"{url}?state=failed")
    rows = failed.rows("recipients-table")
    assert [row[0] for row in rows] == ["Client 00"]
    assert rows[0][1:4] == ["Telegram", "Failed", "Forbidden: bot was blocked by the user"]
    broken = await marketer.open(f"{url}?after=not-a-cursor")
    assert len(broken.rows("recipients-table")) == 50


async def test_roles_without_mailings_get_403_everywhere(panel_for, runtime):
    author = await Employee.create(name="Mira Marketer", role=Role.MARKETER)
    await client_on("Ada Obi")
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    ids = {
        "campaign_id": campaign.id,
        "segment_id": campaign.segment_id,
        "template_id": campaign.template_id,
    }
    for role in (Role.DISPATCHER, Role.ACCOUNTANT):
        panel: Panel = await panel_for(role)
        home = await panel.open("/admin/")
        assert 'href="/admin/mailings"' not in home.html
        for route in ROUTES:
            url = "/admin" + re.sub(r"\{(\w+)[^}]*\}", lambda m: str(ids[m.group(1)]), route.path)
            if route.method == "GET":
                page = await panel.open(url)
            else:
                page = await panel.submit(url, {}, csrf_from="/admin/")
            assert page.status == 403, (role, route.method, url, page.status)
            assert "You are not allowed to open this page." in page.body_text
    assert (await Campaign.get(id=campaign.id)).state is CampaignState.SCHEDULED

    manager = await panel_for(Role.MANAGER)
    assert (await manager.open(f"/admin/mailings/{campaign.id}")).status == 200


# ---- consent on the client's page, and the tiles ----------------------------------------


async def test_the_client_page_records_consent_to_offers_by_email(panel_for):
    manager = await panel_for(Role.MANAGER)
    client = await Client.create(name="Ada Obi", email="ada@example.com", manager=manager.employee)
    no_email = await Client.create(name="Bola Ade", phone="+2348030000001")
    url = f"/admin/clients/{client.id}"
    page = await manager.open(url)
    assert "Email: Not asked yet" in page.text("offers-now")

    missing = await manager.submit(
        f"{url}/consent", {"channel": "email", "granted": "yes", "evidence": ""}, csrf_from=url
    )
    assert missing.status == 422
    assert "Say how you know: a call, a signed form, a letter." in missing.field_error("evidence")
    assert 'value="yes" checked' in missing.html
    elsewhere = await manager.submit(
        f"/admin/clients/{no_email.id}/consent",
        {"channel": "email", "granted": "yes", "evidence": "call"},
        csrf_from=f"/admin/clients/{no_email.id}",
    )
    assert "The client has no email address. Add it first." in elsewhere.field_error("channel")

    recorded = await manager.submit(
        f"{url}/consent",
        {"channel": "email", "granted": "yes", "evidence": "Phone call on 3 March"},
        csrf_from=url,
    )
    assert recorded.status == 200 and "The answer is recorded." in recorded.body_text
    assert "Email: granted" in recorded.text("offers-now")
    log = recorded.rows("consents")[0]
    assert log[1:3] == ["email", "granted"] and log[4] == "Phone call on 3 March"
    entry = await Consent.get(client_id=client.id)
    assert entry.purpose is ConsentPurpose.MARKETING
    assert entry.recorded_by_id == manager.employee.id
    state = await ConsentState.get(
        client_id=client.id, channel=Channel.EMAIL, purpose=ConsentPurpose.MARKETING
    )
    assert state.granted
    counted = await manager.open(f"{SEGMENTS}/count?consented_on=email")
    assert data(counted)["count"] == 1

    # A marketer sees the client but records nothing.
    marketer = await panel_for(Role.MARKETER)
    seen = await marketer.open(url)
    assert seen.status == 200 and 'id="offers-consent"' not in seen.html
    refused = await marketer.submit(
        f"{url}/consent", {"channel": "email", "granted": "no", "evidence": "x"}, csrf_from=url
    )
    assert refused.status == 403


async def test_the_dashboard_tiles_of_mailings(panel_for, runtime):
    marketer = await panel_for(Role.MARKETER)
    _ada, chat = await client_on("Ada Obi")
    await client_on("Bola Ade")
    campaign = await campaign_for(marketer.employee, [MailChannel.TELEGRAM])
    await runtime.mailer.drain()
    running = await campaign_for(marketer.employee, [MailChannel.TELEGRAM])
    await campaigns.start(running.id, dt.datetime.now(dt.UTC))
    await record_consent(chat.id, False, "test:stop", purpose=ConsentPurpose.MARKETING)

    page = await marketer.open("/admin/dashboard")
    assert page.text("tile-mailings.running") == "Campaigns running 1"
    assert page.text("tile-mailings.sent_today") == "Mailings sent today 2"
    assert page.text("tile-mailings.offers_stopped") == "Offers stopped this week 1"
    assert 'href="/admin/mailings?state=running"' in page.html
    listed = await marketer.open("/admin/mailings?state=running")
    assert [row[0] for row in listed.rows("campaigns-list")] == ["Kano rates"]
    today = re.search(r"/admin/mailings\?sent_on=([\d-]+)", page.html)
    assert today
    sent = await marketer.open("/admin/mailings?" + urlencode({"sent_on": today.group(1)}))
    assert [row[-1] for row in sent.rows("campaigns-list")] == ["2/2"]
    assert campaign.id != running.id

    dispatcher = await panel_for(Role.DISPATCHER)
    assert "tile-mailings" not in (await dispatcher.open("/admin/dashboard")).html

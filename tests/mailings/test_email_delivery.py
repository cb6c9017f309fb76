"""A campaign by email through a real SMTP server (aiosmtpd), and the unsubscribe link it
carries: the mail program's one-click POST and the person's page both withdraw consent to
offers by email, and the next campaign leaves the client out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from core.i18n import current_i18n
from core.models import Channel, MailChannel, OutboxState, TextKind
from core.services.campaigns import Reason, progress
from core.services.consent import marketing_consent
from core.services.email_channel import EmailSender, SmtpConfig
from core.services.mail_templates import TextInput
from core.services.mailing_senders import UNSUBSCRIBE_FOOTER, EmailChannelSender
from tests.channels.test_email_channel import LocalController, Mailbox
from tests.mailings.helpers import campaign_for, client_on, marketer, outbox, worker_for

SENDER = "Ona <news@ona.example>"
BODY = "Dear {client_name}, new rates to Kano this week."


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[Mailbox, EmailChannelSender]]:
    mailbox = Mailbox()
    controller: Controller = LocalController(mailbox, hostname="127.0.0.1", port=0)
    await asyncio.to_thread(controller.start)
    sender = EmailSender(
        SmtpConfig(host="127.0.0.1", port=controller.port, starttls=False, sender=SENDER)
    )
    try:
        yield mailbox, EmailChannelSender(sender)
    finally:
        await sender.close()
        await asyncio.to_thread(controller.stop)


def email_texts() -> list[TextInput]:
    return [
        TextInput(
            "en",
            TextKind.EMAIL,
            BODY,
            subject="Kano rates for {client_name}",
            html="<p>Dear {client_name}, new rates to <b>Kano</b>.</p>",
        ),
        TextInput(
            "ru",
            TextKind.EMAIL,
            "Здравствуйте, {client_name}! Новые тарифы до Кано.",
            subject="Тарифы до Кано для {client_name}",
            html="<p>Здравствуйте, {client_name}! Новые тарифы до <b>Кано</b>.</p>",
        ),
    ]


async def test_the_email_arrives_personal_with_one_click_unsubscribe(runtime, smtp, http):
    mailbox, channel = smtp
    author = await marketer()
    ada, _ = await client_on("Ada", Channel.EMAIL, email="ada@example.com", language="ru")
    campaign = await campaign_for(author, [MailChannel.EMAIL], texts=email_texts())
    worker = worker_for(runtime, senders={MailChannel.EMAIL: channel})
    await worker.drain()

    row = (await outbox(campaign))[ada.id]
    assert row.state is OutboxState.SENT and row.provider_id.endswith("@ona.example>")
    [received] = mailbox.messages
    assert received.rcpt_tos == ["ada@example.com"]
    mail = message_from_bytes(received.content, policy=policy.default)
    url = f"https://ona.test/m/u/{row.token}"
    assert mail["From"] == SENDER
    assert mail["Subject"] == "Тарифы до Кано для Ada"
    assert mail["List-Unsubscribe"] == f"<{url}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail.get_body(("plain",)).get_content()
    assert "Здравствуйте, Ada! Новые тарифы до Кано." in text
    # The footer is in the reader's language, like the text above it.
    assert current_i18n().gettext(UNSUBSCRIBE_FOOTER, "ru").format(url=url) in text
    html = mail.get_body(("html",)).get_content()
    assert "<p>Здравствуйте, Ada! Новые тарифы до <b>Кано</b>.</p>" in html
    assert f'href="{url}"' in html

    # The mail program's one-click request (RFC 8058), against Ona's own web server.
    async with http.post(
        runtime.base_url + f"/m/u/{row.token}",
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ) as response:
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
    assert not await marketing_consent(ada.id, Channel.EMAIL)
    assert (await progress(campaign.id)).replied == 0  # unsubscribing is not writing back

    second = await campaign_for(author, [MailChannel.EMAIL], texts=email_texts())
    await worker.drain()
    assert len(mailbox.messages) == 1
    skipped = (await outbox(second))[ada.id]
    assert (skipped.state, skipped.reason) == (OutboxState.SKIPPED, Reason.NO_CONSENT)


async def test_the_unsubscribe_page_speaks_the_recipients_language(runtime, smtp, http):
    mailbox, channel = smtp
    author = await marketer()
    ada, _ = await client_on("Ada", Channel.EMAIL, email="ada@example.com", language="ru")
    campaign = await campaign_for(author, [MailChannel.EMAIL], texts=email_texts())
    await worker_for(runtime, senders={MailChannel.EMAIL: channel}).drain()
    token = (await outbox(campaign))[ada.id].token
    ru = current_i18n().gettext

    async with http.get(runtime.base_url + f"/m/u/{token}") as response:
        assert response.status == 200
        page = await response.text()
    assert ru("Stop offers by email?", "ru") in page
    assert 'method="post"' in page
    assert await marketing_consent(ada.id, Channel.EMAIL)  # looking is not unsubscribing

    # The person's button: a plain form POST, no session, no CSRF token to have.
    async with http.post(runtime.base_url + f"/m/u/{token}", data={}) as response:
        assert response.status == 200
        assert ru("You are unsubscribed", "ru") in await response.text()
    assert not await marketing_consent(ada.id, Channel.EMAIL)

    for method in ("GET", "POST"):
        async with http.request(method, runtime.base_url + "/m/u/not-a-token") as response:
            assert response.status == 404
            assert "Link not found" in await response.text()
    assert len(mailbox.messages) == 1


async def test_plain_http_public_url_never_sends_an_email_without_a_working_link(runtime, smtp):
    mailbox, channel = smtp
    author = await marketer()
    ada, _ = await client_on("Ada", Channel.EMAIL, email="ada@example.com")
    campaign = await campaign_for(author, [MailChannel.EMAIL], texts=email_texts())
    worker = worker_for(runtime, senders={MailChannel.EMAIL: channel}, public_url="http://x.test")
    await worker.drain()
    row = (await outbox(campaign))[ada.id]
    assert row.state is OutboxState.FAILED and "https" in row.reason
    assert mailbox.messages == []

"""Templates: a typo in a variable or a bad button is refused when saving (never sent as a
literal or as a crash mid-campaign), each client reads their own language (else the
company's), and an HTML email cannot be broken by a client's name."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.models import Channel, MailChannel, OutboxState, TextKind
from core.services import mail_templates
from core.services.mail_templates import TextInput, parse_buttons, save_template
from tests.mailings.helpers import (
    Recorded,
    campaign_for,
    client_on,
    default_texts,
    marketer,
    messages_to,
    outbox,
    worker_for,
)
from tests.services.conftest import actor_for


@pytest.mark.parametrize(
    ("text", "where", "shown"),
    [
        (TextInput("en", TextKind.SMS, "Hi {clent_name}!"), "body", "{clent_name}"),
        (
            TextInput("en", TextKind.EMAIL, "Hi", subject="For {client}"),
            "subject",
            "{client}",
        ),
        (
            TextInput("en", TextKind.EMAIL, "Hi", subject="News", html="<p>{Client_Name}</p>"),
            "html",
            "{Client_Name}",
        ),
        (TextInput("en", TextKind.MESSENGER, "Hi {client_name.upper}"), "body", None),
        (TextInput("en", TextKind.MESSENGER, "Hi {client_name:d}"), "body", None),
        (TextInput("en", TextKind.MESSENGER, "Hi {client_name!x}"), "body", None),
        (TextInput("en", TextKind.MESSENGER, "Hi {0}"), "body", "{0}"),
    ],
)
async def test_an_unknown_variable_is_refused_by_name(runtime, text, where, shown):
    actor = actor_for(await marketer())
    with pytest.raises(InvalidInput) as refused:
        await save_template(actor, "Kano rates", [text])
    assert refused.value.field == where
    assert refused.value.msgid == "Unknown variable {{{name}}}. Use one of: {known}."
    message = refused.value.msgid.format(**refused.value.params)
    assert (shown or "{client_name") in message
    assert "{client_name}, {manager_name}, {last_shipment}, {link}, {company}" in message
    assert await mail_templates.list_templates(actor) == []


async def test_braces_that_do_not_close_are_refused(runtime):
    actor = actor_for(await marketer())
    with pytest.raises(InvalidInput) as refused:
        await save_template(actor, "T", [TextInput("en", TextKind.SMS, "Hi {client_name")])
    assert refused.value.field == "body" and "not closed" in refused.value.msgid
    # Doubled braces are literal braces.
    await save_template(actor, "T", [TextInput("en", TextKind.SMS, "Code {{A1}} {client_name}")])


def test_buttons_are_label_and_full_link():
    assert parse_buttons("Rates | https://ona.example/rates\n\n Track|http://t.example ") == [
        mail_templates.Button("Rates", "https://ona.example/rates"),
        mail_templates.Button("Track", "http://t.example"),
    ]
    assert parse_buttons(("L" * 60) + " | https://a.example")[0].label == "L" * 40
    for bad in (
        "Rates",
        "Rates | ona.example/rates",
        "Rates | javascript:alert(1)",
        "Rates | ftp://ona.example",
        " | https://ona.example",
    ):
        with pytest.raises(InvalidInput) as refused:
            parse_buttons(bad)
        assert refused.value.field == "buttons"
    with pytest.raises(InvalidInput) as refused:
        parse_buttons("\n".join(f"B{n} | https://ona.example/{n}" for n in range(4)))
    assert refused.value.msgid == "At most {n} buttons." and refused.value.params == {"n": 3}


async def test_other_mistakes_are_refused(runtime):
    actor = actor_for(await marketer())
    cases = [
        (TextInput("xx", TextKind.SMS, "Hi"), "language"),
        (TextInput("en", TextKind.SMS, "   "), "body"),
        (TextInput("en", TextKind.EMAIL, "Hi"), "subject"),
        (TextInput("en", TextKind.EMAIL, "Hi", subject="a\nBcc: x@example.com"), "subject"),
        (TextInput("en", TextKind.MESSENGER, "x" * 4001), "body"),
    ]
    for text, where in cases:
        with pytest.raises(InvalidInput) as refused:
            await save_template(actor, "T", [text])
        assert refused.value.field == where


async def test_each_client_reads_their_language_else_the_companys(runtime, fake_telegram):
    author = await marketer()
    ada, ada_chat = await client_on("Ada", language="en")
    boris, boris_chat = await client_on("Boris", language="ru")
    yemi, yemi_chat = await client_on("Yemi", language="yo")  # no Yoruba text
    texts = [
        TextInput("en", TextKind.MESSENGER, "Hello {client_name}!"),
        TextInput(
            "ru",
            TextKind.MESSENGER,
            "Здравствуйте, {client_name}!",
            buttons=parse_buttons("Тарифы | https://ona.example/ru"),
        ),
    ]
    campaign = await campaign_for(author, [MailChannel.TELEGRAM], texts=texts)
    await worker_for(runtime).drain()

    assert messages_to(fake_telegram.calls, ada_chat.chat_id) == ["Hello Ada!"]
    assert messages_to(fake_telegram.calls, boris_chat.chat_id) == ["Здравствуйте, Boris!"]
    assert messages_to(fake_telegram.calls, yemi_chat.chat_id) == ["Hello Yemi!"]
    rows = await outbox(campaign)
    assert [rows[c.id].language for c in (ada, boris, yemi)] == ["en", "ru", "yo"]
    [to_boris] = [
        c.params
        for c in fake_telegram.calls
        if str(c.params.get("chat_id")) == str(boris_chat.chat_id)
    ]
    labels = [b["text"] for row in to_boris["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0] == "Тарифы" and len(labels) == 2  # then "Stop these messages"


async def test_an_html_email_escapes_the_clients_name(runtime):
    author = await marketer()
    name = 'Ada <script>alert("x")</script> & Co'
    ada, _ = await client_on(name, Channel.EMAIL, email="ada@example.com")
    texts = [
        TextInput(
            "en",
            TextKind.EMAIL,
            "Dear {client_name}, see {link}",
            subject="For {client_name}",
            html='<p>Dear <b>{client_name}</b>, <a href="{link}">see</a></p>',
        )
    ]
    campaign = await campaign_for(
        author, [MailChannel.EMAIL], texts=texts, link_url="https://ona.example/kano?a=1&b=2"
    )
    email = Recorded()
    await worker_for(runtime, senders={MailChannel.EMAIL: email}).drain()

    [sent] = email.sent
    token = (await outbox(campaign))[ada.id].token
    assert sent.message.html == (
        "<p>Dear <b>Ada &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</b>, "
        f'<a href="https://ona.test/m/l/{token}">see</a></p>'
    )
    assert sent.message.body == f"Dear {name}, see https://ona.test/m/l/{token}"
    assert sent.message.subject == f"For {name}"


async def test_an_edited_template_is_what_the_next_campaign_sends(runtime, fake_telegram):
    author = await marketer()
    ada, chat = await client_on("Ada")
    first = await campaign_for(author, [MailChannel.TELEGRAM], body="Old rates, {client_name}.")
    worker = worker_for(runtime)  # one long-lived worker, as in production
    await worker.drain()
    await save_template(
        actor_for(author),
        "Edited",
        default_texts("New rates, {client_name}."),
        template_id=first.template_id,
    )
    second = await campaign_for(author, [MailChannel.TELEGRAM], template_id=first.template_id)
    await worker.drain()
    assert messages_to(fake_telegram.calls, chat.chat_id) == ["Old rates, Ada.", "New rates, Ada."]
    assert (await outbox(second))[ada.id].state is OutboxState.SENT

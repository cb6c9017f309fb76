"""Building an audience, a template and a campaign the way the panel does, for the tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping

from core.models import (
    Channel,
    ChannelIdentity,
    Client,
    ConsentPurpose,
    Employee,
    MailChannel,
    OutboxMessage,
    Role,
    TextKind,
)
from core.services import campaigns, mail_templates, segments
from core.services.consent import record_address_consent, record_consent
from core.services.identities import sequenced_identity
from core.services.mail_templates import TextInput, parse_buttons
from core.services.mailing_worker import ChannelSender, Delivery, MailingWorker, Outgoing
from core.services.send_rate import SendRate
from tests.conversation import TelegramChat, ViberChat
from tests.fakes.recorder import Call
from tests.services.conftest import actor_for

_n = iter(range(1, 10**6))
PUBLIC_URL = "https://ona.test"
# 13:00 in Lagos: outside any quiet hours the tests set.
NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


async def marketer(name: str = "Mira Marketer", role: Role = Role.MARKETER) -> Employee:
    return await Employee.create(name=name, role=role, language="en")


async def client_on(
    name: str,
    channel: Channel = Channel.TELEGRAM,
    *,
    consent: bool = True,
    language: str = "en",
    email: str | None = None,
    city: str | None = None,
    **fields: object,
) -> tuple[Client, ChannelIdentity | None]:
    """A client with a chat (Telegram or Viber) or only an address (email, SMS)."""
    n = next(_n)
    client = await Client.create(
        name=name,
        phone=f"+23480377{n:05d}",
        email=email,
        language=language,
        city=city,
        **fields,
    )
    identity = None
    if channel in (Channel.TELEGRAM, Channel.VIBER):
        identity = await chat_of(client, channel, consent=consent)
    elif consent:
        await record_address_consent(client.id, channel, True, "test:signed form")
    return client, identity


async def chat_of(client: Client, channel: Channel, *, consent: bool = True) -> ChannelIdentity:
    """Another messenger chat for a client, agreeing to messages when `consent`."""
    n = next(_n)
    identity = await ChannelIdentity.create(
        channel=channel,
        external_id=f"m{n}",
        chat_id=700_000 + n,
        client=client,
        language=client.language,
    )
    if consent:
        await record_consent(identity.id, True, "test:button")
    return identity


async def client_in(
    chat: TelegramChat | ViberChat, name: str = "Ada", *, consent: bool = True
) -> tuple[Client, ChannelIdentity]:
    """A client behind a chat the test talks through (real webhooks, real buttons)."""
    n = next(_n)
    client = await Client.create(name=name, phone=f"+23480388{n:05d}")
    if isinstance(chat, TelegramChat):
        identity = await ChannelIdentity.create(
            channel=Channel.TELEGRAM,
            external_id=str(chat.user_id),
            chat_id=chat.user_id,
            client=client,
            display_name=name,
        )
    else:
        identity = await sequenced_identity(Channel.VIBER, chat.user_id, name)
        identity.client_id = client.id  # type: ignore[attr-defined]
        await identity.save(update_fields=["client_id"])
    if consent:
        await record_consent(identity.id, True, "test:button")
    return client, identity


def default_texts(
    body: str = "Hello {client_name}, new rates to Kano this week.",
) -> list[TextInput]:
    return [
        TextInput(
            "en",
            TextKind.MESSENGER,
            body,
            buttons=parse_buttons("Rates | https://ona.example/rates"),
        ),
        TextInput("en", TextKind.EMAIL, body, subject="News for {client_name}"),
        TextInput("en", TextKind.SMS, body),
    ]


async def campaign_for(
    author: Employee,
    channels: list[MailChannel],
    *,
    filters: dict | None = None,
    body: str = "Hello {client_name}, new rates to Kano this week.",
    texts: list[TextInput] | None = None,
    link_url: str = "",
    now: dt.datetime | None = None,
    name: str = "Kano rates",
    template_id: int | None = None,
):
    """Saved and launched as the author would; `template_id` reuses a template."""
    actor = actor_for(author)
    segment = await segments.save_segment(
        actor, f"Segment {next(_n)}", segments.parse_filters(filters or {})
    )
    if template_id is None:
        template = await mail_templates.save_template(
            actor, f"Template {next(_n)}", texts or default_texts(body)
        )
        template_id = template.id
    campaign = await campaigns.create_campaign(
        actor,
        campaigns.CampaignInput(
            name=name,
            segment_id=segment.id,
            template_id=template_id,
            channels=channels,
            link_url=link_url,
        ),
    )
    await campaigns.launch(actor, campaign.id, now or dt.datetime.now(dt.UTC))
    return campaign


class Clock:
    """The worker's clock: stands still until a test moves it."""

    def __init__(self, moment: dt.datetime = NOON) -> None:
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment

    def move(self, **delta: float) -> dt.datetime:
        self.moment += dt.timedelta(**delta)
        return self.moment


class Recorded:
    """A channel that takes every message (or answers from a queue) and keeps them."""

    per_chat = False

    def __init__(self, rate_key: str = "recorded") -> None:
        self.rate_key = rate_key
        self.sent: list[Outgoing] = []
        self.answers: list[Delivery] = []

    async def send(self, outgoing: Outgoing) -> Delivery:
        self.sent.append(outgoing)
        if self.answers:
            return self.answers.pop(0)
        return Delivery(True, provider_id=f"rec-{len(self.sent)}")


class Hooked:
    """Wraps a sender to run a test's step just after each message went out."""

    def __init__(
        self, inner: ChannelSender, after: Callable[[Outgoing], Awaitable[object]]
    ) -> None:
        self.inner = inner
        self.after = after
        self.rate_key = inner.rate_key
        self.per_chat = inner.per_chat

    async def send(self, outgoing: Outgoing) -> Delivery:
        delivery = await self.inner.send(outgoing)
        await self.after(outgoing)
        return delivery


def worker_for(
    runtime,
    clock: Clock | None = None,
    *,
    senders: Mapping[MailChannel, ChannelSender] | None = None,
    rates: Mapping[MailChannel, SendRate] | None = None,
    batch: int = 50,
    owner: str | None = None,
    public_url: str = PUBLIC_URL,
    **extra,
) -> MailingWorker:
    """A worker on the runtime's Telegram and Viber bots, unpaced unless `rates` are given."""
    assert runtime.mailer is not None
    return MailingWorker(
        dict(runtime.mailer.senders) if senders is None else senders,
        rates or {},
        clock or Clock(),
        public_url,
        notifier=extra.pop("notifier", runtime.notifier),
        owner=owner,
        batch=batch,
        **extra,
    )


def messages_to(calls: list[Call], chat_id: int | str, method: str = "sendMessage") -> list[str]:
    """What a Telegram chat was sent, in order."""
    return [
        c.params.get("text", "")
        for c in calls
        if c.method == method and str(c.params.get("chat_id")) == str(chat_id)
    ]


def viber_messages_to(calls: list[Call], receiver: str) -> list[str]:
    return [
        c.params.get("text", "")
        for c in calls
        if c.method == "send_message" and c.params.get("receiver") == receiver
    ]


async def outbox(campaign) -> dict[int, OutboxMessage]:
    """The campaign's rows by client id (one channel per client unless it fell back)."""
    rows = await OutboxMessage.filter(campaign_id=campaign.id).order_by("id")
    return {row.client_id: row for row in rows}  # type: ignore[attr-defined]


async def rows_of(campaign, client: Client) -> dict[str, OutboxMessage]:
    """A client's rows in a campaign by channel."""
    rows = await OutboxMessage.filter(campaign_id=campaign.id, client_id=client.id)
    return {str(row.channel): row for row in rows}


__all__ = [
    "NOON",
    "PUBLIC_URL",
    "Clock",
    "ConsentPurpose",
    "Hooked",
    "Recorded",
    "campaign_for",
    "chat_of",
    "client_in",
    "client_on",
    "default_texts",
    "marketer",
    "messages_to",
    "outbox",
    "rows_of",
    "viber_messages_to",
    "worker_for",
]

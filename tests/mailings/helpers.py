"""Building an audience, a template and a campaign the way the panel does, for the tests."""

from __future__ import annotations

import datetime as dt

from core.models import (
    Channel,
    ChannelIdentity,
    Client,
    ConsentPurpose,
    Employee,
    MailChannel,
    Role,
    TextKind,
)
from core.services import campaigns, mail_templates, segments
from core.services.consent import record_address_consent, record_consent
from core.services.mail_templates import TextInput, parse_buttons
from tests.services.conftest import actor_for

_n = iter(range(1, 10**6))


async def marketer() -> Employee:
    return await Employee.create(name="Mira Marketer", role=Role.MARKETER, language="en")


async def client_on(
    name: str,
    channel: Channel = Channel.TELEGRAM,
    *,
    consent: bool = True,
    language: str = "en",
    email: str | None = None,
    city: str | None = None,
) -> tuple[Client, ChannelIdentity | None]:
    """A client with a chat (Telegram or Viber) or only an address (email, SMS)."""
    n = next(_n)
    client = await Client.create(
        name=name, phone=f"+23480377{n:05d}", email=email, language=language, city=city
    )
    identity = None
    if channel in (Channel.TELEGRAM, Channel.VIBER):
        identity = await ChannelIdentity.create(
            channel=channel,
            external_id=f"m{n}",
            chat_id=700_000 + n,
            client=client,
            language=language,
        )
        if consent:
            await record_consent(identity.id, True, "test:button")
    elif consent:
        await record_address_consent(client.id, channel, True, "test:signed form")
    return client, identity


async def campaign_for(
    author: Employee,
    channels: list[MailChannel],
    *,
    filters: dict | None = None,
    body: str = "Hello {client_name}, new rates to Kano this week.",
    texts: list[TextInput] | None = None,
    link_url: str = "",
    now: dt.datetime | None = None,
):
    actor = actor_for(author)
    segment = await segments.save_segment(
        actor, f"Segment {next(_n)}", segments.parse_filters(filters or {})
    )
    template = await mail_templates.save_template(
        actor,
        f"Template {next(_n)}",
        texts
        or [
            TextInput(
                "en",
                TextKind.MESSENGER,
                body,
                buttons=parse_buttons("Rates | https://ona.example/rates"),
            ),
            TextInput("en", TextKind.EMAIL, body, subject="News for {client_name}"),
            TextInput("en", TextKind.SMS, body),
        ],
    )
    campaign = await campaigns.create_campaign(
        actor,
        campaigns.CampaignInput(
            name="Kano rates",
            segment_id=segment.id,
            template_id=template.id,
            channels=channels,
            link_url=link_url,
        ),
    )
    await campaigns.launch(actor, campaign.id, now or dt.datetime.now(dt.UTC))
    return campaign


__all__ = ["ConsentPurpose", "campaign_for", "client_on", "marketer"]

"""Campaigns: what a marketer launches, pauses, resumes, cancels and retries.

Launching only schedules. The worker starts a due campaign by expanding its segment into
outbox rows: one per client, on the first channel in the campaign's order where the client
agreed to offers and can be reached, or one skipped row saying why none could be used.
The expansion and the state change are one transaction, so a campaign is either not
started or started with its whole audience queued.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import (
    Campaign,
    CampaignState,
    Channel,
    ChannelIdentity,
    Client,
    ConsentPurpose,
    ConsentState,
    Employee,
    InteractionKind,
    MailChannel,
    MailTemplate,
    OutboxMessage,
    OutboxState,
    Role,
    Segment,
    TemplateText,
)
from core.services import audit
from core.services.access import Actor, ActorKind, Permission, require
from core.services.clients import visible_clients
from core.services.consent import record_address_consent
from core.services.interactions import Subject
from core.services.mail_templates import kind_for
from core.services.segments import audience, parse_filters
from core.services.webhooks.events import CAMPAIGN_FINISHED, CAMPAIGN_STARTED
from core.services.webhooks.outbox import emit

OBJECT_TYPE = "campaign"
CHUNK = 1000
MESSENGERS = (MailChannel.TELEGRAM, MailChannel.VIBER)
LIVE = (CampaignState.SCHEDULED, CampaignState.RUNNING, CampaignState.PAUSED)
MAX_NAME = 120
MAX_LINK = 500


class Reason:
    """Why a message was skipped or failed: message ids, translated where they are shown."""

    NO_CONSENT = N_("no consent to offers on any chosen channel")
    NO_ADDRESS = N_("no chat, email or phone on the channels with consent")
    NO_TEXT = N_("the template has no text for the chosen channels")
    CANCELLED = N_("campaign cancelled")
    CONSENT_WITHDRAWN = N_("consent withdrawn before sending")


@dataclass
class CampaignInput:
    name: str
    segment_id: int
    template_id: int
    channels: list[MailChannel]
    link_url: str = ""
    allow_paid_broadcast: bool = False
    paid_budget_stars: int = 0


def _check(data: CampaignInput) -> None:
    if not data.name.strip():
        raise InvalidInput("name", N_("Give the campaign a name."))
    if len(data.name.strip()) > MAX_NAME:
        raise InvalidInput(
            "name", N_("The name is too long (at most {n} characters)."), n=MAX_NAME
        )
    if not data.channels:
        raise InvalidInput("channels", N_("Choose at least one channel."))
    if len(set(data.channels)) != len(data.channels):
        raise InvalidInput("channels", N_("Each channel can be chosen once."))
    if len(data.link_url) > MAX_LINK:
        raise InvalidInput(
            "link_url", N_("The link is too long (at most {n} characters)."), n=MAX_LINK
        )
    if data.link_url:
        parts = urlsplit(data.link_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise InvalidInput("link_url", N_("The link must be a full http(s) address."))
    if data.allow_paid_broadcast and data.paid_budget_stars <= 0:
        raise InvalidInput(
            "paid_budget_stars", N_("Paid broadcasts need a budget in Stars above zero.")
        )
    if data.paid_budget_stars < 0:
        raise InvalidInput("paid_budget_stars", N_("The budget cannot be negative."))


async def _check_refs(data: CampaignInput, conn: BaseDBAsyncClient) -> None:
    if not await Segment.filter(id=data.segment_id).using_db(conn).exists():
        raise InvalidInput("segment_id", N_("Choose a segment."))
    if not await MailTemplate.filter(id=data.template_id).using_db(conn).exists():
        raise InvalidInput("template_id", N_("Choose a template."))


def _fields(data: CampaignInput) -> dict[str, object]:
    return {
        "name": data.name.strip(),
        "segment_id": data.segment_id,
        "template_id": data.template_id,
        "channels": [channel.value for channel in data.channels],
        "link_url": data.link_url,
        "allow_paid_broadcast": data.allow_paid_broadcast,
        "paid_budget_stars": data.paid_budget_stars if data.allow_paid_broadcast else 0,
    }


async def create_campaign(actor: Actor, data: CampaignInput) -> Campaign:
    require(actor, Permission.SEND_MAILINGS)
    _check(data)
    async with in_transaction() as conn:
        await _check_refs(data, conn)
        campaign = await Campaign.create(
            **_fields(data), created_by_id=actor.employee_id, using_db=conn
        )
        await audit.record(
            actor, "created", OBJECT_TYPE, campaign.id, _fields(data), connection=conn
        )
    return campaign


async def update_campaign(actor: Actor, campaign_id: int, data: CampaignInput) -> Campaign:
    """Only a draft can change: a launched campaign's audience and text are what was sent."""
    require(actor, Permission.SEND_MAILINGS)
    _check(data)
    async with in_transaction() as conn:
        campaign = await _locked(campaign_id, conn)
        if campaign.state is not CampaignState.DRAFT:
            raise InvalidInput("state", N_("Only a draft campaign can be edited."))
        await _check_refs(data, conn)
        await Campaign.filter(id=campaign_id).using_db(conn).update(**_fields(data))
        await audit.record(
            actor, "updated", OBJECT_TYPE, campaign_id, _fields(data), connection=conn
        )
    return await Campaign.get(id=campaign_id)


async def get_campaign(actor: Actor, campaign_id: int) -> Campaign:
    require(actor, Permission.SEND_MAILINGS)
    campaign = await Campaign.get_or_none(id=campaign_id).prefetch_related(
        "segment", "template", "created_by"
    )
    if campaign is None:
        raise NotFound()
    return campaign


def campaigns_query(
    actor: Actor,
    state: CampaignState | None = None,
    sent_between: tuple[dt.datetime, dt.datetime] | None = None,
) -> QuerySet[Campaign]:
    """The campaigns the reader may see, optionally in one state, or with a message sent in
    [start, end) (a local day, as the list asks)."""
    require(actor, Permission.SEND_MAILINGS)
    query = Campaign.all()
    if state is not None:
        query = query.filter(state=state)
    if sent_between is not None:
        start, end = sent_between
        sent = OutboxMessage.filter(state=OutboxState.SENT, sent_at__gte=start, sent_at__lt=end)
        query = query.filter(id__in=Subquery(sent.values("campaign_id")))
    return query


async def message_counts(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Messages per campaign and state (state value → count), for a page of campaigns in
    one query."""
    counts: dict[int, dict[str, int]] = {i: {} for i in campaign_ids}
    if not campaign_ids:
        return counts
    rows = (
        await OutboxMessage.filter(campaign_id__in=campaign_ids)
        .annotate(n=Count("id"))
        .group_by("campaign_id", "state")
        .values_list("campaign_id", "state", "n")
    )
    for campaign_id, state, n in rows:
        counts[campaign_id][str(state)] = n
    return counts


async def _locked(campaign_id: int, conn: BaseDBAsyncClient) -> Campaign:
    campaign = await Campaign.filter(id=campaign_id).using_db(conn).select_for_update().first()
    if campaign is None:
        raise NotFound()
    campaign.state = CampaignState(campaign.state)
    return campaign


def _not_now() -> InvalidInput:
    return InvalidInput("state", N_("This campaign cannot do that in its current state."))


async def launch(
    actor: Actor, campaign_id: int, now: dt.datetime, at: dt.datetime | None = None
) -> Campaign:
    """Schedule a draft for `at` (UTC), or for now; the worker starts it when it is due."""
    require(actor, Permission.SEND_MAILINGS)
    if at is not None and at < now - dt.timedelta(minutes=1):
        raise InvalidInput("scheduled_at", N_("Choose a time in the future."))
    async with in_transaction() as conn:
        campaign = await _locked(campaign_id, conn)
        if campaign.state is not CampaignState.DRAFT:
            raise _not_now()
        kinds = set(
            await TemplateText.filter(template_id=campaign.template_id)  # type: ignore[attr-defined]
            .using_db(conn)
            .values_list("kind", flat=True)
        )
        if not any(kind_for(MailChannel(c)) in kinds for c in campaign.channels):
            raise InvalidInput("template_id", Reason.NO_TEXT)
        campaign.state = CampaignState.SCHEDULED
        campaign.scheduled_at = at or now
        await campaign.save(update_fields=["state", "scheduled_at"], using_db=conn)
        await audit.record(
            actor,
            "campaign.launched",
            OBJECT_TYPE,
            campaign_id,
            {"scheduled_at": campaign.scheduled_at.isoformat()},
            connection=conn,
        )
    return campaign


async def pause(actor: Actor, campaign_id: int) -> Campaign:
    """Stop claiming its messages; those already on their way finish."""
    return await _move(
        actor, campaign_id, (CampaignState.SCHEDULED, CampaignState.RUNNING), "pause"
    )


async def resume(actor: Actor, campaign_id: int) -> Campaign:
    return await _move(actor, campaign_id, (CampaignState.PAUSED,), "resume")


async def _move(
    actor: Actor, campaign_id: int, allowed: tuple[CampaignState, ...], action: str
) -> Campaign:
    require(actor, Permission.SEND_MAILINGS)
    async with in_transaction() as conn:
        campaign = await _locked(campaign_id, conn)
        if campaign.state not in allowed:
            raise _not_now()
        if action == "pause":
            campaign.state = CampaignState.PAUSED
        else:
            started = campaign.started_at is not None
            campaign.state = CampaignState.RUNNING if started else CampaignState.SCHEDULED
        await campaign.save(update_fields=["state"], using_db=conn)
        await audit.record(
            actor,
            "campaign.paused" if action == "pause" else "campaign.resumed",
            OBJECT_TYPE,
            campaign_id,
            {},
            connection=conn,
        )
    return campaign


async def cancel(actor: Actor, campaign_id: int, now: dt.datetime) -> Campaign:
    """Nothing more is sent: every queued message is skipped as cancelled."""
    require(actor, Permission.SEND_MAILINGS)
    async with in_transaction() as conn:
        campaign = await _locked(campaign_id, conn)
        if campaign.state not in (*LIVE, CampaignState.DRAFT):
            raise _not_now()
        campaign.state = CampaignState.CANCELLED
        campaign.finished_at = now
        await campaign.save(update_fields=["state", "finished_at"], using_db=conn)
        skipped = (
            await OutboxMessage.filter(campaign_id=campaign_id, state=OutboxState.QUEUED)
            .using_db(conn)
            .update(state=OutboxState.SKIPPED, reason=Reason.CANCELLED, lease_owner=None)
        )
        await audit.record(
            actor,
            "campaign.cancelled",
            OBJECT_TYPE,
            campaign_id,
            {"skipped": skipped},
            connection=conn,
        )
    return campaign


async def retry_failed(actor: Actor, campaign_id: int, now: dt.datetime) -> int:
    """Queue every failed message again; a finished campaign runs again until they are sent.

    A client the campaign reached on a later channel (or is about to) is left out, so a
    failure on Telegram followed by a message on Viber does not become a second message.
    """
    require(actor, Permission.SEND_MAILINGS)
    async with in_transaction() as conn:
        campaign = await _locked(campaign_id, conn)
        if campaign.state not in (CampaignState.RUNNING, CampaignState.PAUSED, CampaignState.DONE):
            raise _not_now()
        reached = OutboxMessage.filter(
            campaign_id=campaign_id,
            state__in=(OutboxState.QUEUED, OutboxState.SENDING, OutboxState.SENT),
        ).values("client_id")
        again = (
            await OutboxMessage.filter(campaign_id=campaign_id, state=OutboxState.FAILED)
            .exclude(client_id__in=Subquery(reached))
            .using_db(conn)
            .update(
                state=OutboxState.QUEUED,
                reason="",
                attempts=0,
                due_at=now,
                lease_owner=None,
                lease_until=None,
            )
        )
        if again and campaign.state is CampaignState.DONE:
            campaign.state = CampaignState.RUNNING
            campaign.finished_at = None
            await campaign.save(update_fields=["state", "finished_at"], using_db=conn)
        await audit.record(
            actor, "campaign.retried", OBJECT_TYPE, campaign_id, {"queued": again}, connection=conn
        )
    return again


# Starting: the segment becomes outbox rows.


async def _author(campaign: Campaign, conn: BaseDBAsyncClient) -> Actor:
    """The campaign reaches whom its author may see, evaluated as the author at send time."""
    author = None
    if campaign.created_by_id:  # type: ignore[attr-defined]
        author = await Employee.get_or_none(id=campaign.created_by_id).using_db(conn)  # type: ignore[attr-defined]
    if author is None:
        # Made through the API by a key, or by someone since removed: the company's reach.
        return Actor(kind=ActorKind.STAFF, language="en", role=Role.MARKETER, name="system")
    return Actor(
        kind=ActorKind.STAFF,
        language=author.language,
        employee_id=author.id,
        role=Role(author.role),
        name=author.name,
    )


@dataclass
class _Reach:
    """What a batch of clients can be sent on: consents and messenger chats."""

    consents: set[tuple[int, str]] = field(default_factory=set)
    chats: dict[tuple[int, str], tuple[int, str | None]] = field(default_factory=dict)


async def _reach(client_ids: list[int], channels: list[str], conn: BaseDBAsyncClient) -> _Reach:
    reach = _Reach()
    rows = (
        await ConsentState.filter(
            client_id__in=client_ids,
            channel__in=channels,
            purpose=ConsentPurpose.MARKETING,
            granted=True,
        )
        .using_db(conn)
        .values_list("client_id", "channel")
    )
    reach.consents = {(cid, str(channel)) for cid, channel in rows}
    messengers = [c for c in channels if c in MESSENGERS]
    if messengers:
        chats = (
            await ChannelIdentity.filter(
                client_id__in=client_ids,
                channel__in=messengers,
                subscribed=True,
                chat_id__not_isnull=True,
            )
            .using_db(conn)
            .order_by("id")
            .values_list("client_id", "channel", "chat_id", "language")
        )
        for cid, channel, chat_id, language in chats:
            reach.chats[(cid, str(channel))] = (chat_id, language)  # the newest chat wins
    return reach


def _address(
    reach: _Reach, client: tuple[int, str | None, str | None, str], channel: str
) -> tuple[str, str] | None:
    """(address, language) for the client on `channel`, or None if it cannot be reached."""
    client_id, email, phone, language = client
    if channel in MESSENGERS:
        chat = reach.chats.get((client_id, channel))
        return (str(chat[0]), chat[1] or language) if chat else None
    if channel == MailChannel.EMAIL:
        return (email, language) if email else None
    return (phone, language) if phone else None


def new_token() -> str:
    return secrets.token_urlsafe(16)


def _choose(
    client: tuple[int, str | None, str | None, str],
    channels: list[str],
    kinds: set[str],
    reach: _Reach,
) -> tuple[str, str, str] | str:
    """(channel, address, language) for the first usable channel, or the reason there is none."""
    consented = False
    for channel in channels:
        if kind_for(MailChannel(channel)) not in kinds:
            continue
        if (client[0], channel) not in reach.consents:
            continue
        consented = True
        found = _address(reach, client, channel)
        if found:
            return channel, found[0], found[1]
    return Reason.NO_ADDRESS if consented else Reason.NO_CONSENT


async def start_due(now: dt.datetime) -> list[Campaign]:
    """Start every scheduled campaign whose time has come."""
    due = await Campaign.filter(state=CampaignState.SCHEDULED, scheduled_at__lte=now).order_by(
        "scheduled_at", "id"
    )
    started = []
    for campaign in due:
        if await start(campaign.id, now):
            started.append(campaign)
    return started


async def start(campaign_id: int, now: dt.datetime) -> bool:
    """Expand the campaign's segment into its outbox, once (a second caller gets False).

    A campaign whose author may no longer send mailings (their role changed since) is
    cancelled instead: it has nobody's reach to go to, and must not hold up the others.
    """
    async with in_transaction() as conn:
        claimed = (
            await Campaign.filter(id=campaign_id, state=CampaignState.SCHEDULED)
            .using_db(conn)
            .update(state=CampaignState.RUNNING, started_at=now)
        )
        if not claimed:
            return False
        campaign = await Campaign.get(id=campaign_id).using_db(conn)
        segment = await Segment.get(id=campaign.segment_id).using_db(conn)  # type: ignore[attr-defined]
        actor = await _author(campaign, conn)
        if not actor.can(Permission.SEND_MAILINGS):
            await (
                Campaign.filter(id=campaign_id)
                .using_db(conn)
                .update(state=CampaignState.CANCELLED, started_at=None, finished_at=now)
            )
            return False
        filters = parse_filters(segment.filters)
        kinds = {
            str(k)
            for k in await TemplateText.filter(template_id=campaign.template_id)  # type: ignore[attr-defined]
            .using_db(conn)
            .values_list("kind", flat=True)
        }
        channels = [str(c) for c in campaign.channels]
        queued = skipped = 0
        last_id = 0
        while True:
            chunk = (
                await audience(actor, filters)
                .filter(id__gt=last_id)
                .using_db(conn)
                .order_by("id")
                .limit(CHUNK)
                .values_list("id", "email", "phone", "language")
            )
            if not chunk:
                break
            last_id = chunk[-1][0]
            reach = await _reach([c[0] for c in chunk], channels, conn)
            rows = []
            for client in chunk:
                choice = _choose(client, channels, kinds, reach)
                if isinstance(choice, tuple):
                    channel, address, language = choice
                    rows.append(
                        OutboxMessage(
                            campaign_id=campaign_id,
                            client_id=client[0],
                            channel=channel,
                            address=address,
                            language=language,
                            due_at=now,
                            token=new_token(),
                        )
                    )
                    queued += 1
                else:
                    rows.append(
                        OutboxMessage(
                            campaign_id=campaign_id,
                            client_id=client[0],
                            channel=channels[0],
                            language=client[3],
                            state=OutboxState.SKIPPED,
                            reason=choice,
                            due_at=now,
                            token=new_token(),
                        )
                    )
                    skipped += 1
            await OutboxMessage.bulk_create(rows, using_db=conn)
        await emit(
            CAMPAIGN_STARTED,
            {"id": campaign_id, "name": campaign.name, "queued": queued, "skipped": skipped},
            connection=conn,
        )
    return True


async def next_channel(
    campaign: Campaign, client_id: int, after: str, now: dt.datetime
) -> OutboxMessage | None:
    """After a permanent failure on `after`, queue the client on the next usable channel."""
    channels = [str(c) for c in campaign.channels]
    if after not in channels:
        return None
    rest = channels[channels.index(after) + 1 :]
    if not rest:
        return None
    async with in_transaction() as conn:
        tried = set(
            await OutboxMessage.filter(campaign_id=campaign.id, client_id=client_id)
            .using_db(conn)
            .values_list("channel", flat=True)
        )
        rest = [c for c in rest if c not in tried]
        kinds = {
            str(k)
            for k in await TemplateText.filter(template_id=campaign.template_id)  # type: ignore[attr-defined]
            .using_db(conn)
            .values_list("kind", flat=True)
        }
        client = await _client_row(client_id, conn)
        if client is None:
            return None
        reach = await _reach([client_id], rest, conn)
        choice = _choose(client, rest, kinds, reach)
        if not isinstance(choice, tuple):
            return None
        channel, address, language = choice
        return await OutboxMessage.create(
            campaign_id=campaign.id,
            client_id=client_id,
            channel=channel,
            address=address,
            language=language,
            due_at=now,
            token=new_token(),
            using_db=conn,
        )


async def _client_row(
    client_id: int, conn: BaseDBAsyncClient
) -> tuple[int, str | None, str | None, str] | None:
    rows = (
        await Client.filter(id=client_id)
        .using_db(conn)
        .values_list("id", "email", "phone", "language")
    )
    return rows[0] if rows else None


# Progress and results.


@dataclass
class Progress:
    counts: dict[str, int]
    clicked: int
    replied: int
    delivered: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(
            self.counts.get(s.value, 0)
            for s in (OutboxState.SENT, OutboxState.FAILED, OutboxState.SKIPPED)
        )

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


async def progress(campaign_id: int) -> Progress:
    rows = (
        await OutboxMessage.filter(campaign_id=campaign_id)
        .annotate(n=Count("id"))
        .group_by("state")
        .values_list("state", "n")
    )
    counts = {state.value: 0 for state in OutboxState}
    for state, n in rows:
        counts[str(state)] = n
    clicked = await OutboxMessage.filter(
        campaign_id=campaign_id, first_click_at__not_isnull=True
    ).count()
    delivered = await OutboxMessage.filter(
        campaign_id=campaign_id, delivered_at__not_isnull=True
    ).count()
    return Progress(counts, clicked, await _replied(campaign_id), delivered)


def replied_sql(message: str) -> str:
    """SQL true when the recipient of the outbox row `message` (an alias) wrote to us on the
    same channel after the message reached them.

    Entries the system made (a reminder, an email unsubscribe) and consent answers (the
    "Stop these messages" button) are not the client writing back.
    """
    # An alias and enum values: no user text.
    return (
        f"EXISTS (SELECT 1 FROM interaction i WHERE i.client_id = {message}.client_id "  # noqa: S608
        f"AND i.channel = {message}.channel AND i.employee_id IS NULL "
        f"AND i.created_at > {message}.sent_at "
        f"AND i.kind <> '{InteractionKind.SYSTEM.value}' "
        f"AND i.subject NOT IN ('{Subject.CONSENT_GRANTED}', '{Subject.CONSENT_WITHDRAWN}'))"
    )


async def _replied(campaign_id: int) -> int:
    """Recipients who wrote back (`replied_sql`)."""
    conn = connections.get("default")
    mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
    sql = (
        "SELECT COUNT(*) FROM mail_outbox o WHERE o.campaign_id = "  # noqa: S608 - no user text
        f"{mark} AND o.state = 'sent' AND {replied_sql('o')}"
    )
    _, rows = await conn.execute_query(sql, [campaign_id])
    return int(next(iter(dict(rows[0]).values()))) if rows else 0


async def finish_idle(now: dt.datetime) -> list[Campaign]:
    """Running campaigns with nothing left to send become done."""
    finished = []
    for campaign in await Campaign.filter(state=CampaignState.RUNNING):
        busy = await OutboxMessage.filter(
            campaign_id=campaign.id, state__in=(OutboxState.QUEUED, OutboxState.SENDING)
        ).exists()
        if busy:
            continue
        async with in_transaction() as conn:
            moved = (
                await Campaign.filter(id=campaign.id, state=CampaignState.RUNNING)
                .using_db(conn)
                .update(state=CampaignState.DONE, finished_at=now)
            )
            if not moved:
                continue
            counts = (await progress(campaign.id)).counts
            await emit(
                CAMPAIGN_FINISHED,
                {"id": campaign.id, "name": campaign.name, **counts},
                connection=conn,
            )
        finished.append(campaign)
    return finished


def recipients_query(
    actor: Actor, campaign_id: int, state: OutboxState | None = None
) -> QuerySet[OutboxMessage]:
    """A campaign's messages, to clients the reader may see: the panel and the API alike."""
    require(actor, Permission.SEND_MAILINGS)
    query = OutboxMessage.filter(campaign_id=campaign_id)
    if actor.sees_only_own_clients or actor.sees_team_clients:
        query = query.filter(client_id__in=Subquery(visible_clients(actor).values("id")))
    if state is not None:
        query = query.filter(state=state)
    return query


async def mark_delivered(channel: MailChannel, provider_id: str) -> bool:
    """The platform reports the message reached the device (Viber's delivered callback)."""
    updated = await OutboxMessage.filter(
        channel=channel, provider_id=provider_id, delivered_at=None
    ).update(delivered_at=dt.datetime.now(dt.UTC))
    return bool(updated)


async def record_click(token: str, now: dt.datetime) -> str | None:
    """A tracked link was opened: count it and return where it leads (None if unknown)."""
    row = await OutboxMessage.get_or_none(token=token).prefetch_related("campaign")
    if row is None or not row.campaign.link_url:
        return None
    await OutboxMessage.filter(id=row.id).update(clicks=F("clicks") + 1)
    await OutboxMessage.filter(id=row.id, first_click_at=None).update(first_click_at=now)
    return str(row.campaign.link_url)


async def unsubscribe_by_token(token: str) -> bool:
    """The email's one-click unsubscribe link: no more offers by email to this client.

    The token is the message's own random one, so the link works without signing in and
    without exposing the client's id. Withdrawing twice records one withdrawal.
    """
    row = await OutboxMessage.get_or_none(token=token)
    if row is None:
        return False
    await record_address_consent(
        row.client_id,  # type: ignore[attr-defined]
        Channel.EMAIL,
        False,
        f"email:unsubscribe-link:campaign-{row.campaign_id}",  # type: ignore[attr-defined]
    )
    return True

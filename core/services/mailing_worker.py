"""The mailing worker: claims queued outbox rows, paces them per platform, sends, records.

Several worker processes can share one campaign. Each claims a batch of queued rows with a
short lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two workers never wait on or take
the same rows; SQLite runs one worker). Just before a message goes to the platform its row
is marked `sending`, in the same statement that re-checks the campaign is still running and
the client still agrees to offers on that channel, and it is marked `sent` (with the
platform's message id) as soon as the platform answers.

Why a crash can still duplicate: the Bot API, Viber, SMTP and most SMS gateways have no
idempotency key, so a message handed over in the instant before a `kill -9` may have gone
out while its row still says `sending`. A worker sends one message at a time, so that
window holds at most one message per worker. A restarted worker with the same name puts
its own `sending` row back in the queue at once; rows of a worker that never comes back
are put back when their lease runs out. Either way no recipient is lost, and duplicates
are at most the messages in flight at the moment of the crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from tortoise.expressions import F, Q, Subquery
from tortoise.transactions import in_transaction

from core.i18n import N_, current_i18n
from core.models import (
    Campaign,
    CampaignState,
    Client,
    ConsentPurpose,
    ConsentState,
    Employee,
    MailChannel,
    OutboxMessage,
    OutboxState,
    Shipment,
    TemplateText,
)
from core.ports import Clock, Notifier
from core.services import campaigns
from core.services.company import current_company
from core.services.mail_templates import Rendered, Variables, kind_for, pick_text, render
from core.services.send_rate import SendRate
from core.services.shipment_notices import in_quiet_hours
from core.services.staff_alerts import alert_staff

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_BACKOFF = dt.timedelta(minutes=5)
# How long a claimed batch, and one message being sent, stay a worker's own.
CLAIM_LEASE = dt.timedelta(seconds=60)
SEND_LEASE = dt.timedelta(seconds=60)
PAID_STAR_PER_MESSAGE = 0.1

STARTED = N_("Campaign “{name}” started: {queued} messages queued, {skipped} skipped.")
FINISHED = N_(
    "Campaign “{name}” finished: {sent} sent, {delivered} delivered, {failed} failed, "
    "{skipped} skipped."
)
NOT_CONFIGURED = N_("this channel is not set up")
RESENT = N_("sent again after a worker stopped while sending")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for a channel sender."""

    outbox_id: int
    campaign_id: int
    channel: MailChannel
    address: str
    message: Rendered
    unsubscribe_url: str
    paid_broadcast: bool = False


@dataclass(frozen=True, slots=True)
class Delivery:
    """How the platform answered. `retry_after` set means throttled (429): not sent."""

    sent: bool
    provider_id: str = ""
    reason: str = ""
    retryable: bool = False
    retry_after: float | None = None


class ChannelSender(Protocol):
    """Hands one message to a platform; never raises for a delivery problem."""

    # The limiter key: one budget per platform account (bot token, SMTP server, gateway).
    rate_key: str
    # Telegram limits each chat on its own (1 message a second).
    per_chat: bool

    async def send(self, outgoing: Outgoing) -> Delivery: ...


def default_owner() -> str:
    """Unique per worker object; set MAILING_WORKER_ID for a name that survives restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class MailingWorker:
    def __init__(
        self,
        senders: Mapping[MailChannel, ChannelSender],
        rates: Mapping[MailChannel, SendRate],
        clock: Clock,
        public_url: str,
        *,
        notifier: Notifier | None = None,
        owner: str | None = None,
        batch: int = 50,
        paid_rate: SendRate | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.senders = senders
        self.rates = rates
        self.paid_rate = paid_rate
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self.notifier = notifier
        self.owner = owner or default_owner()
        self.batch = batch
        self._sleep = sleep
        self._wake = asyncio.Event()
        self._texts: dict[int, list[TemplateText]] = {}
        self._managers: dict[int, str] = {}

    def wake(self) -> None:
        """A campaign was launched or retried: look for work now rather than at the next tick."""
        self._wake.set()

    async def recover(self) -> int:
        """At start: this worker's rows from before a crash go back to the queue."""
        resent = await OutboxMessage.filter(
            lease_owner=self.owner, state=OutboxState.SENDING
        ).update(state=OutboxState.QUEUED, lease_owner=None, lease_until=None, reason=RESENT)
        await OutboxMessage.filter(lease_owner=self.owner, state=OutboxState.QUEUED).update(
            lease_owner=None, lease_until=None
        )
        return resent

    async def run(self, stop: asyncio.Event, idle: float = 2.0) -> None:
        await self.recover()
        while not stop.is_set():
            try:
                worked = await self.run_once()
            except Exception:
                log.exception("Mailing worker: a round failed; trying again")
                worked = 0
            if worked:
                continue
            self._wake.clear()
            # Woken by a launch, a retry, or the stop (which calls wake() too).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), idle)

    async def run_once(self) -> int:
        """Start due campaigns, send one batch, finish campaigns with nothing left."""
        now = self.clock.now()
        self._texts.clear()  # a template edited mid-campaign is read again each round
        for campaign in await campaigns.start_due(now):
            await self._tell_author(campaign, STARTED)
        handled = 0
        company = await current_company()
        if in_quiet_hours(company, now) is None:
            batch = await self._claim(now)
            paid_left = await self._paid_allowance(batch)
            for row in batch:
                await self._deliver(row, paid_left)
            handled = len(batch)
        for campaign in await campaigns.finish_idle(self.clock.now()):
            await self._tell_author(campaign, FINISHED)
        return handled

    async def drain(self, rounds: int = 100_000) -> None:
        """Work until nothing is due (tests and the benchmark)."""
        for _ in range(rounds):
            if not await self.run_once():
                return

    async def _claim(self, now: dt.datetime) -> list[OutboxMessage]:
        # Rows left `sending` by a worker that never came back: their lease ran out.
        await OutboxMessage.filter(state=OutboxState.SENDING, lease_until__lt=now).update(
            state=OutboxState.QUEUED, lease_owner=None, lease_until=None, reason=RESENT
        )
        running = list(
            await Campaign.filter(state=CampaignState.RUNNING).values_list("id", flat=True)
        )
        if not running:
            return []
        free = Q(lease_until=None) | Q(lease_until__lt=now)
        async with in_transaction() as conn:
            # Model rows (only their ids): Tortoise drops FOR UPDATE from values_list().
            locked = (
                await OutboxMessage.filter(
                    free, state=OutboxState.QUEUED, due_at__lte=now, campaign_id__in=running
                )
                .using_db(conn)
                .order_by("due_at", "id")
                .limit(self.batch)
                .select_for_update(skip_locked=True)
                .only("id")
            )
            ids = [row.id for row in locked]
            if not ids:
                return []
            await (
                OutboxMessage.filter(free, id__in=ids, state=OutboxState.QUEUED)
                .using_db(conn)
                .update(lease_owner=self.owner, lease_until=now + CLAIM_LEASE)
            )
        return list(
            await OutboxMessage.filter(
                id__in=ids, lease_owner=self.owner, state=OutboxState.QUEUED
            ).order_by("due_at", "id")
        )

    async def _paid_allowance(self, batch: list[OutboxMessage]) -> dict[int, int]:
        """Per campaign allowing paid broadcasts: how many more paid messages the budget buys."""
        left: dict[int, int] = {}
        for campaign_id in {row.campaign_id for row in batch}:  # type: ignore[attr-defined]
            campaign = await Campaign.get(id=campaign_id)
            if not campaign.allow_paid_broadcast or campaign.paid_budget_stars <= 0:
                continue
            sent = await OutboxMessage.filter(
                campaign_id=campaign_id, channel=MailChannel.TELEGRAM, state=OutboxState.SENT
            ).count()
            left[campaign_id] = int(campaign.paid_budget_stars / PAID_STAR_PER_MESSAGE) - sent
        return left

    async def _deliver(self, row: OutboxMessage, paid_left: dict[int, int]) -> None:
        channel = MailChannel(row.channel)
        campaign_id: int = row.campaign_id  # type: ignore[attr-defined]
        sender = self.senders.get(channel)
        if sender is None:
            await self._finish(row, Delivery(False, reason=NOT_CONFIGURED))
            return
        campaign = await Campaign.get(id=campaign_id)
        client = await Client.get(id=row.client_id)  # type: ignore[attr-defined]
        message = await self._render(campaign, client, row)
        if message is None:
            await OutboxMessage.filter(id=row.id).update(
                state=OutboxState.SKIPPED, reason=campaigns.Reason.NO_TEXT, lease_owner=None
            )
            return
        paid = paid_left.get(campaign_id, 0) > 0 and channel is MailChannel.TELEGRAM
        await self._pace(channel, sender, row.address, paid)
        now = self.clock.now()
        marked = await OutboxMessage.filter(
            id=row.id,
            state=OutboxState.QUEUED,
            lease_owner=self.owner,
            campaign_id__in=Subquery(
                Campaign.filter(id=campaign_id, state=CampaignState.RUNNING).values("id")
            ),
            client_id__in=Subquery(
                ConsentState.filter(
                    client_id=row.client_id,  # type: ignore[attr-defined]
                    channel=channel.value,
                    purpose=ConsentPurpose.MARKETING,
                    granted=True,
                ).values("client_id")
            ),
        ).update(
            state=OutboxState.SENDING, lease_until=now + SEND_LEASE, attempts=F("attempts") + 1
        )
        if not marked:
            await self._not_sent(row, campaign_id, channel)
            return
        if paid:
            paid_left[campaign_id] -= 1
        delivery = await sender.send(
            Outgoing(
                outbox_id=row.id,
                campaign_id=campaign_id,
                channel=channel,
                address=row.address,
                message=message,
                unsubscribe_url=f"{self.public_url}/m/u/{row.token}",
                paid_broadcast=paid,
            )
        )
        rate = self._rate(channel, paid)
        if delivery.sent and rate is not None:
            await rate.accepted(sender.rate_key)
        if delivery.retry_after is not None and rate is not None:
            await rate.throttled(sender.rate_key, delivery.retry_after)
        await self._finish(row, delivery, campaign)

    def _rate(self, channel: MailChannel, paid: bool) -> SendRate | None:
        return self.paid_rate if paid and self.paid_rate else self.rates.get(channel)

    async def _pace(
        self, channel: MailChannel, sender: ChannelSender, address: str, paid: bool
    ) -> None:
        rate = self._rate(channel, paid)
        if rate is None:
            return
        chat = address if sender.per_chat else None
        while (wait := await rate.wait_time(sender.rate_key, chat)) > 0:
            await self._sleep(wait)

    async def _render(
        self, campaign: Campaign, client: Client, row: OutboxMessage
    ) -> Rendered | None:
        texts = self._texts.get(campaign.template_id)  # type: ignore[attr-defined]
        if texts is None:
            texts = list(await TemplateText.filter(template_id=campaign.template_id))  # type: ignore[attr-defined]
            self._texts = {campaign.template_id: texts}  # type: ignore[attr-defined]
        company = await current_company()
        text = pick_text(
            texts, kind_for(MailChannel(row.channel)), row.language, company_language()
        )
        if text is None:
            return None
        manager_id = client.manager_id  # type: ignore[attr-defined]
        if manager_id and manager_id not in self._managers:
            manager = await Employee.get_or_none(id=manager_id)
            self._managers[manager_id] = manager.name if manager else company.name
        shipment = await Shipment.filter(client_id=client.id).order_by("-id").first()
        variables = Variables(
            client_name=client.name,
            manager_name=self._managers.get(manager_id, company.name)
            if manager_id
            else company.name,
            last_shipment=shipment.number if shipment else "",
            link=f"{self.public_url}/m/l/{row.token}" if campaign.link_url else "",
            company=company.name,
        )
        return render(text, variables)

    async def _not_sent(self, row: OutboxMessage, campaign_id: int, channel: MailChannel) -> None:
        """The row could not be marked sending: find out why and leave it right."""
        current = await OutboxMessage.get_or_none(id=row.id)
        if current is None or current.state != OutboxState.QUEUED:
            return  # cancelled, or another worker has it
        campaign = await Campaign.get(id=campaign_id)
        consented = await ConsentState.filter(
            client_id=row.client_id,  # type: ignore[attr-defined]
            channel=channel.value,
            purpose=ConsentPurpose.MARKETING,
            granted=True,
        ).exists()
        if CampaignState(campaign.state) is CampaignState.RUNNING and not consented:
            await OutboxMessage.filter(id=row.id, state=OutboxState.QUEUED).update(
                state=OutboxState.SKIPPED,
                reason=campaigns.Reason.CONSENT_WITHDRAWN,
                lease_owner=None,
                lease_until=None,
            )
            return
        # Paused or cancelled meanwhile, or the lease went to another worker: let go.
        await OutboxMessage.filter(
            id=row.id, lease_owner=self.owner, state=OutboxState.QUEUED
        ).update(lease_owner=None, lease_until=None)

    async def _finish(
        self, row: OutboxMessage, delivery: Delivery, campaign: Campaign | None = None
    ) -> None:
        now = self.clock.now()
        if delivery.sent:
            await OutboxMessage.filter(id=row.id).update(
                state=OutboxState.SENT,
                provider_id=delivery.provider_id[:200],
                sent_at=now,
                reason="",
                lease_owner=None,
                lease_until=None,
            )
            return
        if delivery.retry_after is not None:
            # Throttled: the platform did not take it. Back to the queue; the limiter waits.
            await OutboxMessage.filter(id=row.id).update(
                state=OutboxState.QUEUED,
                attempts=F("attempts") - 1,
                due_at=now,
                lease_owner=None,
                lease_until=None,
            )
            return
        attempts = (await OutboxMessage.get(id=row.id)).attempts
        if delivery.retryable and attempts < MAX_ATTEMPTS:
            await OutboxMessage.filter(id=row.id).update(
                state=OutboxState.QUEUED,
                reason=delivery.reason[:300],
                due_at=now + RETRY_BACKOFF * attempts,
                lease_owner=None,
                lease_until=None,
            )
            return
        await OutboxMessage.filter(id=row.id).update(
            state=OutboxState.FAILED,
            reason=delivery.reason[:300],
            lease_owner=None,
            lease_until=None,
        )
        if not delivery.retryable:
            campaign = campaign or await Campaign.get(id=row.campaign_id)  # type: ignore[attr-defined]
            await campaigns.next_channel(campaign, row.client_id, str(row.channel), now)  # type: ignore[attr-defined]

    async def _tell_author(self, campaign: Campaign, message: str) -> None:
        if self.notifier is None or not campaign.created_by_id:  # type: ignore[attr-defined]
            return
        author = await Employee.get_or_none(id=campaign.created_by_id, is_active=True)  # type: ignore[attr-defined]
        if author is None:
            return
        progress = await campaigns.progress(campaign.id)
        counts = progress.counts
        await alert_staff(
            self.notifier,
            [author],
            message,
            name=campaign.name,
            queued=counts["queued"],
            sent=counts["sent"],
            delivered=progress.delivered,
            failed=counts["failed"],
            skipped=counts["skipped"],
        )


def company_language() -> str:
    return current_i18n().default_locale

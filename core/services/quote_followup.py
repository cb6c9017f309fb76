"""After a quote is sent: one reminder when it goes unanswered, and expiry when it lapses.

The client is reminded only on the channel the request came from and only while they agree
to messages there; the manager (or the heads of sales) always is. Every reminder is a
QuoteReminder row, so the reports can count them per manager and per client.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from core.errors import InvalidInput
from core.i18n import N_
from core.models import (
    Channel,
    ChannelIdentity,
    Client,
    Interaction,
    InteractionKind,
    Quote,
    QuoteReminder,
    QuoteRequest,
    ReminderRecipient,
    RequestState,
)
from core.ports import Notifier, QuoteSender
from core.services.company import current_company, zone_of
from core.services.consent import current_consent
from core.services.interactions import Subject
from core.services.pipeline import move
from core.services.quote_text import day_text, route_summary
from core.services.staff_alerts import alert_staff, request_staff

log = logging.getLogger(__name__)

CLIENT_REMINDER = N_("A reminder: your quote is still open. Would you like to order?")
MANAGER_REMINDER = N_("Quote #{number} for {client} ({route}) has had no answer since {day}.")


@dataclass(frozen=True, slots=True)
class ReminderRun:
    quotes: int = 0
    clients: int = 0
    managers: int = 0


async def _claim(quote_id: int, now: dt.datetime) -> Quote | None:
    """Mark the quote reminded before sending, so two runs never remind twice."""
    async with in_transaction() as conn:
        quote = (
            await Quote.filter(id=quote_id, reminders_sent=0, answered_at=None)
            .using_db(conn)
            .select_for_update()
            .first()
        )
        if quote is None:
            return None
        quote.reminders_sent = 1
        quote.last_reminder_at = now
        await quote.save(update_fields=["reminders_sent", "last_reminder_at"], using_db=conn)
        return quote


async def remind_unanswered(
    notifier: Notifier, sender: QuoteSender, now: dt.datetime, after_days: int
) -> ReminderRun:
    due = await Quote.filter(
        answered_at=None,
        reminders_sent=0,
        sent_at__lte=now - dt.timedelta(days=after_days),
        valid_until__gt=now,
        request__state=RequestState.QUOTED,
    ).values_list("id", flat=True)
    clients = managers = 0
    for quote_id in due:
        quote = await _claim(quote_id, now)
        if quote is None:
            continue
        request = await QuoteRequest.get(id=quote.request_id)  # type: ignore[attr-defined]
        if await _remind_client(sender, quote, request):
            clients += 1
        managers += await _remind_staff(notifier, quote, request)
    return ReminderRun(len(due), clients, managers)


async def _remind_client(sender: QuoteSender, quote: Quote, request: QuoteRequest) -> bool:
    channel = request.channel
    client_id = request.client_id  # type: ignore[attr-defined]
    if channel is None or not await current_consent(client_id, Channel(channel)):
        return False
    identity = await ChannelIdentity.filter(client_id=client_id, channel=channel).first()
    if identity is None:
        return False
    delivered = await sender.send_quote(identity.id, quote.id, CLIENT_REMINDER)
    async with in_transaction() as conn:
        await QuoteReminder.create(
            quote=quote,
            recipient=ReminderRecipient.CLIENT,
            channel=channel,
            delivered=delivered,
            using_db=conn,
        )
        await Interaction.create(
            client_id=client_id,
            identity=identity,
            channel=channel,
            kind=InteractionKind.SYSTEM,
            subject=Subject.QUOTE_REMINDED,
            summary=f"#{quote.id}",
            using_db=conn,
        )
    return delivered


async def _remind_staff(notifier: Notifier, quote: Quote, request: QuoteRequest) -> int:
    client = await Client.get(id=request.client_id)  # type: ignore[attr-defined]
    zone = zone_of(await current_company())
    sent = quote.sent_at or quote.created_at
    reached = 0
    for employee in await request_staff(request):
        delivered = bool(
            await alert_staff(
                notifier,
                [employee],
                MANAGER_REMINDER,
                number=quote.id,
                client=client.name,
                route=lambda: route_summary(request),
                day=lambda: day_text(sent, zone),
            )
        )
        await QuoteReminder.create(
            quote=quote,
            recipient=ReminderRecipient.MANAGER,
            employee=employee,
            delivered=delivered,
        )
        reached += delivered
    return reached


async def expire_quotes(now: dt.datetime) -> int:
    """Requests whose last quote lapsed unanswered move to expired."""
    lapsed = await Quote.filter(
        answered_at=None, valid_until__lte=now, request__state=RequestState.QUOTED
    ).values_list("request_id", flat=True)
    moved = 0
    for request_id in sorted(set(lapsed)):
        try:
            moved += await _expire(request_id, now)
        except InvalidInput:  # moved by a person meanwhile: theirs is the last word
            log.info("Request %s changed while expiring; left as it is", request_id)
    return moved


async def _expire(request_id: int, now: dt.datetime) -> int:
    """Expire one request if its newest quote lapsed, with the request locked meanwhile, so a
    quote sent at the same moment is never expired with it."""
    async with in_transaction() as conn:
        request = (
            await QuoteRequest.filter(id=request_id).using_db(conn).select_for_update().first()
        )
        if request is None or request.state is not RequestState.QUOTED:
            return 0
        newest = await Quote.filter(request_id=request_id).using_db(conn).first()
        if newest is None or newest.answered_at is not None or newest.valid_until > now:
            return 0
        await move(request_id, RequestState.EXPIRED, None, connection=conn, now=now)
        return 1

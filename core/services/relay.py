"""The live relay ("Talk to a manager"): a client and a manager chat through the bot.

A client opens a relay from the menu. It goes to the client's own manager when that person is
active, on duty and has a staff chat; otherwise it is offered to the sales queue (managers and
heads of sales) with a Take button, and the first to take it keeps it (a conditional update).
Each side may be on any messenger: the core only speaks through the `RelayMessenger` port,
which bot/relay_sender.py implements with the right Bot for each person's channel.

Every message both ways is an Interaction linked to the relay, so the dossier keeps the whole
conversation. `waiting_since` is when the client started waiting (the ask, or the oldest
unanswered message); `alert_slow_replies` (a scheduler job) warns the head of sales when it
gets too old.
See docs/relay.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.errors import ConsentRequired, InvalidInput, NotFound
from core.i18n import N_, gettext
from core.models import (
    CannedReply,
    Channel,
    ChannelIdentity,
    Client,
    Employee,
    Interaction,
    InteractionKind,
    QuoteRequest,
    RelaySession,
    RelayState,
    RequestState,
    Role,
    StaffReminder,
    StaffReminderKind,
)
from core.ports import Notifier
from core.services import audit
from core.services.access import Actor, Permission, require
from core.services.consent import current_consent
from core.services.interactions import Subject
from core.services.quote_text import route_summary
from core.services.webhooks import INTERACTION_LOGGED, emit, interaction_data

OPEN_STATES = (RelayState.WAITING, RelayState.ACTIVE)
QUEUE_ROLES = (Role.MANAGER, Role.HEAD_OF_SALES)
OPEN_REQUEST_STATES = (RequestState.NEW, RequestState.QUOTED)
MAX_ID = 2**31 - 1


class Side(StrEnum):
    CLIENT = "client"
    MANAGER = "manager"


# The relay's dossier keys and their labels live with every other subject.
RelaySubject = Subject

CHANNEL_LABELS = {
    Channel.TELEGRAM: N_("Telegram"),
    Channel.VIBER: N_("Viber"),
    Channel.WEBCHAT: N_("web chat"),
}

# What staff read; {header} is "client · channel · open request", rendered in their language.
HEADER = N_("{client} · {channel}")
HEADER_REQUEST = N_("{client} · {channel} · request #{number}: {route}")
WANTS_YOU = N_("{header}\nYour client wants to talk to you. Tap Reply to answer.")
WANTS_MANAGER = N_("{header}\nA client wants to talk to a manager. Take the chat?")
CLIENT_SAID = N_("{header}\n{text}")
CLIENT_ENDED = N_("{header}\nThe client ended the chat.")
SLOW_WITH_MANAGER = N_(
    "{header}\nThe client has waited {minutes} min for an answer from {manager}."
)
SLOW_IN_QUEUE = N_("{header}\nThe client has waited {minutes} min: no manager has taken the chat.")

# What the client reads (in the client's language).
MANAGER_JOINED = N_("{manager} joined the chat.")
MANAGER_ENDED = N_("The manager ended the chat. Thank you! The menu is below.")
NEEDS_CONSENT = N_(
    "To talk with a manager here, please allow messages on this channel in Settings."
)

NOT_YOURS = N_("This chat is not yours, or it has ended.")
TAKEN_BY_OTHER = N_("Another manager has already taken this chat.")
ENDED = N_("This chat has ended.")
CUT_NOTE = N_("(cut here: the whole message is in the dossier)")
NO_SUCH_REPLY = N_("This ready answer is no longer available.")


class StaffButtons(StrEnum):
    NONE = "none"
    TAKE = "take"  # the queue's offer
    CHAT = "chat"  # Reply, Canned replies, End chat


class ClientButtons(StrEnum):
    NONE = "none"
    END = "end"  # End chat
    MENU = "menu"  # the main menu, after the chat ended


class RelayMessenger(Protocol):
    """Reaches the two sides of a relay; bot/relay_sender.py implements it.

    `message` is a gettext message id rendered in `language` (callable parameters too), except
    for `to_client(..., verbatim=True)`, where it is a manager's own words sent as they are.
    Each returns False when the person could not be reached (channel off, blocked, failure);
    nothing is retried beyond the channel's own bounded retries.
    """

    async def to_staff(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        message: str,
        relay_id: int,
        buttons: StaffButtons,
        **params: Any,
    ) -> bool: ...

    async def to_client(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        message: str,
        relay_id: int,
        buttons: ClientButtons,
        *,
        verbatim: bool = False,
        **params: Any,
    ) -> bool: ...


class Delivery(StrEnum):
    SENT = "sent"
    NO_CONSENT = "no_consent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Opened:
    relay: RelaySession
    created: bool
    manager_name: str | None  # None: waiting in the queue


@dataclass(frozen=True, slots=True)
class Taken:
    relay: RelaySession
    client_name: str
    header: Callable[[], str]  # rendered in the reader's locale
    backlog: list[str]  # the client's messages so far, oldest first


@dataclass(frozen=True, slots=True)
class Reply:
    relay: RelaySession
    delivery: Delivery
    client_name: str
    channel: Channel


# Reading


async def open_relay_of(identity_id: int) -> RelaySession | None:
    """The relay a client's chat has open, if any."""
    return (
        await RelaySession.filter(identity_id=identity_id, state__in=OPEN_STATES)
        .order_by("-id")
        .first()
    )


async def relay_of_manager(actor: Actor, relay_id: int) -> RelaySession:
    """An open relay assigned to this staff member; anything else is NotFound (no data)."""
    require(actor, Permission.LOG_INTERACTIONS)
    if not 0 < relay_id <= MAX_ID or actor.employee_id is None:
        raise NotFound(NOT_YOURS)
    relay = await RelaySession.get_or_none(
        id=relay_id, manager_id=actor.employee_id, state=RelayState.ACTIVE
    )
    if relay is None:
        raise NotFound(NOT_YOURS)
    return relay


async def client_name_of(relay: RelaySession) -> str:
    client = await Client.get(id=relay.client_id)  # type: ignore[attr-defined]
    return client.name


def channel_label(channel: Channel) -> str:
    """The channel's name in the active locale."""
    return gettext(CHANNEL_LABELS[Channel(channel)])


async def _header(relay: RelaySession) -> Callable[[], str]:
    """ "Ada · Viber · request #12: Lagos → Kano, 500 kg", rendered in the reader's locale."""
    client = await Client.get(id=relay.client_id)  # type: ignore[attr-defined]
    request = (
        await QuoteRequest.get_or_none(id=relay.request_id)  # type: ignore[attr-defined]
        if relay.request_id  # type: ignore[attr-defined]
        else None
    )
    channel = Channel(relay.channel)

    def render() -> str:
        if request is None:
            return gettext(HEADER, client=client.name, channel=channel_label(channel))
        return gettext(
            HEADER_REQUEST,
            client=client.name,
            channel=channel_label(channel),
            number=request.id,
            route=route_summary(request),
        )

    return render


async def client_language(relay: RelaySession) -> str:
    identity = await ChannelIdentity.get(id=relay.identity_id)  # type: ignore[attr-defined]
    client = await Client.get(id=relay.client_id)  # type: ignore[attr-defined]
    return client.language or identity.language or "en"


async def _may_message(identity: ChannelIdentity) -> bool:
    """The client lets us write on this channel: subscribed, and consent not withdrawn."""
    if not identity.subscribed or identity.chat_id is None or identity.client_id is None:
        return False
    return bool(await current_consent(identity.client_id, Channel(identity.channel)))  # type: ignore[attr-defined]


async def _staff_chats(employees: list[Employee]) -> list[tuple[ChannelIdentity, Employee]]:
    """Every linked, reachable chat of these staff members."""
    if not employees:
        return []
    by_id = {e.id: e for e in employees}
    identities = await ChannelIdentity.filter(
        employee_id__in=list(by_id), chat_id__not_isnull=True, subscribed=True
    ).order_by("id")
    return [(i, by_id[i.employee_id]) for i in identities]  # type: ignore[attr-defined]


async def _tell_staff(
    messenger: RelayMessenger,
    employees: list[Employee],
    relay: RelaySession,
    message: str,
    buttons: StaffButtons,
    **params: Any,
) -> int:
    sent = 0
    for identity, employee in await _staff_chats(employees):
        language = identity.language or employee.language
        if await messenger.to_staff(
            Channel(identity.channel),
            identity.chat_id,  # type: ignore[arg-type]
            language,
            message,
            relay.id,
            buttons,
            **params,
        ):
            sent += 1
    return sent


async def _tell_client(
    messenger: RelayMessenger,
    relay: RelaySession,
    message: str,
    buttons: ClientButtons,
    *,
    verbatim: bool = False,
    **params: Any,
) -> Delivery:
    identity = await ChannelIdentity.get(id=relay.identity_id)  # type: ignore[attr-defined]
    if not await _may_message(identity):
        return Delivery.NO_CONSENT
    delivered = await messenger.to_client(
        Channel(identity.channel),
        identity.chat_id,  # type: ignore[arg-type]
        await client_language(relay),
        message,
        relay.id,
        buttons,
        verbatim=verbatim,
        **params,
    )
    return Delivery.SENT if delivered else Delivery.FAILED


async def _log(
    conn: BaseDBAsyncClient,
    relay: RelaySession,
    subject: str,
    summary: str,
    now: dt.datetime,
    *,
    employee_id: int | None = None,
    kind: InteractionKind = InteractionKind.MESSAGE,
) -> Interaction:
    """One dossier entry of the relay: the client's side carries the identity, the manager's
    side the employee."""
    entry = await Interaction.create(
        client_id=relay.client_id,  # type: ignore[attr-defined]
        identity_id=None if employee_id else relay.identity_id,  # type: ignore[attr-defined]
        employee_id=employee_id,
        channel=Channel(relay.channel),
        kind=kind,
        subject=subject,
        summary=summary[:KEPT_CHARS],
        relay_id=relay.id,
        created_at=now,
        using_db=conn,
    )
    # Like every dossier entry, it is an `interaction.logged` webhook event (same transaction).
    await emit(INTERACTION_LOGGED, interaction_data(entry), connection=conn)
    return entry


# Opening and taking


async def _duty_manager(client: Client) -> Employee | None:
    """The client's own manager, if active, on duty and linked to a staff chat."""
    manager_id = client.manager_id  # type: ignore[attr-defined]
    if manager_id is None:
        return None
    manager = await Employee.get_or_none(id=manager_id, is_active=True, on_duty=True)
    if manager is None or not await _staff_chats([manager]):
        return None
    return manager


async def _queue() -> list[Employee]:
    """Managers and heads of sales on duty; if nobody is, every active one."""
    team = Employee.filter(role__in=QUEUE_ROLES, is_active=True).order_by("id")
    on_duty = await team.filter(on_duty=True)
    return on_duty or await team


async def open_relay(
    messenger: RelayMessenger, identity: ChannelIdentity, *, now: dt.datetime
) -> Opened:
    """A client asks for a manager: reuse their open relay, else route a new one."""
    if identity.client_id is None:  # type: ignore[attr-defined]
        raise NotFound()
    existing = await open_relay_of(identity.id)
    if existing is not None:
        manager = (
            await Employee.get_or_none(id=existing.manager_id)  # type: ignore[attr-defined]
            if existing.manager_id  # type: ignore[attr-defined]
            else None
        )
        return Opened(existing, False, manager.name if manager else None)
    if not await _may_message(identity):
        raise ConsentRequired(NEEDS_CONSENT)
    client = await Client.get(id=identity.client_id)  # type: ignore[attr-defined]
    request = (
        await QuoteRequest.filter(client_id=client.id, state__in=OPEN_REQUEST_STATES)
        .order_by("-created_at", "-id")
        .first()
    )
    manager = await _duty_manager(client)
    try:
        async with in_transaction() as conn:
            relay = await RelaySession.create(
                client=client,
                identity=identity,
                channel=Channel(identity.channel),
                manager=manager,
                request=request,
                state=RelayState.ACTIVE if manager else RelayState.WAITING,
                started_at=now,
                taken_at=now if manager else None,
                # Asking for a person is waiting for one: the response-time clock starts now.
                waiting_since=now,
                using_db=conn,
            )
            await _log(conn, relay, RelaySubject.OPENED, "", now, kind=InteractionKind.SYSTEM)
    except IntegrityError:
        # A double tap raced this one; the unique index let only one chat open.
        existing = await open_relay_of(identity.id)
        if existing is None:
            raise
        return Opened(existing, False, manager.name if manager and existing.manager_id else None)
    header = await _header(relay)
    if manager is not None:
        if await _tell_staff(
            messenger, [manager], relay, WANTS_YOU, StaffButtons.CHAT, header=header
        ):
            return Opened(relay, True, manager.name)
        # Linked, but unreachable right now: the queue takes it instead.
        await RelaySession.filter(id=relay.id, manager_id=manager.id).update(
            manager_id=None, state=RelayState.WAITING, taken_at=None
        )
        await relay.refresh_from_db()
    await _tell_staff(
        messenger, await _queue(), relay, WANTS_MANAGER, StaffButtons.TAKE, header=header
    )
    return Opened(relay, True, None)


async def take_relay(
    messenger: RelayMessenger, actor: Actor, relay_id: int, *, now: dt.datetime
) -> Taken:
    """Take a relay from the queue: the first tap wins, the others are told politely."""
    require(actor, Permission.LOG_INTERACTIONS)
    if actor.role not in QUEUE_ROLES or not 0 < relay_id <= MAX_ID:
        raise NotFound(NOT_YOURS)
    async with in_transaction() as conn:
        claimed = (
            await RelaySession.filter(id=relay_id, manager_id=None, state=RelayState.WAITING)
            .using_db(conn)
            .update(manager_id=actor.employee_id, state=RelayState.ACTIVE, taken_at=now)
        )
        relay = await RelaySession.get_or_none(id=relay_id).using_db(conn)
        if relay is None:
            raise NotFound(NOT_YOURS)
        if not claimed:
            if relay.manager_id == actor.employee_id and relay.state is RelayState.ACTIVE:  # type: ignore[attr-defined]
                pass  # a second tap of the same person: theirs already
            elif relay.taken_at == relay.started_at:
                # Routed straight to the client's manager, never offered to the queue: to
                # anyone else it reads like no chat at all.
                raise NotFound(NOT_YOURS)
            elif relay.state is RelayState.CLOSED:
                raise InvalidInput("relay", ENDED)
            else:
                raise InvalidInput("relay", TAKEN_BY_OTHER)
        else:
            waited = int((now - relay.started_at).total_seconds())
            await audit.record(
                actor,
                "relay.taken",
                "relay_session",
                relay.id,
                {"seconds_to_take": max(waited, 0)},
                connection=conn,
            )
    # The latest few messages, each cut to fit: the rest is in the dossier.
    latest = (
        await Interaction.filter(relay_id=relay.id, subject=RelaySubject.CLIENT_MESSAGE)
        .order_by("-created_at", "-id")
        .limit(BACKLOG_SHOWN)
    )
    backlog = [shown(entry.summary)[: SHOWN_CHARS // BACKLOG_SHOWN] for entry in reversed(latest)]
    if claimed:
        await _tell_client(messenger, relay, MANAGER_JOINED, ClientButtons.END, manager=actor.name)
    return Taken(relay, await client_name_of(relay), await _header(relay), backlog)


# Messages


async def client_message(
    messenger: RelayMessenger, relay: RelaySession, text: str, *, now: dt.datetime
) -> int:
    """A client's message: kept, and forwarded to the manager with the header.

    While the relay waits in the queue it is only kept; whoever takes it sees it then.
    Returns how many staff chats got it.
    """
    async with in_transaction() as conn:
        await _log(conn, relay, RelaySubject.CLIENT_MESSAGE, text, now)
        await (
            RelaySession.filter(id=relay.id, waiting_since__isnull=True)
            .using_db(conn)
            .update(waiting_since=now)
        )
    manager_id = relay.manager_id  # type: ignore[attr-defined]
    if manager_id is None:
        return 0
    manager = await Employee.get_or_none(id=manager_id)
    if manager is None:
        return 0
    return await _tell_staff(
        messenger,
        [manager],
        relay,
        CLIENT_SAID,
        StaffButtons.CHAT,
        header=await _header(relay),
        # Rendered in the manager's language (the note on a cut message is translated).
        text=lambda: shown(text),
    )


# What one chat message can carry (Telegram's limit is 4 096, less the header); the whole
# text is kept in the dossier either way.
SHOWN_CHARS = 3500
BACKLOG_SHOWN = 5
KEPT_CHARS = 10000


def shown(text: str) -> str:
    """A long message cut to fit one chat message, saying where the rest is."""
    if len(text) <= SHOWN_CHARS:
        return text
    return text[:SHOWN_CHARS] + " …\n" + gettext(CUT_NOTE)


async def manager_reply(
    messenger: RelayMessenger,
    actor: Actor,
    relay_id: int,
    text: str,
    *,
    now: dt.datetime,
) -> Reply:
    """A manager's words to the client, on the client's channel, sent once.

    Without consent nothing is sent; a refused or failed send is not retried. Either way the
    message is kept in the dossier (marked as not delivered) and the caller tells the manager.
    """
    relay = await relay_of_manager(actor, relay_id)
    delivery = await _tell_client(messenger, relay, text, ClientButtons.END, verbatim=True)
    subject = (
        RelaySubject.MANAGER_REPLY
        if delivery is Delivery.SENT
        else RelaySubject.REPLY_NOT_DELIVERED
    )
    async with in_transaction() as conn:
        await _log(conn, relay, subject, text, now, employee_id=actor.employee_id)
        # The manager answered: the client no longer waits (the time to answer is kept once).
        await (
            RelaySession.filter(id=relay.id, first_reply_at__isnull=True)
            .using_db(conn)
            .update(first_reply_at=now)
        )
        await RelaySession.filter(id=relay.id).using_db(conn).update(waiting_since=None)
    return Reply(relay, delivery, await client_name_of(relay), Channel(relay.channel))


async def canned_replies(actor: Actor, relay_id: int) -> list[CannedReply]:
    """The company's ready answers in the client's language."""
    relay = await relay_of_manager(actor, relay_id)
    return await CannedReply.filter(is_active=True, language=await client_language(relay))


async def send_canned(
    messenger: RelayMessenger, actor: Actor, relay_id: int, reply_id: int, *, now: dt.datetime
) -> Reply:
    relay = await relay_of_manager(actor, relay_id)
    canned = (
        await CannedReply.get_or_none(
            id=reply_id, is_active=True, language=await client_language(relay)
        )
        if 0 < reply_id <= MAX_ID
        else None
    )
    if canned is None:
        raise InvalidInput("reply", NO_SUCH_REPLY)
    return await manager_reply(messenger, actor, relay.id, canned.text, now=now)


# Ending


async def close_relay(
    messenger: RelayMessenger,
    relay_id: int,
    *,
    by: Side,
    now: dt.datetime,
    actor: Actor | None = None,
    identity: ChannelIdentity | None = None,
) -> RelaySession:
    """Either side ends the relay; the other side is told. A second end changes nothing."""
    if by is Side.MANAGER:
        if actor is None:
            raise NotFound(NOT_YOURS)
        relay = await relay_of_manager(actor, relay_id)
    else:
        if identity is None or not 0 < relay_id <= MAX_ID:
            raise NotFound()
        relay = await RelaySession.get_or_none(
            id=relay_id, identity_id=identity.id, state__in=OPEN_STATES
        )
        if relay is None:
            raise NotFound(ENDED)
    async with in_transaction() as conn:
        closed = (
            await RelaySession.filter(id=relay.id, state__in=OPEN_STATES)
            .using_db(conn)
            .update(
                state=RelayState.CLOSED,
                closed_at=now,
                closed_by=by.value,
                waiting_since=None,
            )
        )
        if not closed:
            raise NotFound(ENDED)
        await _log(
            conn,
            relay,
            RelaySubject.CLOSED,
            by.value,
            now,
            employee_id=actor.employee_id if actor and by is Side.MANAGER else None,
            kind=InteractionKind.SYSTEM,
        )
        if by is Side.MANAGER:
            await audit.record(actor, "relay.closed", "relay_session", relay.id, connection=conn)
    if by is Side.MANAGER:
        await _tell_client(messenger, relay, MANAGER_ENDED, ClientButtons.MENU)
    else:
        manager_id = relay.manager_id  # type: ignore[attr-defined]
        manager = await Employee.get_or_none(id=manager_id) if manager_id else None
        if manager is not None:
            await _tell_staff(
                messenger,
                [manager],
                relay,
                CLIENT_ENDED,
                StaffButtons.NONE,
                header=await _header(relay),
            )
    await relay.refresh_from_db()
    return relay


# The response-time alert


async def _watchers(relay: RelaySession) -> list[Employee]:
    """Who hears of a slow answer: the manager's head of sales, else every head of sales, else
    the directors."""
    manager_id = relay.manager_id  # type: ignore[attr-defined]
    manager = await Employee.get_or_none(id=manager_id) if manager_id else None
    head_id = manager.head_id if manager else None  # type: ignore[attr-defined]
    if head_id is not None:
        head = await Employee.get_or_none(id=head_id, is_active=True)
        if head is not None:
            return [head]
    heads = await Employee.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("id")
    if heads:
        return heads
    return await Employee.filter(role=Role.DIRECTOR, is_active=True).order_by("id")


async def alert_slow_replies(notifier: Notifier, now: dt.datetime, limit: dt.timedelta) -> int:
    """Warn management about clients waiting longer than `limit` for an answer.

    Once per waiting spell: `alerted_at` is set when the alert goes, and a new spell (a later
    `waiting_since`) may alert again. The claim is a conditional update, so two runs at once
    alert once. Returns how many relays were alerted about.
    """
    cutoff = now - limit
    due = await RelaySession.filter(
        Q(alerted_at__isnull=True) | Q(alerted_at__lt=cutoff),
        state__in=OPEN_STATES,
        waiting_since__lte=cutoff,
    ).order_by("waiting_since", "id")
    alerted = 0
    for relay in due:
        waiting_since = relay.waiting_since
        if waiting_since is None or (
            relay.alerted_at is not None and relay.alerted_at >= waiting_since
        ):
            continue
        watchers = await _watchers(relay)
        if not watchers:
            continue
        async with in_transaction() as conn:
            claim = RelaySession.filter(id=relay.id, waiting_since=waiting_since)
            claim = (
                claim.filter(alerted_at__isnull=True)
                if relay.alerted_at is None
                else claim.filter(alerted_at=relay.alerted_at)
            )
            if not await claim.using_db(conn).update(alerted_at=now):
                continue
            for employee in watchers:
                await StaffReminder.create(
                    employee=employee,
                    kind=StaffReminderKind.SLOW_REPLY,
                    relay=relay,
                    sent_at=now,
                    using_db=conn,
                )
        alerted += 1
        await _alert(notifier, relay, watchers, int((now - waiting_since).total_seconds() // 60))
    return alerted


async def _alert(
    notifier: Notifier, relay: RelaySession, watchers: list[Employee], minutes: int
) -> None:
    header = await _header(relay)
    manager_id = relay.manager_id  # type: ignore[attr-defined]
    manager = await Employee.get_or_none(id=manager_id) if manager_id else None
    params: dict[str, Any] = {"header": header, "minutes": minutes}
    if manager is not None:
        message = SLOW_WITH_MANAGER
        params["manager"] = manager.name
    else:
        message = SLOW_IN_QUEUE
    for identity, employee in await _staff_chats(watchers):
        await notifier.notify(
            Channel(identity.channel),
            identity.chat_id,  # type: ignore[arg-type]
            identity.language or employee.language,
            message,
            **params,
        )

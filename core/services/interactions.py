"""Writing to the client's dossier. Called inside the caller's transaction."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.i18n import N_, gettext
from core.models import Channel, ChannelIdentity, Interaction, InteractionKind
from core.services.webhooks import INTERACTION_LOGGED, emit, has_subscribers, interaction_data

MAX_SUMMARY = 2000


class Subject:
    """Stable keys for interaction subjects; the panel shows them translated."""

    STARTED = "conversation.started"
    LANGUAGE = "settings.language"
    PHONE_SHARED = "onboarding.phone"
    CLIENT_CREATED = "onboarding.client_created"
    CLIENT_MATCHED = "onboarding.client_matched"
    CONSENT_GRANTED = "consent.granted"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    MENU = "menu.opened"
    # Free text from a client that no flow took up (the bot answered with the menu).
    CLIENT_WROTE = "message.client_wrote"
    STAFF_LINKED = "staff.linked"
    CLIENT_MERGED = "client.merged"
    QUOTE_REQUESTED = "quote.requested"
    QUOTE_SENT = "quote.sent"
    QUOTE_ACCEPTED = "quote.accepted"
    QUOTE_DECLINED = "quote.declined"
    QUOTE_MANAGER_ASKED = "quote.manager_asked"
    QUOTE_REMINDED = "quote.reminded"
    # A live chat between a client and a manager (core/services/relay.py).
    OPENED = "relay.opened"
    CLIENT_MESSAGE = "relay.client_message"
    MANAGER_REPLY = "relay.manager_reply"
    # A manager's message kept but not delivered (no consent, blocked bot, channel failure).
    REPLY_NOT_DELIVERED = "relay.reply_not_delivered"
    CLOSED = "relay.closed"
    # The built-in subjects a manager logs by hand (core/services/contact_subjects.py).
    FOLLOW_UP = "contact.quote_follow_up"
    NEW_OFFER = "contact.new_offer"
    COMPLAINT = "contact.complaint"
    PAYMENT = "contact.payment"
    OTHER = "contact.other"


SUBJECT_LABELS = {
    Subject.STARTED: N_("Started a conversation"),
    Subject.LANGUAGE: N_("Chose a language"),
    Subject.PHONE_SHARED: N_("Shared a phone number"),
    Subject.CLIENT_CREATED: N_("Registered as a new client"),
    Subject.CLIENT_MATCHED: N_("Matched to an existing client"),
    Subject.CONSENT_GRANTED: N_("Agreed to receive messages"),
    Subject.CONSENT_WITHDRAWN: N_("Withdrew consent to messages"),
    Subject.MENU: N_("Opened a menu item"),
    Subject.CLIENT_WROTE: N_("Wrote a message"),
    Subject.STAFF_LINKED: N_("Linked a staff account"),
    Subject.CLIENT_MERGED: N_("Merged with a duplicate client"),
    Subject.QUOTE_REQUESTED: N_("Requested a quote"),
    Subject.QUOTE_SENT: N_("Quote sent"),
    Subject.QUOTE_ACCEPTED: N_("Accepted a quote: order placed"),
    Subject.QUOTE_DECLINED: N_("Declined a quote"),
    Subject.QUOTE_MANAGER_ASKED: N_("Asked for a manager about a quote"),
    Subject.QUOTE_REMINDED: N_("Reminded about an open quote"),
    Subject.OPENED: N_("Asked to talk to a manager"),
    Subject.CLIENT_MESSAGE: N_("Message in a live chat"),
    Subject.MANAGER_REPLY: N_("Manager's reply in a live chat"),
    Subject.REPLY_NOT_DELIVERED: N_("Manager's reply, not delivered"),
    Subject.CLOSED: N_("Live chat ended"),
    Subject.FOLLOW_UP: N_("Quote follow-up"),
    Subject.NEW_OFFER: N_("New service offer"),
    Subject.COMPLAINT: N_("Complaint"),
    Subject.PAYMENT: N_("Payment"),
    Subject.OTHER: N_("Other"),
}


# How each kind of contact reads, wherever a dossier is shown.
KIND_LABELS: dict[str, str] = {
    InteractionKind.MESSAGE.value: N_("Message"),
    InteractionKind.CALL.value: N_("Call"),
    InteractionKind.MEETING.value: N_("Meeting"),
    InteractionKind.EMAIL.value: N_("Email"),
    InteractionKind.SYSTEM.value: N_("System"),
}

# The subjects a manager picks from when logging a contact, in the order offered.
LOGGABLE_SUBJECTS = (
    Subject.FOLLOW_UP,
    Subject.NEW_OFFER,
    Subject.COMPLAINT,
    Subject.PAYMENT,
    Subject.OTHER,
)


def subject_label(subject: str) -> str:
    """The subject as a reader of the dossier sees it, in their language."""
    label = SUBJECT_LABELS.get(subject)
    return gettext(label) if label else subject


async def log_interaction(
    identity: ChannelIdentity,
    subject: str,
    summary: str = "",
    *,
    kind: InteractionKind = InteractionKind.MESSAGE,
    connection: BaseDBAsyncClient | None = None,
) -> Interaction:
    """Append one dossier entry for what happened on `identity`'s channel.

    Entries made before the person is known as a client are attached to the client when the
    phone number links them (see onboarding.register_phone), so the dossier starts at /start.
    The `interaction.logged` webhook event is queued with the entry, in the same transaction.
    """
    if connection is None and await has_subscribers(INTERACTION_LOGGED):
        async with in_transaction() as conn:
            return await log_interaction(identity, subject, summary, kind=kind, connection=conn)
    entry = await Interaction.create(
        client_id=identity.client_id,
        identity=identity,
        channel=Channel(identity.channel),
        kind=kind,
        subject=subject,
        summary=summary[:MAX_SUMMARY],
        using_db=connection,
    )
    await emit(INTERACTION_LOGGED, interaction_data(entry), connection=connection)
    return entry

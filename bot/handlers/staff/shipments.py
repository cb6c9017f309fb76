"""Shipments in the staff bot: dispatchers and managers move them, carriers report on theirs.

"Shipments" lists the open ones the person may see (a carrier's people: only those their
company carries); a card offers the moves that may follow, an event with place and note, a
photo or document, and (for those who manage shipments) a carrier for each leg. An
out-of-order move is refused with the service's reason; whoever manages shipments may push
it through with a reason. On "Delivered" the bot asks who received the cargo and for a photo
of the signed delivery note; skipping leaves the shipment flagged as missing proof.
"""

from __future__ import annotations

import re

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from pydantic import ValidationError

from bot.filters.audience import IsStaff
from bot.keyboards.callbacks import ShipAction, ShipCb
from bot.keyboards.shipments import (
    back_keyboard,
    card_text,
    carriers_keyboard,
    following_statuses,
    legs_keyboard,
    public_base,
    push_keyboard,
    routes_of,
    skip_keyboard,
    staff_card_keyboard,
    staff_list_keyboard,
    status_label,
    statuses_keyboard,
    tracking_link,
)
from bot.keyboards.staff import staff_menu
from bot.media_download import download, receives_files
from bot.replies import say
from bot.states import StaffShipments
from core.config import Settings
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.i18n import N_, _
from core.models import Channel, DocumentKind, EventSource, Role, ShipmentStatus
from core.ports import Clock
from core.services.access import Actor, Permission
from core.services.company import current_company, zone_of
from core.services.contacts import MAX_ID
from core.services.media import MediaStore
from core.services.shipments import (
    EventInput,
    assign_carrier,
    attach_document,
    carriers_for_leg,
    documents_of,
    open_shipments,
    record_event,
    shipment_by_number,
    shipment_view,
)

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())

SHOWN = 10
MAX_LEGS = 50
PROOF = "proof"
NOT_COMMAND = ~F.text.startswith("/")
# A stale or forged button for a shipment out of the person's reach: no data, no hint.
NOT_YOURS = N_("Sorry, this shipment is not among yours.")
STALE = N_("This button is no longer available.")
NO_FILES_HERE = N_(
    "Photos cannot be sent from the web chat. Please send them from Telegram or Viber."
)
ASK_PROOF = N_(
    "Now send a photo of the signed delivery note. Without it the delivery stays flagged "
    "as missing proof."
)
Event = Message | CallbackQuery
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _max_bytes(settings: Settings) -> int:
    return settings.media_max_mb * 1024 * 1024


async def _card(
    bot: Bot,
    event: Event,
    actor: Actor,
    number: str,
    settings: Settings,
    clock: Clock,
    heading: str = "",
) -> None:
    """The shipment's card with the actions the person's role allows."""
    try:
        shipment = await shipment_by_number(actor, number)
    except (NotFound, PermissionDenied):
        await say(bot, event, _(NOT_YOURS), reply_markup=staff_menu(actor))
        return
    view = await shipment_view(shipment, actor)
    documents = await documents_of(shipment, actor)
    zone = zone_of(await current_company())
    link = None
    if actor.role is not Role.CARRIER:
        link = tracking_link(public_base(settings), shipment, clock.now())
    text = card_text(view, documents, actor, zone, link)
    if heading:
        text = f"{heading}\n\n{text}"
    await say(bot, event, text, reply_markup=staff_card_keyboard(actor, shipment))


# -- The list and the card ---------------------------------------------------------------


@router.callback_query(ShipCb.filter(F.action == ShipAction.LIST))
async def on_list(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    if not actor.can(Permission.VIEW_SHIPMENTS):
        text = _("Shipments are not part of your role.")
        await say(bot, callback, text, reply_markup=staff_menu(actor))
        return
    shipments = list(await open_shipments(actor).limit(SHOWN).prefetch_related("legs"))
    await state.set_state(StaffShipments.find)
    text = (
        _("Open shipments. Pick one, or type a shipment number:")
        if shipments
        else _("No open shipments. Type a shipment number to find one:")
    )
    items = zip(shipments, routes_of(shipments), strict=True)
    await say(bot, callback, text, reply_markup=staff_list_keyboard(actor, items))


@router.message(StaffShipments.find, F.text, NOT_COMMAND)
async def on_find(
    message: Message,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    await state.clear()
    await _card(bot, message, actor, message.text or "", settings, clock)


@router.callback_query(ShipCb.filter(F.action == ShipAction.OPEN))
async def on_open(
    callback: CallbackQuery,
    callback_data: ShipCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    await state.clear()
    await _card(bot, callback, actor, callback_data.number, settings, clock)


# -- Moving a shipment -------------------------------------------------------------------


@router.callback_query(ShipCb.filter(F.action.in_({ShipAction.MOVE, ShipAction.EVENT})))
async def on_pick_status(
    callback: CallbackQuery, callback_data: ShipCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    await state.clear()
    try:
        if not actor.can(Permission.REPORT_SHIPMENT_EVENTS):
            raise PermissionDenied()
        shipment = await shipment_by_number(actor, callback_data.number)
    except (NotFound, PermissionDenied):
        await say(bot, callback, _(NOT_YOURS), reply_markup=staff_menu(actor))
        return
    view = await shipment_view(shipment)
    then = ShipAction.STATUS if callback_data.action is ShipAction.MOVE else ShipAction.DETAILS
    keyboard = statuses_keyboard(shipment.number, following_statuses(view), then)
    text = _(
        "Shipment {number} is “{status}”. What is its new status?",
        number=shipment.number,
        status=status_label(shipment.status),
    )
    await say(bot, callback, text, reply_markup=keyboard)


def _status_of(value: str) -> ShipmentStatus | None:
    try:
        return ShipmentStatus(value)
    except ValueError:
        return None


async def _record(
    bot: Bot,
    event: Event,
    state: FSMContext,
    actor: Actor,
    number: str,
    settings: Settings,
    clock: Clock,
    status: ShipmentStatus,
    *,
    place: str = "",
    note: str = "",
    override: bool = False,
) -> None:
    """Record one move and show where it left the shipment."""
    await state.clear()
    source = EventSource.CARRIER if actor.role is Role.CARRIER else EventSource.STAFF
    try:
        data = EventInput(status=status, place=place, note=note, override=override)
        recorded = await record_event(actor, number, data, clock.now(), source=source)
    except ValidationError:
        text = _("Please keep the place to one line of at most 200 characters.")
        await say(bot, event, text, reply_markup=back_keyboard(number))
        return
    except InvalidInput as error:
        keyboard = back_keyboard(number)
        if error.field == "status" and not override and actor.can(Permission.MANAGE_SHIPMENTS):
            keyboard = push_keyboard(number, status)
        await say(bot, event, _(error.msgid, **error.params), reply_markup=keyboard)
        return
    except (NotFound, PermissionDenied):
        await say(bot, event, _(NOT_YOURS), reply_markup=staff_menu(actor))
        return
    done = _("Recorded: {status}.", status=status_label(status))
    if status is ShipmentStatus.DELIVERED:
        await _ask_recipient(bot, event, state, number, recorded.event.id, done)
        return
    await _card(bot, event, actor, number, settings, clock, heading=done)


@router.callback_query(ShipCb.filter(F.action == ShipAction.STATUS))
async def on_status(
    callback: CallbackQuery,
    callback_data: ShipCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    status = _status_of(callback_data.value)
    if status is None:
        await say(bot, callback, _(STALE), reply_markup=staff_menu(actor))
        return
    await _record(bot, callback, state, actor, callback_data.number, settings, clock, status)


@router.callback_query(ShipCb.filter(F.action == ShipAction.DETAILS))
async def on_details(
    callback: CallbackQuery, callback_data: ShipCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    status = _status_of(callback_data.value)
    if status is None:
        await say(bot, callback, _(STALE), reply_markup=staff_menu(actor))
        return
    await state.set_state(StaffShipments.details)
    await state.update_data(number=callback_data.number, status=status.value)
    text = _(
        "Where is it, and what happened? Type the place and a note separated by a semicolon, "
        "e.g. “Ibadan terminal; loaded on the train”. Or press Skip."
    )
    await say(bot, callback, text, reply_markup=skip_keyboard(callback_data.number))


def _place_and_note(typed: str) -> tuple[str, str]:
    """ "place; note" as people type it: the place is one line, the note may be anything."""
    place, _sep, note = typed.partition(";")
    place = _CONTROL.sub(" ", " ".join(place.split()))
    return place.strip(), _CONTROL.sub(" ", note).strip()


@router.message(StaffShipments.details, F.text, NOT_COMMAND)
async def on_details_typed(
    message: Message,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    data = await state.get_data()
    status = _status_of(data.get("status", ""))
    number = str(data.get("number", ""))
    if status is None:
        await state.clear()
        await say(bot, message, _(STALE), reply_markup=staff_menu(actor))
        return
    place, note = _place_and_note(message.text or "")
    await _record(
        bot, message, state, actor, number, settings, clock, status, place=place, note=note[:2000]
    )


@router.callback_query(ShipCb.filter(F.action == ShipAction.PUSH))
async def on_push(
    callback: CallbackQuery, callback_data: ShipCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    status = _status_of(callback_data.value)
    if status is None or not actor.can(Permission.MANAGE_SHIPMENTS):
        await state.clear()
        await say(bot, callback, _(STALE), reply_markup=staff_menu(actor))
        return
    await state.set_state(StaffShipments.reason)
    await state.update_data(number=callback_data.number, status=status.value)
    text = _("Why is it pushed through? Type the reason; it is kept with the event.")
    await say(bot, callback, text, reply_markup=back_keyboard(callback_data.number))


@router.message(StaffShipments.reason, F.text, NOT_COMMAND)
async def on_reason(
    message: Message,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    data = await state.get_data()
    status = _status_of(data.get("status", ""))
    number = str(data.get("number", ""))
    if status is None:
        await state.clear()
        await say(bot, message, _(STALE), reply_markup=staff_menu(actor))
        return
    reason = _CONTROL.sub(" ", message.text or "").strip()[:2000]
    await _record(
        bot, message, state, actor, number, settings, clock, status, note=reason, override=True
    )


# -- Proof of delivery, photos and documents --------------------------------------------


async def _ask_recipient(
    bot: Bot, event: Event, state: FSMContext, number: str, event_id: int | None, heading: str
) -> None:
    await state.set_state(StaffShipments.recipient)
    await state.update_data(number=number, event=event_id, recipient="")
    text = _("Who received the cargo? Type their name, or press Skip.")
    if heading:
        text = f"{heading}\n{text}"
    await say(bot, event, text, reply_markup=skip_keyboard(number))


async def _ask_proof(
    bot: Bot, event: Event, state: FSMContext, number: str, channel: Channel
) -> None:
    await state.set_state(StaffShipments.proof)
    text = _(ASK_PROOF)
    if not receives_files(channel):
        text += "\n" + _(NO_FILES_HERE)
    await say(bot, event, text, reply_markup=skip_keyboard(number))


@router.message(StaffShipments.recipient, F.text, NOT_COMMAND)
async def on_recipient(message: Message, bot: Bot, state: FSMContext, channel: Channel) -> None:
    name = " ".join(_CONTROL.sub(" ", message.text or "").split())[:200]
    await state.update_data(recipient=name)
    number = str((await state.get_data()).get("number", ""))
    await _ask_proof(bot, message, state, number, channel)


@router.callback_query(ShipCb.filter(F.action == ShipAction.SKIP))
async def on_skip(
    callback: CallbackQuery,
    callback_data: ShipCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    channel: Channel,
    settings: Settings,
    clock: Clock,
) -> None:
    """Skip the optional step the person is on: an event's details, the recipient, the proof."""
    current = await state.get_state()
    data = await state.get_data()
    number = str(data.get("number", callback_data.number))
    if current == StaffShipments.details.state:
        status = _status_of(data.get("status", ""))
        if status is not None:
            await _record(bot, callback, state, actor, number, settings, clock, status)
            return
    elif current == StaffShipments.recipient.state:
        await _ask_proof(bot, callback, state, number, channel)
        return
    elif current == StaffShipments.proof.state:
        await state.clear()
        text = _("Delivered without proof: the shipment stays flagged until a photo is added.")
        await _card(bot, callback, actor, number, settings, clock, heading=text)
        return
    await state.clear()
    await _card(bot, callback, actor, callback_data.number, settings, clock)


@router.callback_query(ShipCb.filter(F.action == ShipAction.ATTACH))
async def on_attach(
    callback: CallbackQuery,
    callback_data: ShipCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    channel: Channel,
) -> None:
    await state.clear()
    try:
        if not actor.can(Permission.REPORT_SHIPMENT_EVENTS):
            raise PermissionDenied()
        shipment = await shipment_by_number(actor, callback_data.number)
    except (NotFound, PermissionDenied):
        await say(bot, callback, _(NOT_YOURS), reply_markup=staff_menu(actor))
        return
    if callback_data.value == PROOF:
        await _ask_recipient(bot, callback, state, shipment.number, None, "")
        return
    if not receives_files(channel):
        await say(bot, callback, _(NO_FILES_HERE), reply_markup=back_keyboard(shipment.number))
        return
    await state.set_state(StaffShipments.attach)
    await state.update_data(number=shipment.number)
    text = _("Send the photo, or a document as a file (PDF or picture).")
    await say(bot, callback, text, reply_markup=back_keyboard(shipment.number))


async def _keep(
    bot: Bot,
    message: Message,
    state: FSMContext,
    actor: Actor,
    channel: Channel,
    media: MediaStore,
    settings: Settings,
    clock: Clock,
    *,
    proof: bool,
) -> None:
    """Download what the person sent and keep it with the shipment; refuse what is not kept."""
    data = await state.get_data()
    number = str(data.get("number", ""))
    max_bytes = _max_bytes(settings)
    ask_again = skip_keyboard(number) if proof else back_keyboard(number)
    try:
        received = await download(bot, message, channel, max_bytes)
        if received is None:
            if not receives_files(channel):
                text = _(NO_FILES_HERE)
            else:
                text = _("Please send a photo.") if proof else _("Please send a photo or a PDF.")
            await say(bot, message, text, reply_markup=ask_again)
            return
        if proof:
            kind = DocumentKind.PROOF
        else:
            kind = DocumentKind.PHOTO if received.is_photo else DocumentKind.DOCUMENT
        recipient = str(data.get("recipient") or "") or received.caption[:200]
        event_id = data.get("event")
        await attach_document(
            actor,
            number,
            received.data,
            media,
            max_bytes,
            kind=kind,
            name=received.name,
            recipient_name=recipient if proof else "",
            event_id=event_id if isinstance(event_id, int) else None,
        )
    except InvalidInput as error:
        # Nothing was stored: say why, and wait for another file.
        await say(bot, message, _(error.msgid, **error.params), reply_markup=ask_again)
        return
    except (NotFound, PermissionDenied):
        await state.clear()
        await say(bot, message, _(NOT_YOURS), reply_markup=staff_menu(actor))
        return
    await state.clear()
    heading = _("Thank you, the proof of delivery is kept.") if proof else _("Attached.")
    await _card(bot, message, actor, number, settings, clock, heading=heading)


@router.message(StaffShipments.attach, NOT_COMMAND)
async def on_attachment(
    message: Message,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    channel: Channel,
    media: MediaStore,
    settings: Settings,
    clock: Clock,
) -> None:
    await _keep(bot, message, state, actor, channel, media, settings, clock, proof=False)


@router.message(StaffShipments.proof, NOT_COMMAND)
async def on_proof(
    message: Message,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    channel: Channel,
    media: MediaStore,
    settings: Settings,
    clock: Clock,
) -> None:
    await _keep(bot, message, state, actor, channel, media, settings, clock, proof=True)


# -- Carriers on legs --------------------------------------------------------------------


def _leg_and_carrier(value: str) -> tuple[int | None, int | None] | None:
    """ "" (pick a leg), "<leg>" (its carriers) or "<leg>.<carrier>"; None when forged."""
    if not value:
        return None, None
    leg, _sep, carrier = value.partition(".")
    if not leg.isdigit() or int(leg) > MAX_LEGS:
        return None
    if not carrier:
        return int(leg), None
    if not carrier.isdigit() or not 0 < int(carrier) <= MAX_ID:
        return None
    return int(leg), int(carrier)


@router.callback_query(ShipCb.filter(F.action == ShipAction.CARRIER))
async def on_carrier(
    callback: CallbackQuery,
    callback_data: ShipCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    await state.clear()
    parsed = _leg_and_carrier(callback_data.value)
    try:
        if parsed is None or not actor.can(Permission.MANAGE_SHIPMENTS):
            raise NotFound()
        shipment = await shipment_by_number(actor, callback_data.number)
    except (NotFound, PermissionDenied):
        await say(bot, callback, _(NOT_YOURS), reply_markup=staff_menu(actor))
        return
    number = shipment.number
    position, carrier_id = parsed
    if carrier_id is not None and position is not None:
        try:
            leg = await assign_carrier(actor, number, position, carrier_id)
        except InvalidInput as error:
            await say(
                bot, callback, _(error.msgid, **error.params), reply_markup=back_keyboard(number)
            )
            return
        except (NotFound, PermissionDenied):
            await say(bot, callback, _(NOT_YOURS), reply_markup=back_keyboard(number))
            return
        done = _("Leg {n} has a new carrier.", n=leg.position + 1)
        await _card(bot, callback, actor, number, settings, clock, heading=done)
        return
    view = await shipment_view(shipment)
    if position is None and len(view.legs) != 1:
        if not view.legs:
            await say(
                bot, callback, _("This shipment has no legs."), reply_markup=back_keyboard(number)
            )
            return
        await say(bot, callback, _("Which leg?"), reply_markup=legs_keyboard(view))
        return
    position = position or 0
    if position >= len(view.legs):
        await say(bot, callback, _(STALE), reply_markup=back_keyboard(number))
        return
    carriers = await carriers_for_leg(view.legs[position])
    if not carriers:
        text = _("No carrier serves this leg's lane yet. Add one to the lane in the web panel.")
        await say(bot, callback, text, reply_markup=back_keyboard(number))
        return
    text = _("Who carries leg {n}?", n=position + 1)
    await say(bot, callback, text, reply_markup=carriers_keyboard(number, position, carriers))

"""How a shipment reads in the bot: its card, the lists, and the buttons under them.

Everything is rendered in the reader's language and the company's time zone. Nothing here
shows a price; a carrier's people see carriers' names only on their own legs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.callbacks import (
    MenuCb,
    MenuItem,
    ShipAction,
    ShipCb,
    StaffCb,
    StaffItem,
    TrackCb,
)
from core.config import Settings
from core.i18n import _, format_datetime, gettext, ngettext
from core.models import (
    Carrier,
    DocumentKind,
    Role,
    Shipment,
    ShipmentDocument,
    ShipmentEvent,
    ShipmentStatus,
)
from core.services.access import Actor, ActorKind, Permission
from core.services.quote_text import MODE_LABELS
from core.services.shipment_status import EXCEPTIONS, FINAL, PROGRESS, STATUS_LABELS
from core.services.shipments import ShipmentView

S = ShipmentStatus
# Exceptions in the order a person thinks of them, after the normal path.
EXCEPTION_ORDER = tuple(s for s in (S.DELAYED, S.DAMAGED, S.LOST, S.RETURNED) if s in EXCEPTIONS)
STAFF_EVENTS_SHOWN = 5
BUTTON_TEXT = 60


def status_label(status: str) -> str:
    return gettext(STATUS_LABELS[ShipmentStatus(status)])


def public_base(settings: Settings) -> str:
    """Where people reach Ona from outside: PUBLIC_URL, else this process's own address."""
    return settings.public_url or f"http://{settings.host}:{settings.port}"


def tracking_link(base_url: str, shipment: Shipment, now: dt.datetime) -> str | None:
    """The public page, while it works (it expires some time after delivery)."""
    expires = shipment.tracking_expires_at
    if expires is not None and expires <= now:
        return None
    return f"{base_url.rstrip('/')}/t/{shipment.tracking_token}"


def routes_of(shipments: Iterable[Shipment]) -> list[str]:
    """ "From → to" of shipments read with their legs prefetched."""
    routes = []
    for shipment in shipments:
        legs = sorted(shipment.legs, key=lambda leg: leg.position)  # type: ignore[attr-defined]
        routes.append(f"{legs[0].origin} → {legs[-1].destination}" if legs else "")
    return routes


def _leg_line(view: ShipmentView, index: int, actor: Actor) -> str:
    leg = view.legs[index]
    parts = [f"{index + 1}. {gettext(MODE_LABELS.get(leg.mode, leg.mode))}"]
    parts.append(f"{leg.origin} → {leg.destination}")
    carrier_id = leg.carrier_id  # type: ignore[attr-defined]
    own_only = actor.role is Role.CARRIER
    if carrier_id and (not own_only or carrier_id == actor.carrier_id):
        parts.append(view.carriers.get(carrier_id, ""))
    elif not carrier_id and actor.kind is not ActorKind.CLIENT and not own_only:
        parts.append(_("no carrier yet"))
    return " · ".join(p for p in parts if p)


def _documents_lines(documents: list[ShipmentDocument], shipment: Shipment, staff: bool):
    photos = sum(1 for d in documents if d.kind in (DocumentKind.PHOTO, DocumentKind.PROOF))
    files = sum(1 for d in documents if d.kind is DocumentKind.DOCUMENT)
    if not documents:
        yield _("Documents: none yet.")
    else:
        counted = [
            ngettext("{n} photo", "{n} photos", photos),
            ngettext("{n} document", "{n} documents", files),
        ]
        yield _("Documents: {counted}.", counted=", ".join(counted))
    proofs = [d for d in documents if d.kind is DocumentKind.PROOF]
    if proofs:
        signed = next((d.recipient_name for d in reversed(proofs) if d.recipient_name), "")
        if signed:
            yield _("Proof of delivery: received, signed by {name}.", name=signed)
        else:
            yield _("Proof of delivery: received.")
    elif staff and shipment.status == S.DELIVERED and shipment.missing_proof:
        yield _("Proof of delivery: missing.")


def _notes_shown(event: ShipmentEvent, actor: Actor) -> bool:
    """Staff read every note; a carrier's people only the notes their own company wrote."""
    if actor.role is Role.CARRIER:
        return event.carrier_id is not None and event.carrier_id == actor.carrier_id  # type: ignore[attr-defined]
    return actor.kind is not ActorKind.CLIENT


def _event_line(event: ShipmentEvent, zone: ZoneInfo, with_note: bool) -> str:
    parts = [format_datetime(event.occurred_at, zone), status_label(event.status)]
    if event.place:
        parts.append(event.place)
    text = " · ".join(parts)
    if with_note and event.note:
        text += f" ({event.note})"
    if with_note and event.overridden:
        text += " " + _("[pushed through]")
    return text


def card_text(
    view: ShipmentView,
    documents: list[ShipmentDocument],
    actor: Actor,
    zone: ZoneInfo,
    link: str | None,
) -> str:
    """The shipment's card: route, status, the last events, ETA, documents and the link."""
    shipment = view.shipment
    staff = actor.kind is not ActorKind.CLIENT
    lines = [_("Shipment {number}", number=shipment.number)]
    lines.append(_("Status: {status}", status=status_label(shipment.status)))
    lines.append(_("Route:"))
    lines += [_leg_line(view, index, actor) for index in range(len(view.legs))] or ["—"]
    if not view.events:
        lines.append(_("No updates yet."))
    elif staff:
        lines.append(_("Latest updates:"))
        lines += [
            _event_line(e, zone, _notes_shown(e, actor)) for e in view.events[-STAFF_EVENTS_SHOWN:]
        ]
    else:
        lines.append(_("Last update: {event}", event=_event_line(view.events[-1], zone, False)))
    if shipment.delivered_at is not None and shipment.status == S.DELIVERED:
        lines.append(_("Delivered: {when}", when=format_datetime(shipment.delivered_at, zone)))
    elif shipment.status not in FINAL:
        lines.append(_("Expected by: {eta}", eta=format_datetime(shipment.eta, zone)))
    lines += list(_documents_lines(documents, shipment, staff))
    if link:
        lines.append(_("Follow it online: {link}", link=link))
    return "\n".join(lines)


def list_line(shipment: Shipment, route: str) -> str:
    parts = [shipment.number, route, status_label(shipment.status)]
    return " · ".join(p for p in parts if p)


# -- The client's keyboards --------------------------------------------------------------


def client_shipments_keyboard(items: Iterable[tuple[Shipment, str]]) -> InlineKeyboardMarkup:
    """The client's open shipments as buttons, then the way back to the menu."""
    builder = InlineKeyboardBuilder()
    for shipment, route in items:
        label = list_line(shipment, route)[:BUTTON_TEXT]
        builder.button(text=label, callback_data=TrackCb(number=shipment.number))
    builder.button(text=_("Back to menu"), callback_data=MenuCb(item=MenuItem.HOME))
    builder.adjust(1)
    return builder.as_markup()


def client_card_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Track another"), callback_data=MenuCb(item=MenuItem.TRACK))
    builder.button(text=_("Back to menu"), callback_data=MenuCb(item=MenuItem.HOME))
    builder.adjust(1)
    return builder.as_markup()


# -- Staff and carriers ------------------------------------------------------------------


def _menu_row(builder: InlineKeyboardBuilder, actor: Actor) -> None:
    builder.button(text=_("Shipments"), callback_data=ShipCb(action=ShipAction.LIST))
    if actor.role is not Role.CARRIER:
        builder.button(text=_("Menu"), callback_data=StaffCb(item=StaffItem.HOME))


def staff_list_keyboard(
    actor: Actor, items: Iterable[tuple[Shipment, str]]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for shipment, route in items:
        builder.button(
            text=list_line(shipment, route)[:BUTTON_TEXT],
            callback_data=ShipCb(action=ShipAction.OPEN, number=shipment.number),
        )
    if actor.role is not Role.CARRIER:
        builder.button(text=_("Menu"), callback_data=StaffCb(item=StaffItem.HOME))
    builder.adjust(1)
    return builder.as_markup()


def staff_card_keyboard(actor: Actor, shipment: Shipment) -> InlineKeyboardMarkup:
    number = shipment.number
    builder = InlineKeyboardBuilder()
    if actor.can(Permission.REPORT_SHIPMENT_EVENTS):
        if shipment.status not in FINAL or actor.can(Permission.MANAGE_SHIPMENTS):
            builder.button(
                text=_("Move status"), callback_data=ShipCb(action=ShipAction.MOVE, number=number)
            )
            builder.button(
                text=_("Add an event"),
                callback_data=ShipCb(action=ShipAction.EVENT, number=number),
            )
        if shipment.status == S.DELIVERED and shipment.missing_proof:
            builder.button(
                text=_("Add proof of delivery"),
                callback_data=ShipCb(action=ShipAction.ATTACH, number=number, value="proof"),
            )
        builder.button(
            text=_("Attach a photo or document"),
            callback_data=ShipCb(action=ShipAction.ATTACH, number=number),
        )
    if actor.can(Permission.MANAGE_SHIPMENTS):
        builder.button(
            text=_("Assign a carrier"),
            callback_data=ShipCb(action=ShipAction.CARRIER, number=number),
        )
    _menu_row(builder, actor)
    builder.adjust(1)
    return builder.as_markup()


def progress_of(view: ShipmentView) -> ShipmentStatus:
    """Where the cargo is on the normal path, whatever exceptions came since."""
    for event in reversed(view.events):
        if event.status in PROGRESS:
            return ShipmentStatus(event.status)
    return S.BOOKED


def following_statuses(view: ShipmentView) -> list[ShipmentStatus]:
    """The statuses offered next: the rest of the normal path (a step may be skipped, and the
    service then says why not), the legs' in-transit and at-terminal again, and exceptions."""
    current = ShipmentStatus(view.shipment.status)
    if current in FINAL:
        # Only a push-through moves it now: offer everything else, the service decides.
        return [s for s in S if s is not current]
    rank = PROGRESS[progress_of(view)]
    ahead = [s for s in PROGRESS if PROGRESS[s] > rank or (PROGRESS[s] == rank == 2)]
    return ahead + [s for s in EXCEPTION_ORDER if s is not current]


def statuses_keyboard(
    number: str, statuses: list[ShipmentStatus], action: ShipAction
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for status in statuses:
        builder.button(
            text=status_label(status),
            callback_data=ShipCb(action=action, number=number, value=status.value),
        )
    builder.button(text=_("Back"), callback_data=ShipCb(action=ShipAction.OPEN, number=number))
    builder.adjust(2)
    return builder.as_markup()


def push_keyboard(number: str, status: ShipmentStatus) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Push through"),
        callback_data=ShipCb(action=ShipAction.PUSH, number=number, value=status.value),
    )
    builder.button(text=_("Back"), callback_data=ShipCb(action=ShipAction.OPEN, number=number))
    builder.adjust(1)
    return builder.as_markup()


def skip_keyboard(number: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Skip"), callback_data=ShipCb(action=ShipAction.SKIP, number=number))
    builder.adjust(1)
    return builder.as_markup()


def back_keyboard(number: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Back"), callback_data=ShipCb(action=ShipAction.OPEN, number=number))
    return builder.as_markup()


def legs_keyboard(view: ShipmentView) -> InlineKeyboardMarkup:
    number = view.shipment.number
    builder = InlineKeyboardBuilder()
    for index, leg in enumerate(view.legs):
        label = f"{index + 1}. {leg.origin} → {leg.destination}"[:BUTTON_TEXT]
        builder.button(
            text=label,
            callback_data=ShipCb(action=ShipAction.CARRIER, number=number, value=str(index)),
        )
    builder.button(text=_("Back"), callback_data=ShipCb(action=ShipAction.OPEN, number=number))
    builder.adjust(1)
    return builder.as_markup()


def carriers_keyboard(number: str, position: int, carriers: list[Carrier]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for carrier in carriers:
        builder.button(
            text=carrier.name[:BUTTON_TEXT],
            callback_data=ShipCb(
                action=ShipAction.CARRIER, number=number, value=f"{position}.{carrier.id}"
            ),
        )
    builder.button(text=_("Back"), callback_data=ShipCb(action=ShipAction.OPEN, number=number))
    builder.adjust(1)
    return builder.as_markup()

"""Keyboards staff see."""

from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.callbacks import (
    QueueAction,
    QueueCb,
    ShipAction,
    ShipCb,
    StaffCb,
    StaffItem,
)
from core.i18n import _, current_locale
from core.models import Role
from core.services.access import Actor, Permission
from core.services.reports import reports_for

SHIPMENTS = "shipments"
_COMPANY_ITEMS: tuple[str, ...] = (
    StaffItem.TODAY,
    StaffItem.CLIENTS,
    StaffItem.LOG,
    StaffItem.PLAN,
    StaffItem.REQUESTS,
)


def _menu_items(actor: Actor | None) -> tuple[str, ...]:
    """What the person's role opens: a carrier's people have only their shipments."""
    if actor is not None and actor.role is Role.CARRIER:
        return (SHIPMENTS,)
    items = _COMPANY_ITEMS
    if actor is None or actor.can(Permission.VIEW_SHIPMENTS):
        items += (SHIPMENTS,)
    if actor is None or reports_for(actor):
        items += (StaffItem.REPORTS,)
    return items


def staff_menu(actor: Actor | None = None) -> InlineKeyboardMarkup:
    """The staff menu for the person's role; built once per (language, set of items)."""
    return _staff_menu(current_locale(), _menu_items(actor))


@cache
def _staff_menu(locale: str, items: tuple[str, ...]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    labels = {
        StaffItem.TODAY: _("Today"),
        StaffItem.CLIENTS: _("Clients"),
        StaffItem.LOG: _("Log a contact"),
        StaffItem.PLAN: _("My plan"),
        StaffItem.REQUESTS: _("Requests"),
        StaffItem.REPORTS: _("Reports"),
    }
    for item in items:
        if item == SHIPMENTS:
            builder.button(text=_("Shipments"), callback_data=ShipCb(action=ShipAction.LIST))
        else:
            builder.button(text=labels[StaffItem(item)], callback_data=StaffCb(item=item))
    builder.adjust(2)
    return builder.as_markup()


def queue_keyboard(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Take"), callback_data=QueueCb(action=QueueAction.TAKE, request=request_id)
    )
    builder.button(
        text=_("Pass"), callback_data=QueueCb(action=QueueAction.PASS, request=request_id)
    )
    builder.adjust(2)
    return builder.as_markup()

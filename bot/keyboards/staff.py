"""Keyboards staff see."""

from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.callbacks import QueueAction, QueueCb, StaffCb, StaffItem
from core.i18n import _, current_locale


def staff_menu() -> InlineKeyboardMarkup:
    return _staff_menu(current_locale())


@cache
def _staff_menu(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    labels = (
        (StaffItem.TODAY, _("Today")),
        (StaffItem.CLIENTS, _("Clients")),
        (StaffItem.LOG, _("Log a contact")),
        (StaffItem.PLAN, _("My plan")),
        (StaffItem.REQUESTS, _("Requests")),
    )
    for item, label in labels:
        builder.button(text=label, callback_data=StaffCb(item=item))
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

"""Keyboards of the quote conversation. Labels are translated in the reader's locale."""

from __future__ import annotations

from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.callbacks import (
    CargoCb,
    FlowAction,
    FlowCb,
    PlaceCb,
    PlaceSide,
    PriorityCb,
    QuoteAction,
    QuoteCb,
    ReadyCb,
    RefuseCb,
)
from core.i18n import _, current_locale
from core.models import RefusalReason
from core.services.locations import Candidate
from core.services.quote_requests import REFUSAL_LABELS
from core.services.quote_text import CARGO_TYPE_LABELS, CHAT_PRIORITIES, PRIORITY_SCALE


def cancel_keyboard() -> InlineKeyboardMarkup:
    return _cancel_keyboard(current_locale())


@cache
def _cancel_keyboard(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Cancel"), callback_data=FlowCb(action=FlowAction.CANCEL))
    return builder.as_markup()


def places_keyboard(side: PlaceSide, candidates: tuple[Candidate, ...]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for candidate in candidates:
        label = f"{candidate.name} ({candidate.country})" if candidate.country else candidate.name
        builder.button(
            text=label, callback_data=PlaceCb(side=side, location=candidate.location_id)
        )
    builder.button(text=_("None of these"), callback_data=PlaceCb(side=side, location=0))
    builder.button(text=_("Cancel"), callback_data=FlowCb(action=FlowAction.CANCEL))
    builder.adjust(1)
    return builder.as_markup()


def cargo_keyboard() -> InlineKeyboardMarkup:
    return _cargo_keyboard(current_locale())


@cache
def _cargo_keyboard(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind, label in CARGO_TYPE_LABELS.items():
        builder.button(text=_(label), callback_data=CargoCb(kind=kind))
    builder.button(text=_("Cancel"), callback_data=FlowCb(action=FlowAction.CANCEL))
    builder.adjust(2)
    return builder.as_markup()


def size_keyboard() -> InlineKeyboardMarkup:
    return _size_keyboard(current_locale())


@cache
def _size_keyboard(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Skip"), callback_data=FlowCb(action=FlowAction.SKIP))
    builder.button(text=_("Cancel"), callback_data=FlowCb(action=FlowAction.CANCEL))
    builder.adjust(2)
    return builder.as_markup()


def ready_keyboard() -> InlineKeyboardMarkup:
    return _ready_keyboard(current_locale())


@cache
def _ready_keyboard(locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Today"), callback_data=ReadyCb(days=0))
    builder.button(text=_("Tomorrow"), callback_data=ReadyCb(days=1))
    builder.button(text=_("In a week"), callback_data=ReadyCb(days=7))
    builder.button(text=_("Cancel"), callback_data=FlowCb(action=FlowAction.CANCEL))
    builder.adjust(3, 1)
    return builder.as_markup()


def priority_keyboard(whole_scale: bool = False) -> InlineKeyboardMarkup:
    """Time against cost: three buttons in a messenger, the whole 1–5 scale where it fits."""
    return _priority_keyboard(current_locale(), whole_scale)


@cache
def _priority_keyboard(locale: str, whole_scale: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    levels = PRIORITY_SCALE if whole_scale else CHAT_PRIORITIES
    for level, label in levels.items():
        builder.button(text=_(label), callback_data=PriorityCb(level=level))
    builder.button(text=_("Cancel"), callback_data=FlowCb(action=FlowAction.CANCEL))
    builder.adjust(len(levels), 1)
    return builder.as_markup()


def quote_keyboard(quote_id: int, options: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index in range(options):
        builder.button(
            text=_("Order option {n}", n=index + 1),
            callback_data=QuoteCb(action=QuoteAction.ORDER, quote=quote_id, option=index),
        )
    builder.button(
        text=_("Ask a manager"), callback_data=QuoteCb(action=QuoteAction.MANAGER, quote=quote_id)
    )
    builder.button(
        text=_("Not now"), callback_data=QuoteCb(action=QuoteAction.LATER, quote=quote_id)
    )
    builder.adjust(1)
    return builder.as_markup()


def refusal_keyboard(quote_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for reason in RefusalReason:
        builder.button(
            text=_(REFUSAL_LABELS[reason]), callback_data=RefuseCb(quote=quote_id, reason=reason)
        )
    builder.adjust(2)
    return builder.as_markup()

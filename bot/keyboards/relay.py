"""The live relay's buttons: the queue's Take, a manager's Reply / Canned replies / End chat,
the client's End chat. Payloads carry ids only; labels are translated in the reader's locale."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from core.i18n import _
from core.models import CannedReply

CANNED_LABEL = 40


class RelayAction(StrEnum):
    TAKE = "t"
    REPLY = "r"
    CANNED = "c"
    END = "e"


class RelayCb(CallbackData, prefix="ry"):
    """A staff member's tap on a relay."""

    action: RelayAction
    relay: int


class CannedCb(CallbackData, prefix="cn"):
    """A ready answer sent with one tap."""

    relay: int
    reply: int


class ClientEndCb(CallbackData, prefix="ce"):
    """The client ends their chat with a manager."""

    relay: int


def take_keyboard(relay_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Take"), callback_data=RelayCb(action=RelayAction.TAKE, relay=relay_id))
    return builder.as_markup()


def chat_keyboard(relay_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Reply"), callback_data=RelayCb(action=RelayAction.REPLY, relay=relay_id)
    )
    builder.button(
        text=_("Canned replies"),
        callback_data=RelayCb(action=RelayAction.CANNED, relay=relay_id),
    )
    builder.button(
        text=_("End chat"), callback_data=RelayCb(action=RelayAction.END, relay=relay_id)
    )
    builder.adjust(2, 1)
    return builder.as_markup()


def canned_keyboard(relay_id: int, replies: list[CannedReply]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for reply in replies:
        label = (
            reply.text if len(reply.text) <= CANNED_LABEL else reply.text[: CANNED_LABEL - 1] + "…"
        )
        builder.button(text=label, callback_data=CannedCb(relay=relay_id, reply=reply.id))
    builder.button(
        text=_("End chat"), callback_data=RelayCb(action=RelayAction.END, relay=relay_id)
    )
    builder.adjust(1)
    return builder.as_markup()


def client_chat_keyboard(relay_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("End chat"), callback_data=ClientEndCb(relay=relay_id))
    return builder.as_markup()

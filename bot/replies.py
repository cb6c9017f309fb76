"""Answering an event, whatever it is: the chat to write to and a safe callback answer."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import CallbackQuery, Message


def chat_of(event: Message | CallbackQuery) -> int:
    if isinstance(event, Message):
        return event.chat.id
    if event.message is not None:
        return event.message.chat.id
    return event.from_user.id


def evidence_of(channel: str, event: Message | CallbackQuery) -> str:
    """A reference to the exact message that carried a person's answer, for the consent log."""
    if isinstance(event, Message):
        return f"{channel}:message:{event.chat.id}:{event.message_id}"
    message_id = event.message.message_id if event.message else 0
    return f"{channel}:button:{event.from_user.id}:{message_id}:{event.data}"


async def say(bot: Bot, event: Message | CallbackQuery, text: str, **kwargs) -> None:
    """Send a new message to the event's chat; a button press is acknowledged first."""
    if isinstance(event, CallbackQuery):
        await event.answer()
    await bot.send_message(chat_id=chat_of(event), text=text, **kwargs)

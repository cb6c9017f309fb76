"""Ports: what the core needs from outside, owned by the core and implemented at the edge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Coroutine
from typing import Any, Protocol

from core.models import Channel


class Clock(Protocol):
    """Where "now" comes from, so jobs and tests can agree on it."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class TaskSupervisor(Protocol):
    """Runs detached work so that none of it is lost silently and shutdown can wait for it."""

    def spawn(
        self, coro: Coroutine[Any, Any, Any], *, name: str, long_running: bool = False
    ) -> None: ...


class Notifier(Protocol):
    """Reaches a person on a channel in their language; bot/notifier.py implements it.

    `message` is a gettext message id, translated in the recipient's locale by the adapter;
    a parameter given as a zero-argument callable is rendered in that locale too.
    Returns False when the channel is off or the person cannot be reached.
    """

    async def notify(
        self, channel: Channel, chat_id: int, language: str, message: str, **params: Any
    ) -> bool: ...


class QuoteSender(Protocol):
    """Shows a stored quote, with its answer buttons, in a client's chat.

    `intro` is a message id said above the quote (e.g. a reminder), translated in the
    client's language. bot/quote_sender.py implements it; False when the chat is unreachable.
    """

    async def send_quote(
        self, identity_id: int, quote_id: int, intro: str | None = None
    ) -> bool: ...


class RequestOffer(Protocol):
    """Offers a waiting request to a staff member with Take and Pass buttons.

    Like Notifier.notify (a message id, callable parameters rendered in the recipient's
    locale); bot/notifier.py implements both.
    """

    async def offer(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        message: str,
        request_id: int,
        **params: Any,
    ) -> bool: ...

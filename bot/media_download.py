"""Getting the bytes of a photo or file a person sent, whatever the channel.

Telegram keeps files behind the Bot API: `getFile` names the path, and the bot downloads it
from TELEGRAM_API_URL. Viber sends a media URL with the message (the Viber adapter puts it
where Telegram puts a file id), fetched here with aiohttp. The web chat has no uploads.
The size is checked before downloading whenever it is known, and again while reading, so a
large file is never held in memory; what the bytes really are is checked by the service.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message

from core.errors import InvalidInput
from core.i18n import N_
from core.models import Channel

log = logging.getLogger(__name__)

TOO_LARGE = N_("The file is too large: at most {mb} MB, please.")
NOT_DOWNLOADED = N_("Sorry, the file could not be downloaded. Please send it again.")
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=10)
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Attachment:
    """What a message carries: a photo (the largest size sent) or a file."""

    file_id: str
    size: int | None
    is_photo: bool
    name: str
    caption: str


@dataclass(frozen=True, slots=True)
class Downloaded:
    data: bytes
    is_photo: bool
    name: str
    caption: str


def receives_files(channel: Channel | str) -> bool:
    """Whether people can send photos on this channel at all."""
    return channel in (Channel.TELEGRAM, Channel.VIBER)


def attachment_of(message: Message) -> Attachment | None:
    caption = (message.caption or "").strip()
    if message.photo:
        largest = message.photo[-1]
        return Attachment(largest.file_id, largest.file_size, True, "", caption)
    if message.document is not None:
        document = message.document
        name = document.file_name or ""
        return Attachment(document.file_id, document.file_size, False, name, caption)
    return None


def _too_large(max_bytes: int) -> InvalidInput:
    return InvalidInput("file", TOO_LARGE, mb=max_bytes // (1024 * 1024))


async def download(
    bot: Bot, message: Message, channel: Channel | str, max_bytes: int
) -> Downloaded | None:
    """The message's photo or file, or None when it carries neither (or the channel has no
    files). Raises InvalidInput when the file is too large or cannot be fetched."""
    attachment = attachment_of(message)
    if attachment is None or not receives_files(channel):
        return None
    if attachment.size is not None and attachment.size > max_bytes:
        raise _too_large(max_bytes)
    if channel == Channel.TELEGRAM:
        data = await _from_telegram(bot, attachment.file_id, max_bytes)
    else:
        data = await _from_url(attachment.file_id, max_bytes)
    return Downloaded(data, attachment.is_photo, attachment.name, attachment.caption)


async def _from_telegram(bot: Bot, file_id: str, max_bytes: int) -> bytes:
    try:
        file = await bot.get_file(file_id)
        if file.file_size is not None and file.file_size > max_bytes:
            raise _too_large(max_bytes)
        if not file.file_path:
            raise InvalidInput("file", NOT_DOWNLOADED)
        buffer = io.BytesIO()
        await bot.download_file(file.file_path, destination=buffer)
    except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as error:
        log.warning("Telegram file %s could not be downloaded: %r", file_id[:40], error)
        raise InvalidInput("file", NOT_DOWNLOADED) from None
    data = buffer.getvalue()
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data


async def _from_url(url: str, max_bytes: int) -> bytes:
    if urlsplit(url).scheme not in ("http", "https"):
        raise InvalidInput("file", NOT_DOWNLOADED)
    try:
        async with (
            aiohttp.ClientSession(timeout=DOWNLOAD_TIMEOUT) as session,
            session.get(url) as response,
        ):
            if response.status != 200:
                raise InvalidInput("file", NOT_DOWNLOADED)
            if response.content_length is not None and response.content_length > max_bytes:
                raise _too_large(max_bytes)
            data = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                data += chunk
                if len(data) > max_bytes:
                    raise _too_large(max_bytes)
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("Media at %s could not be downloaded: %r", urlsplit(url).netloc, error)
        raise InvalidInput("file", NOT_DOWNLOADED) from None
    return bytes(data)

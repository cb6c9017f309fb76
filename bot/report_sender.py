"""Sending a report into a chat: the one code path for "Reports" in the staff bot and for the
scheduled digests (core.services.report_digests.ReportSender).

On Telegram the chart goes as a picture, captioned with the report and the period, and the
table as an XLSX file. Viber and web chat carry only text (bot/channels/synthetic.py), so
there a short summary of the first rows is sent, with a link to the report in the panel.
The report's notes (what its figures mean) follow, as under the panel's table: in the last
caption or message when they fit there, else as a message of their own, which then carries
the keyboard. Everything is in the active locale; BotReportSender sets the recipient's.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.channels.registry import ChannelRegistry
from bot.channels.synthetic import SyntheticSession
from bot.keyboards.reports import after_report_keyboard
from core.i18n import I18n, _, format_day, gettext, ngettext
from core.models import Channel
from core.services.access import Actor
from core.services.company import current_company
from core.services.reports import Result, build
from core.services.reports.base import Column, Kind, Report
from core.services.reports.charts import render_png
from core.services.reports.exports import file_name, note_lines, shown, to_xlsx
from core.services.reports.period import PRESET_LABELS, Period, Preset

log = logging.getLogger(__name__)

SUMMARY_ROWS = 10
SUMMARY_FIGURES = 3
CAPTION_MAX = 1024  # Telegram's limit for a photo's or a file's caption
TEXT_MAX = 4000  # under Telegram's 4096 and Viber's 7000 characters


def takes_files(bot: Bot) -> bool:
    """Telegram takes pictures and files; the synthetic channels only text."""
    return not isinstance(bot.session, SyntheticSession)


def period_title(result: Result, preset: Preset) -> str:
    """ "Managers' work, Last month: 1 Nov 2026 – 30 Nov 2026" in the active locale."""
    return _(
        "{report}, {period}: {first} – {last}",
        report=gettext(result.report.title),
        period=gettext(PRESET_LABELS[preset]),
        first=format_day(result.period.start),
        last=format_day(result.period.last_day),
    )


def report_link(public_url: str, key: str, period: Period) -> str | None:
    """The report's page in the panel for exactly these dates (a preset would move on)."""
    if not public_url:
        return None
    query = urlencode(
        {"period": "custom", "from": period.start.isoformat(), "to": period.last_day.isoformat()}
    )
    return f"{public_url.rstrip('/')}/admin/reports/{key}?{query}"


def summary_columns(report: Report) -> tuple[list[Column], list[Column]]:
    """The columns that name a row and the few main figures to show beside it.

    A row is named by the first text column and the text columns right after it (a client
    and their manager; a section and its item). A report may name its figures in a
    `summary` attribute (column keys); otherwise the first money figure and the first two
    counts are taken, then any other figures, skipping those where less is better.
    """
    columns = report.columns
    names: list[Column] = []
    for column in columns:
        if column.kind is Kind.TEXT:
            names.append(column)
        elif names:
            break
    chosen: list[Column] = []
    named = getattr(report, "summary", None)
    if named:
        by_key = {c.key: c for c in columns}
        chosen = [by_key[k] for k in named if k in by_key][:SUMMARY_FIGURES]
    if not chosen:
        figures = [c for c in columns if c.kind not in (Kind.TEXT, Kind.DATE)]
        preferred = [c for c in figures if not c.lower_is_better]
        money = [c for c in preferred if c.kind is Kind.MONEY][:1]
        counts = [c for c in preferred if c.kind is Kind.COUNT]
        picked = money + counts[: SUMMARY_FIGURES - len(money)]
        for column in preferred + figures:
            if len(picked) >= SUMMARY_FIGURES:
                break
            if column not in picked:
                picked.append(column)
        chosen = [c for c in columns if c in picked]  # in the table's order
    return names, chosen


def summary_text(result: Result, title: str, currency: str, link: str | None) -> str:
    names, figures = summary_columns(result.report)
    lines = [title, ""]
    for number, row in enumerate(result.rows[:SUMMARY_ROWS], start=1):
        parts = (row.get(c.key) for c in names)
        label = " · ".join(str(part) for part in parts if part not in (None, ""))
        values = " · ".join(
            f"{gettext(c.label)}: {shown(row.get(c.key), c.kind, currency)}" for c in figures
        )
        lines.append(f"{number}. {label} — {values}" if label else f"{number}. {values}")
    if len(result.rows) > SUMMARY_ROWS:
        more = len(result.rows) - SUMMARY_ROWS
        lines.append(
            ngettext("…and {n} more row in the panel.", "…and {n} more rows in the panel.", more)
        )
    text = "\n".join(lines)[: TEXT_MAX - 300]
    if link:
        text += "\n\n" + _("The full report: {link}", link=link)
    return text


def notes_text(result: Result, public_url: str) -> str:
    """The report's notes for a chat: "Notes" and a line per note, cut to one message;
    empty when there are none or nothing to explain (an empty period, as in the panel)."""
    lines = note_lines(result.notes, public_url) if result.rows else []
    if not lines:
        return ""
    text = "\n".join([_("Notes"), *(f"• {line}" for line in lines)])
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def with_notes(text: str, notes: str, limit: int) -> tuple[str, str]:
    """The notes added after `text` when both fit in `limit` characters (a caption, one
    message); else `text` alone and the notes left to send on their own."""
    if not notes:
        return text, ""
    both = f"{text}\n\n{notes}" if text else notes
    return (both, "") if len(both) <= limit else (text, notes)


async def deliver_report(
    bot: Bot,
    chat_id: int,
    actor: Actor,
    key: str,
    preset: Preset,
    period: Period,
    public_url: str,
    intro: str | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Build the report as `actor` may see it and send it to the chat, in the active locale.

    Raises NotFound / PermissionDenied for a report the actor may not open, and aiogram's
    errors when the chat cannot be reached.
    """
    result = await build(actor, key, period)
    currency = (await current_company()).currency
    title = period_title(result, preset)
    if intro:
        title = f"{gettext(intro)}\n{title}"
    markup = markup or after_report_keyboard(key)
    if result.empty:
        text = f"{title}\n\n{_('No data for this period.')}"
        await bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
        return
    link = report_link(public_url, key, period)
    notes = notes_text(result, public_url)
    if not takes_files(bot):
        text, notes = with_notes(summary_text(result, title, currency, link), notes, TEXT_MAX)
        await bot.send_message(chat_id=chat_id, text=text, reply_markup=None if notes else markup)
        if notes:
            await bot.send_message(chat_id=chat_id, text=notes, reply_markup=markup)
        return
    caption = title[:CAPTION_MAX]
    if result.chart is not None:
        picture = await render_png(result.chart)
        await bot.send_photo(
            chat_id=chat_id,
            photo=BufferedInputFile(picture, filename=file_name(result, "png")),
            caption=caption,
        )
        caption = _("The full report: {link}", link=link) if link else ""
    table = await to_xlsx(result, public_url)
    caption, notes = with_notes(caption[:CAPTION_MAX], notes, CAPTION_MAX)
    document: dict[str, Any] = {"caption": caption} if caption else {}
    await bot.send_document(
        chat_id=chat_id,
        document=BufferedInputFile(table, filename=file_name(result, "xlsx")),
        reply_markup=None if notes else markup,
        **document,
    )
    if notes:
        await bot.send_message(chat_id=chat_id, text=notes, reply_markup=markup)


class BotReportSender:
    """core.services.report_digests.ReportSender for the messengers."""

    def __init__(self, registry: ChannelRegistry, i18n: I18n, public_url: str) -> None:
        self.registry = registry
        self.i18n = i18n
        self.public_url = public_url

    async def send_report(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        actor: Actor,
        key: str,
        preset: Preset,
        period: Period,
        intro: str | None = None,
    ) -> bool:
        bot = self.registry.bot(channel)
        if bot is None:
            return False
        with self.i18n.use_locale(language):
            try:
                await deliver_report(
                    bot, chat_id, actor, key, preset, period, self.public_url, intro
                )
            except TelegramAPIError:
                log.warning("Could not send report %s to chat %s on %s", key, chat_id, channel)
                return False
        return True

"""Keyboards of the reports in the staff bot: the list, a report's periods and digests."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.callbacks import ReportAction, ReportCb, StaffCb, StaffItem
from core.i18n import _
from core.models import DigestFrequency
from core.services.reports.base import Report
from core.services.reports.period import PRESET_LABELS, Preset

# The periods offered in the bot; the panel offers every preset and any dates.
BOT_PRESETS = (Preset.THIS_MONTH, Preset.LAST_MONTH, Preset.THIS_YEAR, Preset.LAST_WEEK)
BUTTON_TEXT = 60

# A digest button's value: the frequency's letter and 1 (turn on) or 0 (turn off).
DIGEST_CODES = {DigestFrequency.WEEKLY: "w", DigestFrequency.MONTHLY: "m"}


def digest_value(frequency: DigestFrequency, on: bool) -> str:
    return f"{DIGEST_CODES[frequency]}{int(on)}"


def parse_digest_value(value: str) -> tuple[DigestFrequency, bool] | None:
    """The frequency and the wish from a button's value; None for anything else (forged)."""
    for frequency, code in DIGEST_CODES.items():
        if value in (f"{code}1", f"{code}0"):
            return frequency, value.endswith("1")
    return None


def _menu_row(builder: InlineKeyboardBuilder, back_to_reports: bool = True) -> None:
    if back_to_reports:
        builder.button(text=_("Reports"), callback_data=StaffCb(item=StaffItem.REPORTS))
    builder.button(text=_("Menu"), callback_data=StaffCb(item=StaffItem.HOME))


def reports_keyboard(reports: list[Report]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for report in reports:
        builder.button(
            text=_(report.title)[:BUTTON_TEXT],
            callback_data=ReportCb(action=ReportAction.OPEN, key=report.key),
        )
    _menu_row(builder, back_to_reports=False)
    builder.adjust(1)
    return builder.as_markup()


def report_keyboard(report: Report, digests: set[DigestFrequency] | None) -> InlineKeyboardMarkup:
    """Four periods, then the digest switches (None: the person cannot have digests)."""
    builder = InlineKeyboardBuilder()
    for preset in BOT_PRESETS:
        builder.button(
            text=_(PRESET_LABELS[preset]),
            callback_data=ReportCb(action=ReportAction.PERIOD, key=report.key, value=preset),
        )
    sizes = [2, 2]
    if digests is not None:
        weekly = DigestFrequency.WEEKLY in digests
        monthly = DigestFrequency.MONTHLY in digests
        builder.button(
            text=_("Stop the weekly digest") if weekly else _("Send it to me weekly"),
            callback_data=ReportCb(
                action=ReportAction.DIGEST,
                key=report.key,
                value=digest_value(DigestFrequency.WEEKLY, not weekly),
            ),
        )
        builder.button(
            text=_("Stop the monthly digest") if monthly else _("Send it to me monthly"),
            callback_data=ReportCb(
                action=ReportAction.DIGEST,
                key=report.key,
                value=digest_value(DigestFrequency.MONTHLY, not monthly),
            ),
        )
        sizes += [1, 1]
    _menu_row(builder)
    builder.adjust(*sizes, 2)
    return builder.as_markup()


def after_report_keyboard(key: str) -> InlineKeyboardMarkup:
    """Under a sent report or digest: its other periods and digests, the reports, the menu."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Other periods and digests"),
        callback_data=ReportCb(action=ReportAction.OPEN, key=key),
    )
    _menu_row(builder)
    builder.adjust(1, 2)
    return builder.as_markup()

"""Reports in the staff bot: the reports the person's role opens, a period, then the report
(a chart and an XLSX file on Telegram, a summary with a panel link on Viber and web chat,
then the report's notes: bot/report_sender.py), and the weekly or monthly digest of each
report turned on or off.

Every tap is checked again (core.services.reports.get_report): a forged button naming an
unknown report, or one the role may not open, gets a plain answer.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot.filters.audience import IsStaff
from bot.keyboards.callbacks import ReportAction, ReportCb, StaffCb, StaffItem
from bot.keyboards.reports import (
    BOT_PRESETS,
    parse_digest_value,
    report_keyboard,
    reports_keyboard,
)
from bot.keyboards.staff import staff_menu
from bot.replies import chat_of, say
from bot.report_sender import deliver_report
from core.config import Settings
from core.errors import NotFound, PermissionDenied
from core.i18n import _
from core.models import DigestFrequency
from core.ports import Clock
from core.services.access import Actor
from core.services.company import current_company, zone_of
from core.services.report_digests import digests_of, set_digest
from core.services.reports import get_report, reports_for
from core.services.reports.base import Report
from core.services.reports.period import Preset, preset_period

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())


async def _not_available(bot: Bot, callback: CallbackQuery, actor: Actor) -> None:
    await say(
        bot,
        callback,
        _("Sorry, this report is not available to you."),
        reply_markup=staff_menu(actor),
    )


def _report_of(actor: Actor, key: str) -> Report | None:
    try:
        return get_report(actor, key)
    except (NotFound, PermissionDenied):
        return None


@router.callback_query(StaffCb.filter(F.item == StaffItem.REPORTS))
async def on_reports(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    reports = reports_for(actor)
    if not reports:
        await say(
            bot, callback, _("No reports are open to your role."), reply_markup=staff_menu(actor)
        )
        return
    await say(bot, callback, _("Reports. Which one?"), reply_markup=reports_keyboard(reports))


def _digest_lines(digests: set[DigestFrequency] | None) -> list[str]:
    if digests is None:
        return []
    return [
        _("Weekly digest: on, every Monday for the week before.")
        if DigestFrequency.WEEKLY in digests
        else _("Weekly digest: off."),
        _("Monthly digest: on, on the 1st for the month before.")
        if DigestFrequency.MONTHLY in digests
        else _("Monthly digest: off."),
    ]


async def _show_report(
    bot: Bot,
    callback: CallbackQuery,
    report: Report,
    digests: set[DigestFrequency] | None,
    done: str | None = None,
) -> None:
    lines = [done, ""] if done else []
    lines += [_(report.title), _(report.question), ""]
    lines += _digest_lines(digests)
    lines += ["", _("For which period?")]
    await say(
        bot, callback, "\n".join(lines).strip(), reply_markup=report_keyboard(report, digests)
    )


@router.callback_query(ReportCb.filter(F.action == ReportAction.OPEN))
async def on_report(
    callback: CallbackQuery, callback_data: ReportCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    await state.clear()
    report = _report_of(actor, callback_data.key)
    if report is None:
        await _not_available(bot, callback, actor)
        return
    digests = await digests_of(actor, report.key) if actor.employee_id else None
    await _show_report(bot, callback, report, digests)


@router.callback_query(ReportCb.filter(F.action == ReportAction.PERIOD))
async def on_period(
    callback: CallbackQuery,
    callback_data: ReportCb,
    bot: Bot,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    report = _report_of(actor, callback_data.key)
    if report is None:
        await _not_available(bot, callback, actor)
        return
    if callback_data.value not in BOT_PRESETS:
        await say(
            bot, callback, _("This button is no longer available."), reply_markup=staff_menu(actor)
        )
        return
    preset = Preset(callback_data.value)
    await callback.answer()
    zone = zone_of(await current_company())
    period = preset_period(preset, clock.now().astimezone(zone).date(), zone)
    try:
        await deliver_report(
            bot, chat_of(callback), actor, report.key, preset, period, settings.public_url or ""
        )
    except TelegramAPIError:
        await say(
            bot,
            callback,
            _("Sorry, the report could not be sent. Please try again."),
            reply_markup=staff_menu(actor),
        )


@router.callback_query(ReportCb.filter(F.action == ReportAction.DIGEST))
async def on_digest(
    callback: CallbackQuery, callback_data: ReportCb, bot: Bot, actor: Actor
) -> None:
    report = _report_of(actor, callback_data.key)
    wish = parse_digest_value(callback_data.value)
    if report is None or actor.employee_id is None:
        await _not_available(bot, callback, actor)
        return
    if wish is None:
        await say(
            bot, callback, _("This button is no longer available."), reply_markup=staff_menu(actor)
        )
        return
    frequency, on = wish
    digests = await set_digest(actor, report.key, frequency, on)
    if frequency is DigestFrequency.WEEKLY:
        done = (
            _("Done: this report will come every Monday.")
            if on
            else _("Done: the weekly digest is off.")
        )
    else:
        done = (
            _("Done: this report will come on the 1st of every month.")
            if on
            else _("Done: the monthly digest is off.")
        )
    await _show_report(bot, callback, report, digests, done)

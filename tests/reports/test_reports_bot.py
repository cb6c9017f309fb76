"""Reports in the staff bot, over the real webhooks: the list a role opens, a report for a
period as a chart and an XLSX file (Telegram) or a summary with a panel link (Viber), forged
buttons, and the weekly and monthly digests sent by the scheduler job with a set clock."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from aiohttp.web_request import FileField
from openpyxl import load_workbook

from core.i18n import format_day, format_money
from core.models import AuditLog, DigestFrequency, Employee, ReportDigest, Role
from core.services.access import Actor, ActorKind
from core.services.jobs import report_digests_job
from core.services.reports import REGISTRY, reports_for
from core.services.reports.base import Column, Kind, Report, Row, Scope
from core.services.reports.period import Period, Preset, preset_period
from tests.e2e.test_staff import FrozenClock
from tests.fakes.recorder import Call
from tests.reports.data import client, utc
from tests.reports.files import sheet_values
from tests.reports.test_carriers_report import FORMULA, _carriers
from tests.reports.test_routes_report import NOTES as ROUTE_NOTES
from tests.reports.test_routes_report import _month as _routes_month
from tests.shipments.helpers import labels, staff

LAGOS = ZoneInfo("Africa/Lagos")
MANAGERS = "Managers' work"
# 08:00 in Lagos on Monday 30 November 2026: last week is 23 to 29 November.
MONDAY = utc(2026, 11, 30, 7, 0)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
PNG = b"\x89PNG\r\n\x1a\n"
# 08:00 in Lagos on Tuesday 1 December 2026: the monthly digests for November go.
FIRST_OF_DECEMBER = utc(2026, 12, 1, 7, 0)
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
_message_ids = itertools.count(50_000)


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@pytest.fixture(autouse=True)
def files_answered(fake_telegram, monkeypatch):
    """The fake Bot API answers sendPhoto and sendDocument with the Message Telegram sends
    back (it answers `true` to methods it does not model, which aiogram cannot parse), and
    keeps the uploaded files' bytes, which aiohttp discards once the request is answered."""
    original = fake_telegram._result

    def result(method: str, params: dict[str, Any]) -> Any:
        if method in {"sendPhoto", "sendDocument"}:
            for name, value in list(params.items()):
                if isinstance(value, FileField):
                    value.file.seek(0)
                    params[name] = Upload(value.filename, value.file.read())
            return {
                "message_id": next(_message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "caption": params.get("caption", ""),
            }
        return original(method, params)

    monkeypatch.setattr(fake_telegram, "_result", result)


def _to(chat, method: str) -> list[Call]:
    return [
        c
        for c in chat.api.calls
        if c.method == method and int(c.params.get("chat_id", 0)) == chat.user_id
    ]


async def _files(chat, count: int = 1) -> tuple[list[Call], list[Call]]:
    """Wait for the chat's `count`-th document (sent after its picture); photos, documents."""
    await chat.api.wait_for(lambda _calls: len(_to(chat, "sendDocument")) >= count)
    return _to(chat, "sendPhoto"), _to(chat, "sendDocument")


def _upload(call: Call, name: str) -> Upload:
    """The file sent as `name`: the field names its multipart part ("attach://…")."""
    return call.params[call.params[name].removeprefix("attach://")]


def _sheet(call: Call) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(_upload(call, "document").data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _title(report: str, preset: str, period: Period) -> str:
    first, last = format_day(period.start, "en"), format_day(period.last_day, "en")
    return f"{report}, {preset}: {first} – {last}"


def _link(period: Period, key: str = "managers") -> str:
    return (
        f"http://ona.test/admin/reports/{key}?period=custom"
        f"&from={period.start.isoformat()}&to={period.last_day.isoformat()}"
    )


def _this_month() -> Period:
    return preset_period(
        Preset.THIS_MONTH, dt.datetime.now(dt.UTC).astimezone(LAGOS).date(), LAGOS
    )


def _titles(role: Role) -> list[str]:
    """The reports registered for the role, in the menu's order (more arrive with issue 8)."""
    return [r.title for r in reports_for(Actor(kind=ActorKind.STAFF, language="en", role=role))]


async def _manager_with_client(name: str, created: dt.datetime | None = None) -> Employee:
    """A manager (not in the bot) who brought in one client at `created` (default: now)."""
    manager = await Employee.create(name=name, role=Role.MANAGER)
    await client(f"{name}'s client", manager, created or dt.datetime.now(dt.UTC))
    return manager


class _BoardReport(Report):
    """A report only management opens, for checking that a manager cannot reach it."""

    key = "board_only"
    title = "Board only"
    question = "For the board?"
    roles = frozenset({Role.ADMIN, Role.DIRECTOR})
    row_key = "name"
    columns: ClassVar[list[Column]] = [Column("name", "Name", Kind.TEXT)]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        return [{"name": "secret"}]


async def test_a_director_gets_the_chart_and_the_table_on_telegram(chat_factory):
    await _manager_with_client("Tunde Bakare")
    dayo, _director = await staff(chat_factory, "Dayo Director", Role.DIRECTOR)
    assert labels(dayo.last)[-1] == "Reports"

    await dayo.press("Reports")
    listing = await dayo.expect("Reports. Which one?")
    assert labels(listing) == [*_titles(Role.DIRECTOR), "Menu"]
    await dayo.press("Managers' work")
    screen = await dayo.expect("Managers' work")
    assert "Who brought in and served clients" in screen.text
    assert "Weekly digest: off." in screen.text and "Monthly digest: off." in screen.text
    assert screen.text.endswith("For which period?")
    assert labels(screen) == [
        "This month",
        "Last month",
        "This year",
        "Last week",
        "Send it to me weekly",
        "Send it to me monthly",
        "Reports",
        "Menu",
    ]

    await dayo.press("This month")
    photos, documents = await _files(dayo)
    period = _this_month()
    assert len(photos) == 1
    assert photos[0].params["caption"] == _title(MANAGERS, "This month", period)
    picture = _upload(photos[0], "photo")
    assert picture.data.startswith(PNG)
    document = documents[0]
    assert _upload(document, "document").filename == (
        f"managers-{period.start.isoformat()}-{period.last_day.isoformat()}.xlsx"
    )
    assert document.params["caption"] == f"The full report: {_link(period)}"
    values = _sheet(document)
    assert values[0][:3] == ["Manager", "New clients", "Requests handled"]
    assert [row[:2] for row in values[1:]] == [["Tunde Bakare", 1]]
    buttons = [
        b["text"] for row in document.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert buttons == ["Other periods and digests", "Reports", "Menu"]

    # Last week holds nothing: said in words, no picture and no file.
    await dayo.press("Last week")
    empty = await dayo.expect("No data for this period.")
    last_week = preset_period(
        Preset.LAST_WEEK, dt.datetime.now(dt.UTC).astimezone(LAGOS).date(), LAGOS
    )
    assert empty.text.startswith(_title(MANAGERS, "Last week", last_week))
    assert len(_to(dayo, "sendPhoto")) == 1 and len(_to(dayo, "sendDocument")) == 1


async def test_a_manager_sees_only_the_reports_and_figures_of_their_role(
    chat_factory, monkeypatch
):
    monkeypatch.setitem(REGISTRY, _BoardReport.key, _BoardReport())
    tunde, manager = await staff(chat_factory, "Tunde Bakare", Role.MANAGER)
    await client("Ada Foods", manager, dt.datetime.now(dt.UTC))
    await _manager_with_client("Bola Ade")  # a colleague's figures are not Tunde's

    await tunde.press("Reports")
    listing = await tunde.expect("Reports. Which one?")
    assert labels(listing) == [*_titles(Role.MANAGER), "Menu"]
    assert "Board only" not in labels(listing)
    await tunde.press("Managers' work")
    await tunde.expect("For which period?")
    await tunde.press("This month")
    _photos, documents = await _files(tunde)
    assert [row[:2] for row in _sheet(documents[0])[1:]] == [["Tunde Bakare", 1]]

    # A forged button for the board's report reaches nothing.
    await tunde.press_data("rp:o:board_only:")
    await tunde.expect("Sorry, this report is not available to you.")
    await tunde.press_data("rp:p:board_only:this_month")
    await tunde.expect("Sorry, this report is not available to you.")
    await tunde.press_data("rp:d:board_only:w1")
    await tunde.expect("Sorry, this report is not available to you.")
    assert not await ReportDigest.exists()
    assert len(_to(tunde, "sendDocument")) == 1


@pytest.mark.parametrize("channel", ["viber", "webchat"])
async def test_on_viber_and_web_chat_a_summary_and_the_panel_link_arrive(
    chat_factory, fake_viber, channel
):
    for number in range(1, 12):
        await _manager_with_client(f"Manager {number:02d}")
    vera, _director = await staff(chat_factory, "Vera Director", Role.DIRECTOR, channel)

    await vera.press("Reports")
    await vera.expect("Reports. Which one?")
    await vera.press("Managers' work")
    await vera.expect("For which period?")
    await vera.press("This month")
    period = _this_month()
    summary = await vera.expect(_title(MANAGERS, "This month", period))
    nothing = format_money(Decimal("0"), "NGN", "en")
    lines = summary.text.splitlines()
    assert lines[2:12] == [
        f"{n}. Manager {n:02d} — New clients: 1 · Requests handled: 0 · Revenue: {nothing}"
        for n in range(1, 11)
    ]
    assert lines[12] == "…and 1 more row in the panel."
    assert lines[-1] == f"The full report: {_link(period)}"
    assert labels(summary) == ["Other periods and digests", "Reports", "Menu"]
    # Nothing but text messages were asked of Viber.
    assert all(c.params["type"] == "text" for c in fake_viber.calls if c.method == "send_message")


async def test_forged_buttons_are_answered_cleanly(chat_factory):
    dayo, _director = await staff(chat_factory, "Dayo Director", Role.DIRECTOR)
    await dayo.press_data("rp:o:no_such_report:")
    await dayo.expect("Sorry, this report is not available to you.")
    await dayo.press_data("rp:p:no_such_report:this_month")
    await dayo.expect("Sorry, this report is not available to you.")
    await dayo.press_data("rp:p:managers:forever")
    await dayo.expect("This button is no longer available.")
    await dayo.press_data("rp:d:managers:x9")
    await dayo.expect("This button is no longer available.")
    await dayo.press_data("rp:p:managers:this_month:extra")
    await dayo.expect("This button is no longer available.")
    assert not any("went wrong" in text for text in dayo.said())
    assert not _to(dayo, "sendPhoto") and not _to(dayo, "sendDocument")
    assert not await ReportDigest.exists()


async def test_a_weekly_digest_goes_on_monday_once_and_stops_when_turned_off(
    chat_factory, runtime
):
    dayo, director = await staff(chat_factory, "Dayo Director", Role.DIRECTOR)
    tunde, manager = await staff(chat_factory, "Tunde Bakare", Role.MANAGER)
    await client("Ada Foods", manager, utc(2026, 11, 25, 10))
    await _manager_with_client("Bola Ade", utc(2026, 11, 26, 10))
    sender = runtime.report_sender

    for chat in (dayo, tunde):
        await chat.press("Reports")
        await chat.expect("Reports. Which one?")
        await chat.press("Managers' work")
        await chat.expect("For which period?")
        await chat.press("Send it to me weekly")
        turned = await chat.expect("Done: this report will come every Monday.")
        assert "Weekly digest: on, every Monday for the week before." in turned.text
        assert "Stop the weekly digest" in labels(turned)
    digest = await ReportDigest.get(employee_id=director.id)
    assert (digest.report, digest.frequency.value, digest.last_period_start) == (
        "managers",
        "weekly",
        None,
    )
    entry = await AuditLog.get(action="report_digest.on", employee_id=director.id)
    assert entry.details == {"report": "managers", "frequency": "weekly"}

    # Sunday: nothing is due.
    assert await report_digests_job(FrozenClock(MONDAY - DAY), sender) == 0
    assert await report_digests_job(FrozenClock(MONDAY), sender) == 2
    last_week = Period(dt.date(2026, 11, 23), dt.date(2026, 11, 30), LAGOS)
    title = _title(MANAGERS, "Last week", last_week)
    photos, documents = await _files(dayo)
    assert photos[0].params["caption"] == f"Your weekly report digest.\n{title}"
    assert [row[:2] for row in _sheet(documents[0])[1:]] == [
        ["Bola Ade", 1],
        ["Tunde Bakare", 1],
    ]
    # The manager's digest holds their own figures only.
    _photos, documents = await _files(tunde)
    assert [row[:2] for row in _sheet(documents[0])[1:]] == [["Tunde Bakare", 1]]
    assert (await ReportDigest.get(id=digest.id)).last_period_start == last_week.start

    # Again on Monday, and on Tuesday: nothing more.
    assert await report_digests_job(FrozenClock(MONDAY + HOUR), sender) == 0
    assert await report_digests_job(FrozenClock(MONDAY + DAY), sender) == 0
    assert len(_to(dayo, "sendDocument")) == 1 and len(_to(tunde, "sendDocument")) == 1

    # The director turns it off; next Monday only Tunde's comes.
    await dayo.press("Reports")
    await dayo.expect("Reports. Which one?")
    await dayo.press("Managers' work")
    on = await dayo.expect("For which period?")
    assert "Weekly digest: on" in on.text
    await dayo.press("Stop the weekly digest")
    off = await dayo.expect("Done: the weekly digest is off.")
    assert "Send it to me weekly" in labels(off)
    assert not await ReportDigest.filter(employee_id=director.id).exists()
    assert await AuditLog.filter(action="report_digest.off", employee_id=director.id).count() == 1
    assert await report_digests_job(FrozenClock(MONDAY + 7 * DAY), sender) == 1
    # Nothing happened that week: Tunde hears so, in words.
    quiet = await tunde.expect("Your weekly report digest.")
    week = Period(dt.date(2026, 11, 30), dt.date(2026, 12, 7), LAGOS)
    assert quiet.text == (
        f"Your weekly report digest.\n{_title(MANAGERS, 'Last week', week)}\n\n"
        "No data for this period."
    )
    assert len(_to(dayo, "sendDocument")) == 1


async def test_a_monthly_digest_goes_on_the_first_for_the_month_before(chat_factory, runtime):
    dayo, _director = await staff(chat_factory, "Dayo Director", Role.DIRECTOR)
    await _manager_with_client("Tunde Bakare", utc(2026, 11, 10, 10))
    await dayo.press("Reports")
    await dayo.expect("Reports. Which one?")
    await dayo.press("Managers' work")
    await dayo.expect("For which period?")
    await dayo.press("Send it to me monthly")
    await dayo.expect("Done: this report will come on the 1st of every month.")

    first = utc(2026, 12, 1, 7, 0)  # 08:00 in Lagos on Tuesday 1 December
    assert await report_digests_job(FrozenClock(MONDAY), runtime.report_sender) == 0
    assert await report_digests_job(FrozenClock(first), runtime.report_sender) == 1
    assert await report_digests_job(FrozenClock(first + HOUR), runtime.report_sender) == 0
    november = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
    photos, documents = await _files(dayo)
    title = _title(MANAGERS, "Last month", november)
    assert photos[0].params["caption"] == f"Your monthly report digest.\n{title}"
    assert [row[:2] for row in _sheet(documents[0])[1:]] == [["Tunde Bakare", 1]]


def _after(chat, call: Call) -> list[Call]:
    """What the bot sent the chat after `call`, in order."""
    calls = [c for c in chat.api.calls if int(c.params.get("chat_id", 0)) == chat.user_id]
    return calls[calls.index(call) + 1 :]


def _said_with_the_files(chat, document: Call) -> tuple[str, Call]:
    """The file's caption and the messages sent after it, as one text; and the last of them
    (which carries the keyboard)."""
    later = [c for c in _after(chat, document) if c.method == "sendMessage"]
    text = "\n\n".join([document.params.get("caption", ""), *(c.params["text"] for c in later)])
    return text, (later or [document])[-1]


def _buttons(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def _monthly_digest(employee: Employee, report: str) -> None:
    await ReportDigest.create(employee=employee, report=report, frequency=DigestFrequency.MONTHLY)


async def test_the_carriers_digest_carries_its_notes_in_each_readers_language(
    chat_factory, runtime
):
    await _carriers()
    dayo, director = await staff(chat_factory, "Dayo Director", Role.DIRECTOR)
    olga, russian = await staff(chat_factory, "Olga Director", Role.DIRECTOR)
    await Employee.filter(id=russian.id).update(language="ru")
    for person in (director, russian):
        await _monthly_digest(person, "carriers")
    assert await report_digests_job(FrozenClock(FIRST_OF_DECEMBER), runtime.report_sender) == 2

    weights = "Change the weights: http://ona.test/admin/carrier-scoring"
    photos, documents = await _files(dayo)
    said, last = _said_with_the_files(dayo, documents[0])
    assert photos[0].params["caption"].startswith("Your monthly report digest.\nCarriers")
    assert said.startswith(f"The full report: {_link(NOVEMBER, 'carriers')}\n\nNotes\n")
    assert f"\n• {FORMULA} {weights}\n• Shipments: those created in the period" in said
    assert len(documents[0].params["caption"]) <= 1024
    assert _buttons(last) == ["Other periods and digests", "Reports", "Menu"]
    # The spreadsheet says the same under its table.
    assert sheet_values(_upload(documents[0], "document").data)[-2][0] == f"{FORMULA} {weights}"

    _photos, documents = await _files(olga)
    said, last = _said_with_the_files(olga, documents[0])
    assert "Заметки\n• Оценка надёжности (0–100) = 100 × (0,5 × доля доставок вовремя" in said
    assert "Изменить веса: http://ona.test/admin/carrier-scoring" in said
    assert "Reliability score" not in said
    assert len(documents[0].params["caption"]) <= 1024
    assert _buttons(last) == ["Другие периоды и сводки", "Отчёты", "Меню"]


async def test_on_viber_the_notes_follow_the_summary(chat_factory, runtime):
    await _routes_month()
    vera, director = await staff(chat_factory, "Vera Director", Role.DIRECTOR, "viber")
    await _monthly_digest(director, "routes")
    assert await report_digests_job(FrozenClock(FIRST_OF_DECEMBER), runtime.report_sender) == 1
    summary = await vera.expect("Your monthly report digest.")
    notes = "\n".join(["Notes", *(f"• {note}" for note in ROUTE_NOTES)])
    assert summary.text.endswith(f"The full report: {_link(NOVEMBER, 'routes')}\n\n{notes}")
    assert labels(summary) == ["Other periods and digests", "Reports", "Menu"]


class _NotedReport(Report):
    """A report whose notes are longer than a caption, or than a message."""

    key = "noted"
    title = "Noted"
    question = "With long notes?"
    roles = frozenset({Role.DIRECTOR})
    row_key = "name"
    columns: ClassVar[list[Column]] = [Column("name", "Name", Kind.TEXT)]
    note_length = 1500

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        return [{"name": "one"}]

    def notes(self) -> list[str]:
        return ["Short note.", " ".join(["word"] * (self.note_length // 5))]


@pytest.mark.parametrize(
    ("channel", "length"),
    # Over a caption's 1024 characters; over a message's 4000 (on Viber too).
    [("telegram", 1500), ("telegram", 9000), ("viber", 9000)],
)
async def test_long_notes_come_in_a_message_of_their_own(
    chat_factory, monkeypatch, channel, length
):
    report = _NotedReport()
    report.note_length = length
    monkeypatch.setitem(REGISTRY, report.key, report)
    dayo, _director = await staff(chat_factory, "Dayo Director", Role.DIRECTOR, channel)
    period = _this_month()
    await dayo.press_data("rp:p:noted:this_month")
    notes = await dayo.expect("Notes\n• Short note.\n• word word")
    assert len(notes.text) <= 4000
    assert notes.text.endswith("…" if length > 4000 else " word")
    assert labels(notes) == ["Other periods and digests", "Reports", "Menu"]
    if channel == "telegram":
        [document] = _to(dayo, "sendDocument")
        assert document.params["caption"] == _title("Noted", "This month", period)
        assert "reply_markup" not in document.params
        assert [c.params.get("text") for c in _after(dayo, document)] == [notes.text]
    else:
        summary = dayo.said()[-2]
        assert summary.startswith(_title("Noted", "This month", period))
        assert summary.endswith(f"The full report: {_link(period, 'noted')}")
        assert not labels(dayo.bot_messages()[-2])

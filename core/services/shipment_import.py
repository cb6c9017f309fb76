"""Carriers' status files: a CSV of events, each good row stored, each bad one reported.

Columns (the first row names them, in any order; `,` `;` or tab; UTF-8 with or without BOM):
`number`, `status`, `occurred_at` (required), `place`, `note`, `leg` (optional). A status is
its code (`picked_up`) or its English name (`Picked up`); a time without a zone is the
company's local time.

Unlike the configuration imports (all rows or none), a status file is a log: every row is
its own use case (`record_event`, one transaction each), so a bad row is reported with its
line number and reason and never undoes the good ones, and no row is ever half-written.
Each row carries an idempotency key made from its content, so importing the same file
twice stores its events once.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from core.errors import InvalidInput, NotFound, OnaError, PermissionDenied
from core.i18n import N_, gettext
from core.models import EventSource, ShipmentStatus
from core.services.access import Actor, Permission, require
from core.services.shipment_status import STATUS_LABELS
from core.services.shipments import EventInput, record_event

COLUMNS = ("number", "status", "occurred_at", "place", "note", "leg")
REQUIRED = ("number", "status", "occurred_at")
MAX_ROWS = 5000
_STATUS_NAMES = {
    **{status.value: status for status in ShipmentStatus},
    **{label.lower(): status for status, label in STATUS_LABELS.items()},
}


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # the line of the file (the header is line 1); 0 for the file as a whole
    column: str
    message: str  # translated


@dataclass(slots=True)
class ImportReport:
    stored: list[tuple[int, str, ShipmentStatus]] = field(default_factory=list)
    repeated: list[tuple[int, str]] = field(default_factory=list)  # already imported before
    problems: list[Problem] = field(default_factory=list)


class _RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


def _status(raw: str) -> ShipmentStatus:
    found = _STATUS_NAMES.get(raw.strip().lower().replace(" ", "_")) or _STATUS_NAMES.get(
        raw.strip().lower()
    )
    if found is None:
        raise _RowError(
            "status",
            gettext(
                N_("Unknown status. Use one of: {codes}."),
                codes=", ".join(s.value for s in ShipmentStatus),
            ),
        )
    return found


def _moment(raw: str, zone: ZoneInfo) -> dt.datetime:
    text = raw.strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2100:
        raise _RowError("occurred_at", gettext(N_("Enter a date and time like 2026-12-31 09:00.")))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


def _leg(raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 2:
        raise _RowError("leg", gettext(N_("This shipment has no such leg.")))
    return int(text)


def _row_key(number: str, status: ShipmentStatus, moment: dt.datetime, leg: int | None) -> str:
    digest = hashlib.sha256(f"{number}|{status}|{moment.isoformat()}|{leg}".encode()).hexdigest()
    return f"csv:{digest[:40]}"


def _read(data: bytes) -> tuple[csv.DictReader | None, Problem | None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, Problem(
            0, "", gettext(N_("The file is not UTF-8 text. Save it as CSV UTF-8."))
        )
    if "\x00" in text or not text.strip():
        return None, Problem(0, "", gettext(N_("This is not a CSV file. Save it as CSV UTF-8.")))
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        return None, Problem(
            1,
            ", ".join(missing),
            gettext(N_("The file needs these columns: {columns}."), columns=", ".join(COLUMNS)),
        )
    reader.fieldnames = headers
    return reader, None


async def import_events(
    actor: Actor, data: bytes, zone: ZoneInfo, now: dt.datetime
) -> ImportReport:
    """Store the file's events one row at a time; report what was stored and what was not."""
    require(actor, Permission.REPORT_SHIPMENT_EVENTS)
    report = ImportReport()
    reader, problem = _read(data)
    if reader is None:
        report.problems.append(problem)  # type: ignore[arg-type]
        return report
    try:
        for count, row in enumerate(reader):
            line = reader.line_num
            if count >= MAX_ROWS:
                report.problems.append(
                    Problem(line, "", gettext(N_("At most {rows} rows per file."), rows=MAX_ROWS))
                )
                break
            values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            if not any(values.values()):
                continue
            await _import_row(actor, line, values, zone, now, report)
    except csv.Error:
        report.problems.append(
            Problem(
                reader.line_num, "", gettext(N_("This is not a CSV file. Save it as CSV UTF-8."))
            )
        )
    return report


async def _import_row(
    actor: Actor,
    line: int,
    values: dict[str, str],
    zone: ZoneInfo,
    now: dt.datetime,
    report: ImportReport,
) -> None:
    number = values.get("number", "").upper()
    try:
        if not number:
            raise _RowError("number", gettext(N_("This field is required.")))
        status = _status(values.get("status", ""))
        moment = _moment(values.get("occurred_at", ""), zone)
        leg = _leg(values.get("leg", ""))
        try:
            data = EventInput(
                status=status,
                occurred_at=moment,
                place=values.get("place", ""),
                note=values.get("note", ""),
                leg=leg,
            )
        except ValidationError as exc:
            where = str(exc.errors()[0]["loc"][0]) if exc.errors() else "status"
            raise _RowError(where, gettext(N_("Check this value."))) from None
        recorded = await record_event(
            actor,
            number,
            data,
            now,
            source=EventSource.IMPORT,
            idempotency_key=_row_key(number, status, moment, leg),
        )
    except _RowError as exc:
        report.problems.append(Problem(line, exc.column, exc.message))
    except NotFound:
        report.problems.append(
            Problem(line, "number", gettext(N_("No shipment with this number.")))
        )
    except PermissionDenied:
        report.problems.append(Problem(line, "leg", gettext(N_("You cannot report on this leg."))))
    except InvalidInput as exc:
        report.problems.append(Problem(line, exc.field, gettext(exc.msgid, **exc.params)))
    except OnaError as exc:
        report.problems.append(Problem(line, "", gettext(exc.msgid, **exc.params)))
    else:
        if recorded.created:
            report.stored.append((line, number, status))
        else:
            report.repeated.append((line, number))

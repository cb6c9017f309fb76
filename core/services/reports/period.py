"""Report periods: whole days in the company's time zone, turned into UTC bounds for SQL.

A period is [start, end) in local dates, so "November" is 1 November 00:00 to 1 December
00:00 where the company is, whatever the offset or a daylight-saving change in between.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from core.i18n import N_

MAX_DAYS = 3 * 366


class Preset(StrEnum):
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    THIS_YEAR = "this_year"
    LAST_YEAR = "last_year"
    LAST_7_DAYS = "last_7_days"
    LAST_WEEK = "last_week"
    CUSTOM = "custom"


PRESET_LABELS = {
    Preset.THIS_MONTH: N_("This month"),
    Preset.LAST_MONTH: N_("Last month"),
    Preset.THIS_QUARTER: N_("This quarter"),
    Preset.THIS_YEAR: N_("This year"),
    Preset.LAST_YEAR: N_("Last year"),
    Preset.LAST_7_DAYS: N_("Last 7 days"),
    Preset.LAST_WEEK: N_("Last week"),
    Preset.CUSTOM: N_("Dates"),
}


class Compare(StrEnum):
    NONE = "none"
    PREVIOUS = "previous"
    LAST_YEAR = "last_year"


COMPARE_LABELS = {
    Compare.NONE: N_("No comparison"),
    Compare.PREVIOUS: N_("Previous period"),
    Compare.LAST_YEAR: N_("Same period last year"),
}


def _month_start(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive
    zone: ZoneInfo

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def utc_start(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), self.zone).astimezone(dt.UTC)

    @property
    def utc_end(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time(), self.zone).astimezone(dt.UTC)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        """The period just before, of the same kind: a month before a month, else as long."""
        if self.start.day == 1 and self.end.day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            return Period(_month_start(self.start, months), self.start, self.zone)
        return Period(self.start - dt.timedelta(days=self.days), self.start, self.zone)

    def last_year(self) -> Period:
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1), self.zone)

    def compared(self, compare: Compare) -> Period | None:
        if compare is Compare.PREVIOUS:
            return self.previous()
        if compare is Compare.LAST_YEAR:
            return self.last_year()
        return None

    def months(self) -> list[Period]:
        """The calendar months the period touches, each cut to the period."""
        months = []
        start = self.start
        while start < self.end:
            following = _month_start(_month_start(start) + dt.timedelta(days=32))
            months.append(Period(start, min(following, self.end), self.zone))
            start = following
        return months


def preset_period(preset: Preset, today: dt.date, zone: ZoneInfo) -> Period:
    if preset is Preset.THIS_MONTH:
        return Period(_month_start(today), _month_start(today, -1), zone)
    if preset is Preset.LAST_MONTH:
        return Period(_month_start(today, 1), _month_start(today), zone)
    if preset is Preset.THIS_QUARTER:
        first = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return Period(first, _month_start(first, -3), zone)
    if preset is Preset.THIS_YEAR:
        return Period(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1), zone)
    if preset is Preset.LAST_YEAR:
        return Period(dt.date(today.year - 1, 1, 1), dt.date(today.year, 1, 1), zone)
    if preset is Preset.LAST_7_DAYS:
        return Period(today - dt.timedelta(days=6), today + dt.timedelta(days=1), zone)
    if preset is Preset.LAST_WEEK:
        monday = today - dt.timedelta(days=today.weekday())
        return Period(monday - dt.timedelta(days=7), monday, zone)
    raise ValueError(preset)


def custom_period(first: dt.date, last: dt.date, zone: ZoneInfo) -> Period:
    """From `first` to `last`, both included, as people pick them."""
    if last < first:
        raise InvalidInput("to", N_("The end date is before the start date."))
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput("to", N_("Choose a period of at most three years."))
    return Period(first, last + dt.timedelta(days=1), zone)

"""Marketing costs, entered by the month: what each acquisition source cost (MarketingCost)
and what the campaigns of the month cost (Campaign.cost), for report 4.

A month's sheet lists every active source, the inactive ones that have a cost that month,
and codes with a cost whose source was since removed; and the campaigns that started in
the month (or, not started yet, are scheduled for it) in the company's time zone. Saving
writes the whole sheet in one transaction with its audit entries; an empty amount clears it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, PermissionDenied
from core.i18n import N_
from core.models import Campaign, MarketingCost, MarketingSource
from core.services.access import Actor, Permission
from core.services.audit import changes, record
from core.services.reports.period import Period

MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")
MAX_AMOUNT = Decimal("999999999999.99")  # the column's 14 digits, 2 after the point
CENT = Decimal("0.01")
AUDIT_TYPE = "marketing_cost"


@dataclass(frozen=True, slots=True)
class SourceLine:
    code: str
    name: str
    active: bool
    amount: Decimal | None

    @property
    def field(self) -> str:
        return f"source.{self.code}"


@dataclass(frozen=True, slots=True)
class CampaignLine:
    id: int
    name: str
    starts: dt.datetime | None  # started, or else scheduled
    cost: Decimal | None

    @property
    def field(self) -> str:
        return f"campaign.{self.id}"


@dataclass(frozen=True, slots=True)
class CostSheet:
    month: dt.date
    sources: list[SourceLine]
    campaigns: list[CampaignLine]


class SheetInvalid(InvalidInput):
    """Several amounts are wrong: each field with its message id and parameters."""

    def __init__(self, errors: dict[str, InvalidInput]) -> None:
        self.errors = errors
        first = next(iter(errors.values()))
        super().__init__(first.field, first.msgid, **first.params)


def parse_month(raw: str | None) -> dt.date:
    """ "2026-11" (what a month input sends) as the month's first day."""
    found = MONTH.match((raw or "").strip())
    if found is not None:
        year, month = int(found.group(1)), int(found.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise InvalidInput("month", N_("Enter a month like 2026-11."))


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def parse_amount(field: str, raw: str | None) -> Decimal | None:
    """An amount as typed ("1 250,50" too); empty is no amount."""
    text = "".join((raw or "").split()).replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(field, N_("Enter a number like 1250.50.")) from None
    if not value.is_finite():
        raise InvalidInput(field, N_("Enter a number like 1250.50."))
    if value < 0:
        raise InvalidInput(field, N_("Enter zero or more."))
    if value > MAX_AMOUNT:
        raise InvalidInput(field, N_("Enter a number of at most {le}."), le="999999999999.99")
    if value != value.quantize(CENT):
        raise InvalidInput(field, N_("Enter at most two digits after the point."))
    return value.quantize(CENT)


async def cost_sheet(month: dt.date, zone: ZoneInfo) -> CostSheet:
    month = month_of(month)
    costs = {
        row.source: row.amount for row in await MarketingCost.filter(month=month).order_by("id")
    }
    sources = [
        SourceLine(s.code, s.name, s.is_active, costs.get(s.code))
        for s in await MarketingSource.filter(
            Q(is_active=True) | Q(code__in=list(costs))
        ).order_by("name", "id")
    ]
    named = {line.code for line in sources}
    sources += [
        SourceLine(code, code, False, amount)
        for code, amount in sorted(costs.items())
        if code not in named
    ]
    bounds = Period(month, next_month(month), zone)
    started = Q(started_at__gte=bounds.utc_start, started_at__lt=bounds.utc_end)
    scheduled = Q(
        started_at__isnull=True,
        scheduled_at__gte=bounds.utc_start,
        scheduled_at__lt=bounds.utc_end,
    )
    campaigns = [
        CampaignLine(c.id, c.name, c.started_at or c.scheduled_at, c.cost)
        for c in await Campaign.filter(started | scheduled).order_by("id")
    ]
    campaigns.sort(key=lambda c: (c.starts or dt.datetime.max.replace(tzinfo=dt.UTC), c.id))
    return CostSheet(month, sources, campaigns)


def read_sheet(
    sheet: CostSheet, form: Mapping[str, str]
) -> tuple[dict[str, Decimal | None], dict[int, Decimal | None]]:
    """The amounts the form gives for the sheet's lines; a line the form leaves out is left
    as it is. Raises SheetInvalid naming every wrong field."""
    errors: dict[str, InvalidInput] = {}
    sources: dict[str, Decimal | None] = {}
    campaigns: dict[int, Decimal | None] = {}
    for line in sheet.sources:
        if line.field in form:
            try:
                sources[line.code] = parse_amount(line.field, form[line.field])
            except InvalidInput as exc:
                errors[line.field] = exc
    for item in sheet.campaigns:
        if item.field in form:
            try:
                campaigns[item.id] = parse_amount(item.field, form[item.field])
            except InvalidInput as exc:
                errors[item.field] = exc
    if errors:
        raise SheetInvalid(errors)
    return sources, campaigns


async def save_sheet(actor: Actor, month: dt.date, zone: ZoneInfo, form: Mapping[str, str]) -> int:
    """Write the month's amounts from the form, all or nothing; returns how many changed."""
    if not actor.can(Permission.MANAGE_SOURCES):
        raise PermissionDenied()
    sheet = await cost_sheet(month, zone)
    sources, campaigns = read_sheet(sheet, form)
    try:
        return await _write(actor, sheet, sources, campaigns)
    except IntegrityError:  # someone saved the same month at the same moment
        raise InvalidInput(
            "month", N_("These costs were just saved by someone else. Check them and save again.")
        ) from None


async def _write(
    actor: Actor,
    sheet: CostSheet,
    sources: dict[str, Decimal | None],
    campaigns: dict[int, Decimal | None],
) -> int:
    changed = 0
    async with in_transaction() as conn:
        before: dict[str, Decimal | None] = {}
        after: dict[str, Decimal | None] = {}
        for line in sheet.sources:
            if line.code not in sources or sources[line.code] == line.amount:
                continue
            amount = sources[line.code]
            stored = MarketingCost.filter(source=line.code, month=sheet.month).using_db(conn)
            if amount is None:
                await stored.delete()
            elif line.amount is None:
                await MarketingCost.create(
                    source=line.code,
                    month=sheet.month,
                    amount=amount,
                    created_by_id=actor.employee_id,
                    using_db=conn,
                )
            else:
                await stored.update(amount=amount, created_by_id=actor.employee_id)
            before[line.code], after[line.code] = line.amount, amount
        if after:
            details = changes(before, after)
            month = sheet.month.isoformat()[:7]
            await record(actor, "updated", AUDIT_TYPE, month, details, connection=conn)
            changed += len(after)
        for item in sheet.campaigns:
            if item.id not in campaigns or campaigns[item.id] == item.cost:
                continue
            cost = campaigns[item.id]
            await Campaign.filter(id=item.id).using_db(conn).update(cost=cost)
            details = changes({"cost": item.cost}, {"cost": cost})
            await record(actor, "updated", "mail_campaign", item.id, details, connection=conn)
            changed += 1
    return changed

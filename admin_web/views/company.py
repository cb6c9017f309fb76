"""Company settings: one form, with its history, in the same pattern as every section."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from functools import cache
from typing import Any

from aiohttp import web
from babel import Locale
from babel.numbers import list_currencies
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.keys import SETTINGS
from admin_web.routing import get, post
from admin_web.sections import Field, Kind, Section, static_choices
from core.errors import InvalidInput
from core.i18n import N_, current_locale
from core.models import Company
from core.services import pricing
from core.services.access import Actor, Permission
from core.services.company import current_company, forget_company

WEEKDAYS = static_choices(
    [
        ("0", N_("Monday")),
        ("1", N_("Tuesday")),
        ("2", N_("Wednesday")),
        ("3", N_("Thursday")),
        ("4", N_("Friday")),
        ("5", N_("Saturday")),
        ("6", N_("Sunday")),
    ]
)


TIMES = ("work_starts", "work_ends", "quiet_starts", "quiet_ends")


@cache
def _zones() -> list[tuple[str, str]]:
    return [(z, z.replace("_", " ")) for z in sorted(zoneinfo.available_timezones()) if "/" in z]


async def _time_zones(actor: Actor) -> list[tuple[str, str]]:
    return _zones()


async def _currencies(actor: Actor) -> list[tuple[str, str]]:
    names = Locale.parse(current_locale()).currencies
    return [(code, f"{code} — {names.get(code, code)}") for code in sorted(list_currencies())]


FACTORS = {
    "factor_road": pricing.Mode.ROAD,
    "factor_rail": pricing.Mode.RAIL,
    "factor_sea": pricing.Mode.SEA,
    "factor_air": pricing.Mode.AIR,
}
MAX_FACTOR = Decimal(10_000)


class CompanySection(Section):
    key = "company"
    model = Company
    title = N_("Company settings")
    item_title = N_("Company settings")
    view_permission = Permission.MANAGE_COMPANY
    edit_permission = Permission.MANAGE_COMPANY
    fields = (
        Field("name", N_("Company name"), required=True),
        Field("currency", N_("Currency"), Kind.SELECT, required=True, choices=_currencies),
        Field("timezone", N_("Time zone"), Kind.SELECT, required=True, choices=_time_zones),
        Field("work_days", N_("Working days"), Kind.MULTI, choices=WEEKDAYS),
        Field("work_starts", N_("Working hours start"), Kind.TIME),
        Field("work_ends", N_("Working hours end"), Kind.TIME),
        Field(
            "quiet_starts",
            N_("Quiet hours start"),
            Kind.TIME,
            help=N_("No non-urgent messages to clients between these times, e.g. 21:00–08:00."),
        ),
        Field("quiet_ends", N_("Quiet hours end"), Kind.TIME),
        Field(
            "vat_percent",
            N_("VAT, percent"),
            Kind.DECIMAL,
            help=N_("Shown on every quote, e.g. 7.5. Leave empty or 0 for none."),
        ),
        Field("prices_include_vat", N_("Prices already include VAT"), Kind.CHECKBOX),
        Field(
            "factor_road",
            N_("Volumetric factor, road (kg per m³)"),
            Kind.DECIMAL,
            help=N_(
                "Chargeable weight is the larger of the weight and the volume times this. "
                "Empty: the usual 333 road and rail, 1000 sea, 167 air."
            ),
        ),
        Field("factor_rail", N_("Volumetric factor, rail (kg per m³)"), Kind.DECIMAL),
        Field("factor_sea", N_("Volumetric factor, sea (kg per m³)"), Kind.DECIMAL),
        Field("factor_air", N_("Volumetric factor, air (kg per m³)"), Kind.DECIMAL),
    )

    async def values_of(self, obj: Model) -> dict[str, Any]:
        values = {f.name: getattr(obj, f.name, None) for f in self.fields}
        percent = (Decimal(obj.vat_rate) * 100).normalize()  # type: ignore[attr-defined]
        values["vat_percent"] = f"{percent:f}"
        return values

    def url(self, suffix: str = "") -> str:
        return "/admin/company" + ("/history" if suffix.endswith("/history") else "")

    def form_action(self, obj: Model | None) -> str:
        return self.url()

    def history_url(self, obj: Model) -> str:
        return self.url("/history")

    async def get_item(self, request: web.Request) -> Model:
        settings = request.config_dict[SETTINGS]
        return await current_company(settings.currency, settings.timezone)

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        starts, ends = values.get("work_starts"), values.get("work_ends")
        if (starts is None) != (ends is None):
            raise InvalidInput("work_ends", N_("Give both the start and the end."))
        if starts is not None and ends is not None and ends <= starts:
            raise InvalidInput("work_ends", N_("The end must be after the start."))
        if (values.get("quiet_starts") is None) != (values.get("quiet_ends") is None):
            raise InvalidInput("quiet_ends", N_("Give both the start and the end."))
        values["work_days"] = sorted(values.get("work_days") or [], key=int)
        percent = values.pop("vat_percent", None) or Decimal(0)
        if not Decimal(0) <= percent < 100:
            raise InvalidInput("vat_percent", N_("Enter a percentage from 0 to 99.99."))
        values["vat_rate"] = (percent / 100).quantize(Decimal("0.0001"))
        for name, mode in FACTORS.items():
            if values.get(name) is None:
                values[name] = pricing.DEFAULT_VOLUMETRIC_FACTORS[mode]
            if not Decimal(0) < values[name] <= MAX_FACTOR:
                raise InvalidInput(name, N_("Enter more than 0 and at most 10000."))
        for name in TIMES:
            moment = values.get(name)
            values[name] = moment.strftime("%H:%M") if moment is not None else None

    async def update(
        self, actor: Actor, obj: Model, values: dict[str, Any], conn: BaseDBAsyncClient
    ) -> None:
        await super().update(actor, obj, values, conn)
        forget_company()

    def routes(self) -> list:
        return [
            get("/company", self.edit_page, "company", self.view_permission),
            post("/company", self.update_submit, "company.update", Permission.MANAGE_COMPANY),
            get("/company/history", self.history_page, "company.history", self.view_permission),
        ]


SECTION = CompanySection()
ROUTES = SECTION.routes()

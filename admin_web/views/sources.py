"""Marketing sources: where clients come from, so the reports can weigh each source's cost."""

from __future__ import annotations

import re
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.sections import Column, Field, Filter, Kind, Section, static_choices
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import MarketingSource
from core.services.access import Actor, Permission

CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
ACTIVE = static_choices([("yes", N_("Active")), ("no", N_("Inactive"))])


class SourcesSection(Section):
    key = "sources"
    model = MarketingSource
    title = N_("Marketing sources")
    item_title = N_("Marketing source")
    view_permission = Permission.MANAGE_SOURCES
    edit_permission = Permission.MANAGE_SOURCES
    search = ("name", "code")
    order_by = ("name",)
    importable = True
    columns = (
        Column(N_("Name"), lambda s: s.name, link=True),
        Column(N_("Code"), lambda s: s.code),
        Column(N_("Status"), lambda s: _("Active") if s.is_active else _("Inactive")),
    )
    fields = (
        Field("name", N_("Name"), required=True),
        Field(
            "code",
            N_("Code"),
            required=True,
            max_length=100,
            help=N_("A short key kept on each client, e.g. facebook-ads. Lower case, no spaces."),
        ),
        Field("is_active", N_("Active"), Kind.CHECKBOX),
    )
    filters = (
        Filter("status", N_("Status"), ACTIVE, lambda q, v: q.filter(is_active=v == "yes")),
    )

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {"is_active": True}

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        code = values["code"] = values["code"].lower()
        if not CODE.match(code):
            raise InvalidInput("code", N_("Use lower-case letters, digits, dots, dashes."))
        clash = MarketingSource.filter(code=code).using_db(conn)
        if obj is not None:
            clash = clash.exclude(id=obj.pk)
        if await clash.exists():
            raise InvalidInput("code", N_("This code is already used."))


SECTION = SourcesSection()
ROUTES = SECTION.routes()

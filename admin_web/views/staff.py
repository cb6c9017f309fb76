"""Users and roles: the company's staff, their panel sign-in, and invites to the bot."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import aiohttp_jinja2
import segno
from aiohttp import web
from markupsafe import Markup
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from admin_web.auth import ACTOR
from admin_web.keys import CHANNELS, CLOCK, SETTINGS
from admin_web.params import path_id
from admin_web.routing import post
from admin_web.sections import Column, Field, Filter, Kind, Section
from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput
from core.i18n import LANGUAGE_NAMES, N_, _
from core.models import Carrier, Channel, Employee, Role
from core.services.access import ROLE_LABELS, Actor, Permission, may_assign
from core.services.auth import MIN_PASSWORD, end_sessions_of, hash_password
from core.services.staff import invite_links, issue_invite


async def _roles(actor: Actor) -> list[tuple[str, str]]:
    return [(role.value, _(ROLE_LABELS[role])) for role in Role if may_assign(actor, role)]


async def _all_roles(actor: Actor) -> list[tuple[str, str]]:
    return [(role.value, _(ROLE_LABELS[role])) for role in Role]


async def _languages(actor: Actor) -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LANGUAGES]


async def _carriers(actor: Actor) -> list[tuple[str, str]]:
    """Carrier companies: whose shipments a person with the carrier role works on."""
    rows = await Carrier.all().order_by("name", "id").values_list("id", "name")
    return [(str(i), n) for i, n in rows]


async def _heads(actor: Actor) -> list[tuple[str, str]]:
    """Active heads of sales: the teams a manager can be put in."""
    heads = Employee.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("name", "id")
    return [(str(i), n) for i, n in await heads.values_list("id", "name")]


class StaffSection(Section):
    key = "staff"
    model = Employee
    title = N_("Users and roles")
    item_title = N_("User")
    view_permission = Permission.MANAGE_STAFF
    edit_permission = Permission.MANAGE_STAFF
    form_template = "staff_form.html"
    search = ("name", "login", "email")
    order_by = ("name",)
    prefetch = ("identities",)
    columns = (
        Column(N_("Name"), lambda e: e.name, link=True),
        Column(N_("Role"), lambda e: _(ROLE_LABELS[e.role])),
        Column(N_("Login"), lambda e: e.login or ""),
        Column(N_("Messengers"), lambda e: ", ".join(sorted(i.channel for i in e.identities))),
        Column(N_("Status"), lambda e: _("Active") if e.is_active else _("Blocked")),
    )
    fields = (
        Field("name", N_("Name"), required=True),
        Field("role", N_("Role"), Kind.SELECT, required=True, choices=_roles),
        Field(
            "login",
            N_("Login for the web panel"),
            max_length=100,
            help=N_("Leave empty for people who work only in the bot."),
        ),
        Field("email", N_("Email"), Kind.EMAIL, max_length=254),
        Field("language", N_("Language"), Kind.SELECT, required=True, choices=_languages),
        Field(
            "password",
            N_("New password"),
            Kind.PASSWORD,
            secret=True,
            help=N_("At least 10 characters. Leave empty to keep the current one."),
        ),
        Field(
            "head_id",
            N_("Head of sales"),
            Kind.SELECT,
            choices=_heads,
            help=N_(
                "For managers: whose team they are in. Leave empty when there is one sales "
                "team: every head of sales then sees this manager's work."
            ),
        ),
        Field(
            "carrier_id",
            N_("Carrier company"),
            Kind.SELECT,
            choices=_carriers,
            help=N_(
                "For the carrier role: the company whose shipments this person sees and "
                "reports on. They never see prices or other carriers' work."
            ),
        ),
        Field(
            "reminder_time",
            N_("Reminder time"),
            Kind.TIME,
            help=N_("When the bot sends the day's tasks, in the company's time zone."),
        ),
        Field(
            "on_duty",
            N_("On duty"),
            Kind.CHECKBOX,
            help=N_("Off duty, live chats with this person's clients go to the sales queue."),
        ),
        Field("is_active", N_("Active"), Kind.CHECKBOX),
    )
    filters = (
        Filter("role", N_("Role"), _all_roles, lambda q, v: q.filter(role=v)),
        Filter(
            "status",
            N_("Status"),
            lambda actor: _status_choices(),
            lambda q, v: q.filter(is_active=v == "active"),
        ),
    )

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {
            "is_active": True,
            "language": "en",
            "role": Role.MANAGER.value,
            "reminder_time": DEFAULT_REMINDER,
            "on_duty": True,
        }

    async def values_of(self, obj: Model) -> dict[str, Any]:
        values = await super().values_of(obj)
        values["password"] = None
        values["head_id"] = str(obj.head_id) if obj.head_id else None  # type: ignore[attr-defined]
        carrier = obj.carrier_id  # type: ignore[attr-defined]
        values["carrier_id"] = str(carrier) if carrier else None
        return values

    async def choice_label(self, f: Field, value: str) -> str:
        if f.name == "head_id" and value.isdigit():
            found = await Employee.get_or_none(id=int(value))
            return found.name if found else value
        if f.name == "carrier_id" and value.isdigit():
            carrier = await Carrier.get_or_none(id=int(value))
            return carrier.name if carrier else value
        return value

    def can_edit(self, actor: Actor, obj: Model | None) -> bool:
        if not super().can_edit(actor, obj):
            return False
        return obj is None or may_assign(actor, obj.role)  # type: ignore[attr-defined]

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        if values.get("login"):
            values["login"] = values["login"].lower()
            clash = Employee.filter(login=values["login"]).using_db(conn)
            if obj is not None:
                clash = clash.exclude(id=obj.pk)
            if await clash.exists():
                raise InvalidInput("login", N_("This login is already used."))
        password = values.get("password")
        if password is not None and len(password) < MIN_PASSWORD:
            raise InvalidInput("password", N_("Use at least 10 characters."))
        if password and not values.get("login"):
            raise InvalidInput("login", N_("A password needs a login."))
        await _check_team(values, obj, conn)
        _check_carrier(values)
        if obj is not None and obj.pk == actor.employee_id:
            if not values["is_active"]:
                raise InvalidInput("is_active", N_("You cannot block yourself."))
            if values["role"] != obj.role:  # type: ignore[attr-defined]
                raise InvalidInput("role", N_("You cannot change your own role."))

    async def _store(self, values: dict[str, Any]) -> dict[str, Any]:
        stored = {k: v for k, v in values.items() if k != "password"}
        stored["role"] = Role(values["role"])
        stored["head_id"] = int(values["head_id"]) if values.get("head_id") else None
        stored["carrier_id"] = int(values["carrier_id"]) if values.get("carrier_id") else None
        if values.get("password"):
            stored["password_hash"] = await hash_password(values["password"])
        return stored

    async def create(self, actor: Actor, values: dict[str, Any], conn: BaseDBAsyncClient) -> Model:
        return await Employee.create(**(await self._store(values)), using_db=conn)

    async def update(
        self, actor: Actor, obj: Model, values: dict[str, Any], conn: BaseDBAsyncClient
    ) -> None:
        obj.update_from_dict(await self._store(values))
        await obj.save(using_db=conn)
        if values.get("password") or not values["is_active"]:
            # A new password or a block takes effect in every browser at once.
            await end_sessions_of(obj.pk, dt.datetime.now(dt.UTC), conn)


DEFAULT_REMINDER = "09:00"


async def _check_team(values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient) -> None:
    """Only a manager has a head of sales, and it must be an active one; the reminder time
    is kept as the "HH:MM" the bot's scheduler reads."""
    moment = values.get("reminder_time")
    values["reminder_time"] = moment.strftime("%H:%M") if moment else DEFAULT_REMINDER
    head = values.get("head_id")
    if values.get("role") != Role.MANAGER.value:
        values["head_id"] = None
        return
    if head is None:
        return
    if obj is not None and str(obj.pk) == head:
        raise InvalidInput("head_id", N_("Choose someone else as the head of sales."))
    active_head = Employee.filter(id=int(head), role=Role.HEAD_OF_SALES, is_active=True)
    if not await active_head.using_db(conn).exists():
        raise InvalidInput("head_id", N_("Choose an active head of sales."))


def _check_carrier(values: dict[str, Any]) -> None:
    """A carrier's person belongs to one carrier company; the company's own people to none."""
    if values.get("role") != Role.CARRIER.value:
        values["carrier_id"] = None
    elif not values.get("carrier_id"):
        raise InvalidInput("carrier_id", N_("Choose the carrier company this person works for."))


async def _status_choices() -> list[tuple[str, str]]:
    return [("active", _("Active")), ("blocked", _("Blocked"))]


SECTION = StaffSection()


async def invite(request: web.Request) -> web.StreamResponse:
    """A fresh single-use code for this person, shown once with its links and a QR code."""
    actor: Actor = request[ACTOR]
    employee = await Employee.get_or_none(id=path_id(request), is_active=True)
    if employee is None:
        raise web.HTTPNotFound()
    if not may_assign(actor, employee.role):
        raise web.HTTPForbidden()
    settings = request.config_dict[SETTINGS]
    async with in_transaction() as conn:
        issued = await issue_invite(
            employee,
            request.config_dict[CLOCK],
            dt.timedelta(hours=settings.invite_ttl_hours),
            invited_by=actor.name,
            invited_by_id=actor.employee_id,
            connection=conn,
        )
    base = settings.public_url or f"{request.scheme}://{request.host}"
    links = invite_links(
        issued.code,
        base,
        settings.viber_bot_name if settings.viber_auth_token else None,
        await _telegram_username(request),
    )
    best = links.get("telegram") or links["webchat"]
    qr = await asyncio.to_thread(lambda: segno.make(best, error="m").svg_inline(scale=5))
    context = {
        "employee": employee,
        "links": links,
        "qr": Markup(qr),  # noqa: S704 (segno's own SVG markup, built from our URL)
        "qr_link": best,
        "expires_at": issued.expires_at,
        "section": SECTION,
    }
    response = aiohttp_jinja2.render_template("staff_invite.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _telegram_username(request: web.Request) -> str | None:
    bot = request.config_dict[CHANNELS].bot(Channel.TELEGRAM)
    if bot is None:
        return None
    try:
        async with asyncio.timeout(5):
            return (await bot.me()).username
    except Exception:  # the invite still works through the other links
        return None


ROUTES = [
    *SECTION.routes(),
    post(r"/staff/{item_id:\d+}/invite", invite, "staff.invite", Permission.MANAGE_STAFF),
]

"""Clients: the filtered list, the dossier, the edit form, duplicates and merge, XLSX export.

The list and form ride on the section pattern; writes go through core.services.clients (the
same functions the JSON API calls), so validation, scoping and audit are shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from admin_web.auth import ACTOR
from admin_web.downloads import xlsx_response
from admin_web.keys import SETTINGS
from admin_web.params import as_id, path_id
from admin_web.routing import get, post
from admin_web.sections import Column, Field, Filter, Kind, Section, static_choices
from admin_web.sections.section import service_validation
from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput
from core.i18n import LANGUAGE_NAMES, N_, _
from core.models import (
    Channel,
    Client,
    ClientKind,
    Consent,
    ConsentPurpose,
    ConsentState,
    ContactPerson,
    Employee,
    Interaction,
    MarketingSource,
    Order,
    QuoteRequest,
    Tag,
)
from core.services.access import Actor, Permission
from core.services.audit import record
from core.services.clients import (
    ClientChanges,
    ClientFilters,
    ClientInput,
    client_query,
    create_client,
    get_client,
    update_client,
)
from core.services.company import current_company, zone_of
from core.services.consent import record_address_consent
from core.services.dossier import client_dossier
from core.services.interactions import KIND_LABELS
from core.services.merge import find_duplicates, merge_clients
from core.services.pipeline import STATE_LABELS
from core.services.quote_requests import visible_requests
from core.services.xlsx_export import client_columns, export_xlsx, in_chunks

KINDS = [
    (ClientKind.INDIVIDUAL.value, N_("Person")),
    (ClientKind.LEGAL_ENTITY.value, N_("Company")),
]
CONSENT = [
    ("granted", N_("Agreed to messages")),
    ("withdrawn", N_("Withdrew consent")),
    ("none", N_("Never asked")),
]
INTERACTION_KINDS = KIND_LABELS
ACTIVE_WINDOWS = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7)}


async def _managers(actor: Actor) -> list[tuple[str, str]]:
    people = await Employee.filter(is_active=True).order_by("name").values_list("id", "name")
    if actor.sees_only_own_clients:
        people = [(i, n) for i, n in people if i == actor.employee_id]
    return [(str(i), n) for i, n in people]


async def _sources(actor: Actor) -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in await MarketingSource.filter(is_active=True)]


async def _tags(actor: Actor) -> list[tuple[str, str]]:
    return [(t, t) for t in await Tag.all().order_by("name").values_list("name", flat=True)]


async def _languages(actor: Actor) -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LANGUAGES]


def _consented(client: Client) -> str:
    """Channels where the client agreed to messages (a delivery-updates-only answer is not)."""
    channels = sorted(
        s.channel
        for s in client.consent_states
        if s.granted and s.purpose == ConsentPurpose.MESSAGES
    )
    return ", ".join(channels)


def _local_day_start(text: str, zone: Any) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(text)
        return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)
    except (ValueError, OverflowError):  # not a date, or one at the calendar's very edge
        return None


class ClientsSection(Section):
    key = "clients"
    model = Client
    title = N_("Clients")
    item_title = N_("Client")
    view_permission = Permission.VIEW_CLIENTS
    edit_permission = Permission.EDIT_CLIENTS
    edit_suffix = "/edit"
    empty_text = N_("No clients found.")
    list_template = "clients_list.html"
    search = ("name",)  # the service's `q` searches name, company, phone and email
    order_by = ("-created_at", "-id")
    prefetch = ("manager", "tags", "consent_states")
    columns = (
        Column(N_("Name"), lambda c: c.name, link=True),
        Column(N_("Phone"), lambda c: c.phone),
        Column(N_("City"), lambda c: c.city),
        Column(N_("Manager"), lambda c: c.manager.name if c.manager else ""),
        Column(N_("Source"), lambda c: c.source),
        Column(N_("Tags"), lambda c: sorted(t.name for t in c.tags)),
        Column(N_("Consent"), _consented),
        Column(N_("Since"), lambda c: c.created_at),
    )
    filters = (
        Filter("manager_id", N_("Manager"), _managers, lambda q, v: q),
        Filter("source", N_("Source"), _sources, lambda q, v: q),
        Filter("tag", N_("Tag"), _tags, lambda q, v: q),
        Filter("consent", N_("Consent"), static_choices(CONSENT), lambda q, v: q),
    )
    fields = (
        Field("name", N_("Name"), required=True),
        Field("kind", N_("Kind"), Kind.SELECT, required=True, choices=static_choices(KINDS)),
        Field("company_name", N_("Company name")),
        Field("phone", N_("Phone"), max_length=40),
        Field("email", N_("Email"), Kind.EMAIL, max_length=254),
        Field("city", N_("City"), max_length=100),
        Field("language", N_("Language"), Kind.SELECT, required=True, choices=_languages),
        Field("source", N_("Source"), Kind.SELECT, choices=_sources),
        Field("manager_id", N_("Manager"), Kind.SELECT, choices=_managers),
        Field("tags", N_("Tags"), help=N_("Separate tags with commas."), max_length=600),
        Field("notes", N_("Notes"), Kind.TEXTAREA, max_length=5000),
    )

    @staticmethod
    def detail_url(client: Any) -> str:
        return f"/admin/clients/{client.pk}"

    def scope(self, actor: Actor, query: QuerySet) -> QuerySet:
        return client_query(actor, ClientFilters())

    async def list_query(self, actor: Actor, params: dict[str, str]) -> tuple[QuerySet, dict]:
        """The service's filters, plus the ones the dashboard's figures link to."""
        filters = ClientFilters.from_query(params)
        zone = zone_of(await current_company())
        created_from = _local_day_start(params.get("created_from", ""), zone)
        if created_from is not None:
            filters = filters.model_copy(update={"created_after": created_from})
        query = client_query(actor, filters)
        window = ACTIVE_WINDOWS.get(params.get("active_within", ""))
        if window is not None:
            since = dt.datetime.now(dt.UTC) - window
            active = Interaction.filter(created_at__gte=since, channel__not_isnull=True)
            query = query.filter(id__in=Subquery(active.values("client_id")))
        changed = params.get("consent_changed")
        changed_from = _local_day_start(params.get("changed_from", ""), zone)
        if changed in {"granted", "withdrawn"} and changed_from is not None:
            entries = Consent.filter(granted=changed == "granted", created_at__gte=changed_from)
            query = query.filter(id__in=Subquery(entries.values("client_id")))
        chosen = {k: v for k, v in params.items() if k != "page" and v}
        return query, chosen

    async def values_of(self, obj: Model) -> dict[str, Any]:
        await obj.fetch_related("tags")
        values = {f.name: getattr(obj, f.name, None) for f in self.fields}
        values["tags"] = ", ".join(sorted(t.name for t in obj.tags))  # type: ignore[attr-defined]
        values["kind"] = obj.kind.value  # type: ignore[attr-defined]
        values["manager_id"] = str(obj.manager_id) if obj.manager_id else None  # type: ignore[attr-defined]
        return values

    async def choice_label(self, f: Field, value: str) -> str:
        if f.name == "manager_id":
            found = await Employee.get_or_none(id=int(value))
            return found.name if found else value
        return value

    async def initial(self, actor: Actor) -> dict[str, Any]:
        mine = str(actor.employee_id) if actor.sees_only_own_clients else None
        return {"kind": "individual", "language": "en", "manager_id": mine}

    async def save(
        self, request: web.Request, actor: Actor, obj: Model | None, values: dict[str, Any]
    ) -> Model:
        data = dict(values)
        data["tags"] = [t.strip() for t in (values.get("tags") or "").split(",") if t.strip()]
        data["manager_id"] = int(values["manager_id"]) if values.get("manager_id") else None
        data["notes"] = values.get("notes") or ""
        region = request.config_dict[SETTINGS].phone_region
        with service_validation():
            if obj is None:
                return await create_client(actor, ClientInput(**data), region)
            # Send only what changed: an unchanged inactive manager must not be re-checked.
            changed = {k: v for k, v in data.items() if k == "tags" or getattr(obj, k) != v}
            return await update_client(actor, obj.pk, ClientChanges(**changed), region)


SECTION = ClientsSection()


DOSSIER_REQUESTS = 20  # the latest ones; the pipeline board has the rest
TIMELINE_PAGE = 50  # dossier entries per page; "Older entries" reads the next by keyset


async def client_page(request: web.Request) -> web.StreamResponse:
    return await _client_page(request)


async def _client_page(
    request: web.Request,
    consent_values: dict[str, str] | None = None,
    consent_errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    before = as_id(request.query.get("before"))
    dossier = await client_dossier(
        actor, path_id(request, "client_id"), limit=TIMELINE_PAGE, before=before
    )
    await dossier.client.fetch_related("tags")
    contacts = await ContactPerson.filter(client_id=dossier.client.id).order_by("name")
    context = {
        "d": dossier,
        "requests": await _requests_of(actor, dossier.client.id),
        "state_labels": STATE_LABELS,
        "contacts": contacts,
        "kind_labels": INTERACTION_KINDS,
        "section": SECTION,
        "can_edit": actor.can(Permission.EDIT_CLIENTS),
        "done": request.query.get("done"),
        "older_page": before is not None,
        **await _offers_form(actor, dossier.client.id, consent_values, consent_errors),
    }
    return aiohttp_jinja2.render_template("client.html", request, context, status=status)


# ---- consent to offers by email and SMS, recorded by staff ------------------------------

OFFER_CHANNELS = {Channel.EMAIL: N_("Email"), Channel.SMS: N_("SMS")}
MAX_EVIDENCE = 200


async def _offers_form(
    actor: Actor,
    client_id: int,
    values: dict[str, str] | None,
    errors: dict[str, str] | None,
) -> dict[str, Any]:
    """The offers consent form's context: shown to those who may edit clients."""
    if not actor.can(Permission.EDIT_CLIENTS):
        return {"offers": None}
    states = await ConsentState.filter(
        client_id=client_id, channel__in=list(OFFER_CHANNELS), purpose=ConsentPurpose.MARKETING
    ).values_list("channel", "granted")
    return {
        "offers": {
            "channels": [(c.value, _(label)) for c, label in OFFER_CHANNELS.items()],
            "states": {str(channel): granted for channel, granted in states},
            "typed": values or {"channel": Channel.EMAIL.value, "granted": "", "evidence": ""},
            "problems": errors or {},
        }
    }


async def record_offers_consent(request: web.Request) -> web.StreamResponse:
    """Staff record what a client answered about offers by email or SMS, and how they know."""
    actor: Actor = request[ACTOR]
    client = await get_client(actor, path_id(request, "client_id"))
    form = await request.post()
    values = {
        "channel": str(form.get("channel", "")),
        "granted": str(form.get("granted", "")),
        "evidence": str(form.get("evidence", "")).strip(),
    }
    try:
        if values["channel"] not in {c.value for c in OFFER_CHANNELS}:
            raise InvalidInput("channel", N_("Pick from the list."))
        channel = Channel(values["channel"])
        if channel is Channel.EMAIL and not client.email:
            raise InvalidInput("channel", N_("The client has no email address. Add it first."))
        if channel is Channel.SMS and not client.phone:
            raise InvalidInput("channel", N_("The client has no phone number. Add it first."))
        if values["granted"] not in {"yes", "no"}:
            raise InvalidInput("granted", N_("Choose whether the client agreed."))
        if not values["evidence"]:
            raise InvalidInput(
                "evidence", N_("Say how you know: a call, a signed form, a letter.")
            )
        if len(values["evidence"]) > MAX_EVIDENCE:
            raise InvalidInput(
                "evidence", N_("Enter at most {max_length} characters."), max_length=MAX_EVIDENCE
            )
    except InvalidInput as exc:
        errors = {exc.field: _(exc.msgid, **exc.params)}
        return await _client_page(request, values, errors, 422)
    await record_address_consent(
        client.id,
        channel,
        values["granted"] == "yes",
        values["evidence"],
        recorded_by_id=actor.employee_id,
    )
    raise web.HTTPFound(f"/admin/clients/{client.id}?done=consent#offers-consent")


async def _requests_of(
    actor: Actor, client_id: int
) -> list[tuple[QuoteRequest, Order | None]] | None:
    """The client's latest requests with their orders, for those who work with quotes."""
    if not actor.can(Permission.MAKE_QUOTES):
        return None
    rows = await visible_requests(actor).filter(client_id=client_id).limit(DOSSIER_REQUESTS)
    orders = {
        o.request_id: o  # type: ignore[attr-defined]
        for o in await Order.filter(request_id__in=[r.id for r in rows])
    }
    return [(r, orders.get(r.id)) for r in rows]


async def export(request: web.Request) -> web.StreamResponse:
    """The list as the person filtered it, as an XLSX file; the export itself is audited."""
    actor: Actor = request[ACTOR]
    params = dict(request.query)
    query, chosen = await SECTION.list_query(actor, params)
    settings = request.config_dict[SETTINGS]
    zone = zone_of(await current_company(settings.currency, settings.timezone))
    rows = in_chunks(query, prefetch=("manager", "tags"))
    data = await export_xlsx(rows, client_columns(zone), _("Clients"), zone=zone)
    await record(actor, "client.exported", "client", None, {"filters": chosen})
    return xlsx_response(data, "clients", zone)


async def duplicates_page(request: web.Request) -> web.StreamResponse:
    groups = await find_duplicates(request[ACTOR])
    context = {"groups": groups, "error": request.query.get("error")}
    return aiohttp_jinja2.render_template("client_duplicates.html", request, context)


async def merge(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    keep = as_id(form.get("keep"))
    chosen = [as_id(v) for v in form.getall("merge", [])]
    others = [i for i in chosen if i is not None and i != keep]
    if keep is None or not others or None in chosen:
        raise web.HTTPFound("/admin/clients/duplicates?error=1")
    client = await merge_clients(request[ACTOR], keep, others)
    raise web.HTTPFound(f"/admin/clients/{client.id}?" + urlencode({"done": "merged"}))


ROUTES = [
    get("/clients/export.xlsx", export, "clients.export", Permission.EXPORT_CLIENTS),
    get("/clients/duplicates", duplicates_page, "clients.duplicates", Permission.MERGE_CLIENTS),
    post("/clients/merge", merge, "clients.merge", Permission.MERGE_CLIENTS),
    *SECTION.routes(),
    get(r"/clients/{client_id:\d+}", client_page, "client", Permission.VIEW_CLIENTS),
    post(
        r"/clients/{client_id:\d+}/consent",
        record_offers_consent,
        "clients.consent",
        Permission.EDIT_CLIENTS,
    ),
]

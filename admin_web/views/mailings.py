"""Mailings in the panel: the campaigns list, a campaign's form and launch, its progress page
with pause, resume, cancel and retry, and who got what.

Every write goes through core.services.campaigns with the signed-in Actor (the permission
is checked there again). Launch times are typed in the company's time zone and stored in
UTC. Launching only schedules; the process's mailing worker is woken so it starts at once.
The segments and templates pages live in mailings_segments.py and mailings_templates.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.params import as_day, as_id, day_bounds, path_id
from admin_web.routing import get, post
from admin_web.views import mailings_segments, mailings_templates
from admin_web.views.mailings_common import (
    CAMPAIGN_STATE_LABELS,
    CHANNEL_LABELS,
    OUTBOX_STATE_LABELS,
    channels_text,
    local_input,
    local_moment,
    message,
    now_of,
    wake_mailer,
)
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import Campaign, CampaignState, MailChannel, OutboxState
from core.services.access import Actor, Permission
from core.services.campaigns import (
    CampaignInput,
    Progress,
    campaigns_query,
    cancel,
    create_campaign,
    get_campaign,
    launch,
    message_counts,
    pause,
    progress,
    recipients_query,
    resume,
    retry_failed,
    update_campaign,
)
from core.services.company import current_company, zone_of
from core.services.mail_templates import list_templates
from core.services.pagination import BadCursor, paginate
from core.services.segments import list_segments

CAMPAIGNS = "/admin/mailings"
PAGE_SIZE = 50
RECIPIENTS_PAGE = 50
CHANNEL_SLOTS = 4
MAX_LINK = 500
MAX_STARS = 1_000_000
# States a campaign page keeps refreshing in, and which buttons each state offers.
LIVE = (CampaignState.SCHEDULED, CampaignState.RUNNING)
MAY_PAUSE = (CampaignState.SCHEDULED, CampaignState.RUNNING)
MAY_RESUME = (CampaignState.PAUSED,)
MAY_CANCEL = (
    CampaignState.DRAFT,
    CampaignState.SCHEDULED,
    CampaignState.RUNNING,
    CampaignState.PAUSED,
)
MAY_RETRY = (CampaignState.RUNNING, CampaignState.PAUSED, CampaignState.DONE)
DONE_MESSAGES = {
    "saved": N_("The campaign is saved as a draft."),
    "launched": N_("The campaign is launched. Sending starts in a moment."),
    "scheduled": N_("The campaign is scheduled."),
    "paused": N_("The campaign is paused."),
    "resumed": N_("The campaign is resumed."),
    "cancelled": N_("The campaign is cancelled. Messages not sent yet will not be sent."),
    "retried": N_("The failed messages are queued again."),
}
FORM_FIELDS = (
    "name",
    "segment_id",
    "template_id",
    *(f"channel_{i}" for i in range(1, CHANNEL_SLOTS + 1)),
    "link_url",
    "allow_paid_broadcast",
    "paid_budget_stars",
    "when",
    "scheduled_at",
)
SLOT_LABELS = (N_("1st channel"), N_("2nd channel"), N_("3rd channel"), N_("4th channel"))


async def _zone() -> ZoneInfo:
    return zone_of(await current_company())


def _state_choices() -> list[tuple[str, str]]:
    return [(s.value, _(label)) for s, label in CAMPAIGN_STATE_LABELS.items()]


def _moment(campaign: Campaign) -> tuple[str, dt.datetime | None]:
    """The time a list row shows: when it started, else when it is due to."""
    if campaign.started_at:
        return N_("Started"), campaign.started_at
    if campaign.scheduled_at:
        return N_("Scheduled for"), campaign.scheduled_at
    return "", None


# ---- the list --------------------------------------------------------------------------


async def campaigns_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    params = request.query
    state = params.get("state", "")
    if state not in CampaignState._value2member_map_:
        state = ""
    sent_on = as_day(params.get("sent_on"))
    sent_between = None
    if sent_on is not None:
        start, end = day_bounds(sent_on, sent_on, await _zone())
        sent_between = (start, end) if start and end else None
    query = campaigns_query(actor, CampaignState(state) if state else None, sent_between)
    page = max(1, min(as_id(params.get("page")) or 1, 100_000))
    total = await query.count()
    campaigns = (
        await query.order_by("-created_at", "-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    counts = await message_counts([c.id for c in campaigns])
    rows = [
        {
            "campaign": c,
            "state": _(CAMPAIGN_STATE_LABELS[CampaignState(c.state)]),
            "channels": channels_text(list(c.channels)),
            "moment": _moment(c),
            "sent": counts[c.id].get(OutboxState.SENT.value, 0),
            "total": sum(counts[c.id].values()),
        }
        for c in campaigns
    ]
    chosen = {"state": state, "sent_on": sent_on.isoformat() if sent_on else ""}
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "chosen": chosen,
        "states": _state_choices(),
        "query_without_page": urlencode({k: v for k, v in chosen.items() if v}),
    }
    return aiohttp_jinja2.render_template("mailings_list.html", request, context)


# ---- the form (a new campaign, or a draft) ---------------------------------------------


def form_values(form: Any) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip()[:1000] for name in FORM_FIELDS}


def values_of(campaign: Campaign) -> dict[str, str]:
    channels = [str(c) for c in campaign.channels]
    return {
        "name": campaign.name,
        "segment_id": str(campaign.segment_id),  # type: ignore[attr-defined]
        "template_id": str(campaign.template_id),  # type: ignore[attr-defined]
        **{
            f"channel_{i}": channels[i - 1] if i <= len(channels) else ""
            for i in range(1, CHANNEL_SLOTS + 1)
        },
        "link_url": campaign.link_url,
        "allow_paid_broadcast": "on" if campaign.allow_paid_broadcast else "",
        "paid_budget_stars": str(campaign.paid_budget_stars or ""),
        "when": "now",
        "scheduled_at": "",
    }


NEW_VALUES = {
    **{name: "" for name in FORM_FIELDS},
    "channel_1": MailChannel.TELEGRAM.value,
    "channel_2": MailChannel.VIBER.value,
    "when": "now",
}


def input_of(values: dict[str, str]) -> CampaignInput:
    """The form as the service's input; InvalidInput names the field to fix."""
    segment_id = as_id(values["segment_id"])
    if segment_id is None:
        raise InvalidInput("segment_id", N_("Choose a segment."))
    template_id = as_id(values["template_id"])
    if template_id is None:
        raise InvalidInput("template_id", N_("Choose a template."))
    channels = []
    for i in range(1, CHANNEL_SLOTS + 1):
        chosen = values[f"channel_{i}"]
        if not chosen:
            continue
        try:
            channels.append(MailChannel(chosen))
        except ValueError:
            raise InvalidInput("channels", N_("Pick from the list.")) from None
    link = values["link_url"]
    if len(link) > MAX_LINK:
        raise InvalidInput(
            "link_url", N_("Enter at most {max_length} characters."), max_length=MAX_LINK
        )
    stars_text = values["paid_budget_stars"]
    if stars_text and (not stars_text.isascii() or not stars_text.isdigit()):
        raise InvalidInput("paid_budget_stars", N_("Enter a whole number."))
    stars = int(stars_text or 0)
    if stars > MAX_STARS:
        raise InvalidInput(
            "paid_budget_stars", N_("Enter a number of at most {le}."), le=MAX_STARS
        )
    return CampaignInput(
        name=values["name"],
        segment_id=segment_id,
        template_id=template_id,
        channels=channels,
        link_url=link,
        allow_paid_broadcast=bool(values["allow_paid_broadcast"]),
        paid_budget_stars=stars,
    )


def schedule_of(values: dict[str, str], zone: ZoneInfo, now: dt.datetime) -> dt.datetime | None:
    """None to send now, else the chosen time in UTC."""
    if values["when"] != "later":
        return None
    at = local_moment(values["scheduled_at"], zone, "scheduled_at")
    if at is None:
        raise InvalidInput("scheduled_at", N_("Choose when to send it."))
    if at < now - dt.timedelta(minutes=1):
        raise InvalidInput("scheduled_at", N_("Choose a time in the future."))
    return at


async def _form(
    request: web.Request,
    campaign: Campaign | None,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    saved_as_draft: bool = False,
) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    zone = await _zone()
    context = {
        "campaign": campaign,
        "values": values,
        "errors": errors,
        "segments": [(s.id, s.name) for s in await list_segments(actor)],
        "templates": [(t.id, t.name) for t in await list_templates(actor)],
        "channel_choices": [(c.value, _(label)) for c, label in CHANNEL_LABELS.items()],
        "slots": [(f"channel_{i + 1}", label) for i, label in enumerate(SLOT_LABELS)],
        "zone_name": zone.key,
        "min_time": local_input(now_of(request), zone),
        "saved_as_draft": saved_as_draft,
        "done": DONE_MESSAGES.get(request.query.get("done", "")),
        "may_cancel": campaign is not None,
        "action": f"{CAMPAIGNS}/{campaign.id}" if campaign else f"{CAMPAIGNS}/new",
    }
    return aiohttp_jinja2.render_template(
        "mailing_campaign_form.html", request, context, status=status
    )


async def campaign_new(request: web.Request) -> web.StreamResponse:
    values = dict(NEW_VALUES)
    segment = as_id(request.query.get("segment"))
    if segment:
        values["segment_id"] = str(segment)
    return await _form(request, None, values, {})


async def _save(request: web.Request, campaign: Campaign | None) -> web.StreamResponse:
    """Save the form; with "Launch", schedule it for now or the chosen time as well."""
    actor: Actor = request[ACTOR]
    form = await request.post()
    values = form_values(form)
    launching = form.get("action") == "launch"
    now = now_of(request)
    try:
        data = input_of(values)
        at = schedule_of(values, await _zone(), now) if launching else None
        if campaign is None:
            saved = await create_campaign(actor, data)
        else:
            saved = await update_campaign(actor, campaign.id, data)
    except InvalidInput as exc:
        return await _form(request, campaign, values, {exc.field: message(exc)}, 422)
    if not launching:
        raise web.HTTPFound(f"{CAMPAIGNS}/{saved.id}?done=saved")
    try:
        await launch(actor, saved.id, now, at)
    except InvalidInput as exc:
        # Saved, not launched: the form now edits the draft, and says so.
        saved = await get_campaign(actor, saved.id)
        errors = {exc.field: message(exc)}
        return await _form(request, saved, values, errors, 422, saved_as_draft=True)
    wake_mailer(request)
    raise web.HTTPFound(f"{CAMPAIGNS}/{saved.id}?done={'scheduled' if at else 'launched'}")


async def campaign_create(request: web.Request) -> web.StreamResponse:
    return await _save(request, None)


async def campaign_update(request: web.Request) -> web.StreamResponse:
    campaign = await get_campaign(request[ACTOR], path_id(request, "campaign_id"))
    if CampaignState(campaign.state) is not CampaignState.DRAFT:
        error = _("Only a draft campaign can be edited.")
        return await _campaign_page(request, campaign, error, 422)
    return await _save(request, campaign)


# ---- a campaign's page -----------------------------------------------------------------


def progress_data(campaign: Campaign, p: Progress) -> dict[str, Any]:
    state = CampaignState(campaign.state)
    return {
        "state": state.value,
        "state_label": _(CAMPAIGN_STATE_LABELS[state]),
        "percent": p.percent,
        "done": p.done,
        "total": p.total,
        "counts": p.counts,
        "delivered": p.delivered,
        "clicked": p.clicked,
        "replied": p.replied,
        "summary": _("{done} of {total} handled", done=p.done, total=p.total),
    }


async def _recipients(request: web.Request, campaign: Campaign) -> dict[str, Any]:
    """One page of recipients (newest first, by keyset), of the clients the viewer sees."""
    actor: Actor = request[ACTOR]
    chosen = request.query.get("state", "")
    state = OutboxState(chosen) if chosen in OutboxState._value2member_map_ else None
    query = recipients_query(actor, campaign.id, state).prefetch_related("client")
    cursor = request.query.get("after", "")[:40] or None
    try:
        page = await paginate(query, RECIPIENTS_PAGE, cursor)
    except BadCursor:
        cursor = None
        page = await paginate(query, RECIPIENTS_PAGE)
    base = {"state": state.value} if state else {}
    return {
        "recipients": page.items,
        "recipient_state": state.value if state else "",
        "next_page": f"?{urlencode({**base, 'after': page.next_cursor})}#recipients"
        if page.next_cursor
        else None,
        "first_page": f"?{urlencode(base)}#recipients" if cursor else None,
    }


async def _campaign_page(
    request: web.Request, campaign: Campaign, error: str | None = None, status: int = 200
) -> web.StreamResponse:
    p = await progress(campaign.id)
    state = CampaignState(campaign.state)
    context = {
        "campaign": campaign,
        "state": state,
        "progress": p,
        "data": progress_data(campaign, p),
        "channels": channels_text(list(campaign.channels)),
        "live": state in LIVE,
        "may_pause": state in MAY_PAUSE,
        "may_resume": state in MAY_RESUME,
        "may_cancel": state in MAY_CANCEL,
        "may_retry": state in MAY_RETRY and p.counts.get(OutboxState.FAILED.value, 0) > 0,
        "outbox_labels": OUTBOX_STATE_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "states": [(s.value, _(label)) for s, label in OUTBOX_STATE_LABELS.items()],
        "error": error,
        "done": DONE_MESSAGES.get(request.query.get("done", "")),
        **await _recipients(request, campaign),
    }
    return aiohttp_jinja2.render_template("mailing_campaign.html", request, context, status=status)


async def campaign_page(request: web.Request) -> web.StreamResponse:
    campaign = await get_campaign(request[ACTOR], path_id(request, "campaign_id"))
    if CampaignState(campaign.state) is CampaignState.DRAFT:
        return await _form(request, campaign, values_of(campaign), {})
    return await _campaign_page(request, campaign)


async def progress_json(request: web.Request) -> web.StreamResponse:
    """What the campaign page's script polls while the campaign runs."""
    campaign = await get_campaign(request[ACTOR], path_id(request, "campaign_id"))
    return web.json_response(progress_data(campaign, await progress(campaign.id)))


async def _act(request: web.Request, action: str) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    campaign = await get_campaign(actor, path_id(request, "campaign_id"))
    now = now_of(request)
    try:
        if action == "paused":
            await pause(actor, campaign.id)
        elif action == "resumed":
            await resume(actor, campaign.id)
            wake_mailer(request)
        elif action == "cancelled":
            await cancel(actor, campaign.id, now)
        else:
            await retry_failed(actor, campaign.id, now)
            wake_mailer(request)
    except InvalidInput as exc:
        campaign = await get_campaign(actor, campaign.id)
        if CampaignState(campaign.state) is CampaignState.DRAFT:
            return await _form(
                request, campaign, values_of(campaign), {"state": message(exc)}, 422
            )
        return await _campaign_page(request, campaign, message(exc), 422)
    raise web.HTTPFound(f"{CAMPAIGNS}/{campaign.id}?done={action}")


async def campaign_pause(request: web.Request) -> web.StreamResponse:
    return await _act(request, "paused")


async def campaign_resume(request: web.Request) -> web.StreamResponse:
    return await _act(request, "resumed")


async def campaign_cancel(request: web.Request) -> web.StreamResponse:
    return await _act(request, "cancelled")


async def campaign_retry(request: web.Request) -> web.StreamResponse:
    return await _act(request, "retried")


CAMPAIGN = r"/mailings/{campaign_id:\d+}"
ROUTES = [
    get("/mailings", campaigns_page, "mailings", Permission.SEND_MAILINGS),
    *mailings_segments.ROUTES,
    *mailings_templates.ROUTES,
    get("/mailings/new", campaign_new, "mailings.new", Permission.SEND_MAILINGS),
    post("/mailings/new", campaign_create, "mailings.create", Permission.SEND_MAILINGS),
    get(CAMPAIGN, campaign_page, "mailings.view", Permission.SEND_MAILINGS),
    post(CAMPAIGN, campaign_update, "mailings.update", Permission.SEND_MAILINGS),
    get(f"{CAMPAIGN}/progress", progress_json, "mailings.progress", Permission.SEND_MAILINGS),
    post(f"{CAMPAIGN}/pause", campaign_pause, "mailings.pause", Permission.SEND_MAILINGS),
    post(f"{CAMPAIGN}/resume", campaign_resume, "mailings.resume", Permission.SEND_MAILINGS),
    post(f"{CAMPAIGN}/cancel", campaign_cancel, "mailings.cancel", Permission.SEND_MAILINGS),
    post(f"{CAMPAIGN}/retry", campaign_retry, "mailings.retry", Permission.SEND_MAILINGS),
]

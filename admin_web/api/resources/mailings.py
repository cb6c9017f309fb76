"""Mailings over the API: campaigns with their progress and recipients, segments, controls.

Campaigns are built in the panel (audience, template, channels); an integration reads how
they are going, lists each recipient's outcome, and may pause, resume or cancel one, with
the same rules as the panel's buttons (core.services.campaigns).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from admin_web.api.registry import Call, Operation, page_model
from core.models import Campaign, CampaignState, OutboxMessage, OutboxState
from core.services import campaigns, segments
from core.services.access import Permission
from core.services.pagination import PageQuery, paginate

TAG = "Mailings"


class ProgressOut(BaseModel):
    """Messages per state; `delivered` only where the platform reports it (Viber)."""

    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int
    delivered: int
    clicked: int = Field(description="Recipients who opened the campaign's tracked link.")
    replied: int = Field(description="Recipients who wrote to us on that channel afterwards.")


class CampaignOut(BaseModel):
    id: int
    name: str
    state: CampaignState
    segment_id: int
    template_id: int
    channels: list[str] = Field(description="Tried in this order for each recipient.")
    link_url: str
    scheduled_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    created_by_id: int | None
    created_at: dt.datetime
    progress: ProgressOut


class RecipientOut(BaseModel):
    """One message: its outcome, and the platform's id when it was sent."""

    id: int
    client_id: int
    channel: str
    state: OutboxState
    reason: str = Field(description="Why it failed or was skipped (English).")
    provider_id: str
    attempts: int
    sent_at: dt.datetime | None
    delivered_at: dt.datetime | None
    clicks: int


class SegmentOut(BaseModel):
    id: int
    name: str
    filters: dict[str, object]
    created_at: dt.datetime


CampaignPage = page_model(CampaignOut, "CampaignPage")
RecipientPage = page_model(RecipientOut, "RecipientPage")
SegmentPage = page_model(SegmentOut, "SegmentPage")


class CampaignQuery(PageQuery):
    state: CampaignState | None = None


class RecipientQuery(PageQuery):
    state: OutboxState | None = None


async def _out(campaign: Campaign) -> CampaignOut:
    progress = await campaigns.progress(campaign.id)
    return CampaignOut(
        id=campaign.id,
        name=campaign.name,
        state=campaign.state,
        segment_id=campaign.segment_id,  # type: ignore[attr-defined]
        template_id=campaign.template_id,  # type: ignore[attr-defined]
        channels=[str(c) for c in campaign.channels],
        link_url=campaign.link_url,
        scheduled_at=campaign.scheduled_at,
        started_at=campaign.started_at,
        finished_at=campaign.finished_at,
        created_by_id=campaign.created_by_id,  # type: ignore[attr-defined]
        created_at=campaign.created_at,
        progress=ProgressOut(
            **progress.counts,
            delivered=progress.delivered,
            clicked=progress.clicked,
            replied=progress.replied,
        ),
    )


def _recipient(row: OutboxMessage) -> RecipientOut:
    return RecipientOut(
        id=row.id,
        client_id=row.client_id,  # type: ignore[attr-defined]
        channel=str(row.channel),
        state=row.state,
        reason=row.reason,
        provider_id=row.provider_id,
        attempts=row.attempts,
        sent_at=row.sent_at,
        delivered_at=row.delivered_at,
        clicks=row.clicks,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def list_campaigns(call: Call) -> BaseModel:
    query = campaigns.campaigns_query(call.actor)
    if call.query.state is not None:
        query = query.filter(state=call.query.state)
    page = await paginate(query, call.query.limit, call.query.cursor)
    return CampaignPage(items=[await _out(c) for c in page.items], next_cursor=page.next_cursor)


async def get_campaign(call: Call) -> BaseModel:
    return await _out(await campaigns.get_campaign(call.actor, call.ids["campaign_id"]))


async def list_recipients(call: Call) -> BaseModel:
    campaign = await campaigns.get_campaign(call.actor, call.ids["campaign_id"])
    query = campaigns.recipients_query(call.actor, campaign.id, call.query.state)
    page = await paginate(query, call.query.limit, call.query.cursor)
    return RecipientPage(items=[_recipient(r) for r in page.items], next_cursor=page.next_cursor)


async def pause_campaign(call: Call) -> BaseModel:
    return await _out(await campaigns.pause(call.actor, call.ids["campaign_id"]))


async def resume_campaign(call: Call) -> BaseModel:
    return await _out(await campaigns.resume(call.actor, call.ids["campaign_id"]))


async def cancel_campaign(call: Call) -> BaseModel:
    return await _out(await campaigns.cancel(call.actor, call.ids["campaign_id"], _now()))


async def list_segments(call: Call) -> BaseModel:
    rows = await segments.list_segments(call.actor)
    return SegmentPage(
        items=[
            SegmentOut(id=s.id, name=s.name, filters=s.filters, created_at=s.created_at)
            for s in rows
        ],
        next_cursor=None,
    )


def _control(path: str, handler, summary: str, description: str) -> Operation:  # type: ignore[no-untyped-def]
    return Operation(
        "POST",
        path,
        handler,
        Permission.SEND_MAILINGS,
        summary,
        TAG,
        CampaignOut,
        description=description,
        extra_problems=(422,),
    )


OPERATIONS = [
    Operation(
        "GET",
        "/campaigns",
        list_campaigns,
        Permission.SEND_MAILINGS,
        "List campaigns",
        TAG,
        CampaignPage,
        query=CampaignQuery,
        description="Newest first, each with its progress.",
    ),
    Operation(
        "GET",
        "/campaigns/{campaign_id}",
        get_campaign,
        Permission.SEND_MAILINGS,
        "Get a campaign and its progress",
        TAG,
        CampaignOut,
    ),
    Operation(
        "GET",
        "/campaigns/{campaign_id}/recipients",
        list_recipients,
        Permission.SEND_MAILINGS,
        "List a campaign's messages",
        TAG,
        RecipientPage,
        query=RecipientQuery,
        description="One per recipient and channel tried: sent with the platform's id, "
        "failed with the reason, or skipped with why (no consent, cancelled…).",
    ),
    _control(
        "/campaigns/{campaign_id}/pause",
        pause_campaign,
        "Pause a campaign",
        "A scheduled or running campaign stops claiming messages; those already on their "
        "way finish. Otherwise 422.",
    ),
    _control(
        "/campaigns/{campaign_id}/resume",
        resume_campaign,
        "Resume a paused campaign",
        "It goes on where it stopped. Otherwise 422.",
    ),
    _control(
        "/campaigns/{campaign_id}/cancel",
        cancel_campaign,
        "Cancel a campaign",
        "Every message not yet sent is skipped as cancelled. A finished or cancelled "
        "campaign answers 422.",
    ),
    Operation(
        "GET",
        "/segments",
        list_segments,
        Permission.SEND_MAILINGS,
        "List audience segments",
        TAG,
        SegmentPage,
        description="By name, all on one page; `filters` as saved in the panel.",
    ),
]

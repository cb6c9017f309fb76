"""A client's consent to messages: /clients/{id}/consent (current answers and the log)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from admin_web.api.registry import Call, Operation
from core.models import Consent, ConsentState
from core.services import clients
from core.services.access import Permission
from core.services.pagination import PageQuery, paginate

TAG = "Consent"


class ConsentStateOut(BaseModel):
    """The current answer on one channel for one purpose."""

    channel: str
    purpose: str
    granted: bool
    updated_at: dt.datetime

    @classmethod
    def of(cls, state: ConsentState) -> ConsentStateOut:
        return cls(
            channel=state.channel,
            purpose=state.purpose,
            granted=state.granted,
            updated_at=state.updated_at,
        )


class ConsentEntryOut(BaseModel):
    """One grant or withdrawal, with the exact text the person was shown and the evidence."""

    id: int
    channel: str
    purpose: str
    granted: bool
    text_version: str
    text_shown: str
    language: str
    evidence: str
    recorded_by_id: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, entry: Consent) -> ConsentEntryOut:
        return cls(
            id=entry.id,
            channel=entry.channel,
            purpose=entry.purpose,
            granted=entry.granted,
            text_version=entry.text_version,
            text_shown=entry.text_shown,
            language=entry.language,
            evidence=entry.evidence,
            recorded_by_id=entry.recorded_by_id,  # type: ignore[attr-defined]
            created_at=entry.created_at,
        )


class ConsentReport(BaseModel):
    """A client's current consent per channel, and a page of the log behind it, newest first."""

    client_id: int
    states: list[ConsentStateOut]
    items: list[ConsentEntryOut]
    next_cursor: str | None


async def get_consent(call: Call) -> BaseModel:
    client_id = call.ids["client_id"]
    states = await clients.client_consent_states(call.actor, client_id)
    log = await clients.client_consents_query(call.actor, client_id)
    page = await paginate(log, call.query.limit, call.query.cursor)
    return ConsentReport(
        client_id=client_id,
        states=[ConsentStateOut.of(state) for state in states],
        items=[ConsentEntryOut.of(entry) for entry in page.items],
        next_cursor=page.next_cursor,
    )


OPERATIONS = [
    Operation(
        "GET",
        "/clients/{client_id}/consent",
        get_consent,
        Permission.VIEW_CLIENTS,
        "Get a client's consent",
        TAG,
        ConsentReport,
        query=PageQuery,
        description="`states` is the current answer per channel; `items` pages through the "
        "log of every grant and withdrawal.",
    ),
]

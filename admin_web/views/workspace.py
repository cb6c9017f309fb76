"""The company's workspace settings: the subjects a contact is logged under and the canned
replies managers send in live chats.

Built-in subjects are listed with their translated labels and can be reordered or switched
off, never renamed (their label is the same in every language); a company adds its own
subjects with a name in its own words.
"""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.sections import Column, Field, Filter, Kind, Section, static_choices
from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput
from core.i18n import LANGUAGE_NAMES, N_, _
from core.models import CannedReply, ContactSubject
from core.services.access import Actor, Permission
from core.services.interactions import LOGGABLE_SUBJECTS, subject_label
from core.services.workspace_queries import ensure_builtin_subjects

ACTIVE = static_choices([("yes", N_("Active")), ("no", N_("Inactive"))])
MAX_POSITION = 100_000
POSITION_HELP = N_("Lower numbers come first.")


def is_builtin(subject: Any) -> bool:
    return subject.code in LOGGABLE_SUBJECTS


def subject_name(subject: Any) -> str:
    """How the subject reads: the translated label of a built-in one, else its name."""
    return subject_label(subject.code) if is_builtin(subject) else subject.name


def _position(values: dict[str, Any]) -> None:
    position = values.get("position")
    if position is None:
        values["position"] = 0
    elif not 0 <= position <= MAX_POSITION:
        raise InvalidInput("position", N_("Enter a number from 0 to 100000."))


class SubjectsSection(Section):
    key = "subjects"
    model = ContactSubject
    title = N_("Contact subjects")
    item_title = N_("Contact subject")
    view_permission = Permission.MANAGE_WORKSPACE
    edit_permission = Permission.MANAGE_WORKSPACE
    order_by = ("position", "id")
    columns = (
        Column(N_("Subject"), subject_name, link=True),
        Column(
            N_("Kind"),
            lambda s: _("Built-in") if is_builtin(s) else _("Added by the company"),
        ),
        Column(N_("Order"), lambda s: s.position),
        Column(N_("Status"), lambda s: _("Active") if s.is_active else _("Inactive")),
    )
    fields = (
        Field(
            "name",
            N_("Name"),
            required=True,
            max_length=60,
            help=N_("Built-in subjects keep their translated name; switch one off instead."),
        ),
        Field("position", N_("Order"), Kind.INT, help=POSITION_HELP),
        Field("is_active", N_("Active"), Kind.CHECKBOX),
    )
    filters = (
        Filter("status", N_("Status"), ACTIVE, lambda q, v: q.filter(is_active=v == "yes")),
    )

    async def list_page(self, request: web.Request) -> web.StreamResponse:
        await ensure_builtin_subjects()
        return await super().list_page(request)

    async def initial(self, actor: Actor) -> dict[str, Any]:
        last = await ContactSubject.all().order_by("-position").first()
        return {"is_active": True, "position": (last.position + 10) if last else 0}

    async def values_of(self, obj: Model) -> dict[str, Any]:
        return {
            "name": subject_name(obj),
            "position": obj.position,  # type: ignore[attr-defined]
            "is_active": obj.is_active,  # type: ignore[attr-defined]
        }

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        _position(values)
        if obj is not None and is_builtin(obj):
            if values["name"] != subject_name(obj):
                raise InvalidInput(
                    "name",
                    N_("A built-in subject cannot be renamed. Switch it off and add your own."),
                )
            return
        taken = {
            name.casefold()
            for name in await ContactSubject.exclude(id=obj.pk if obj else 0)
            .using_db(conn)
            .values_list("name", flat=True)
        }
        taken |= {subject_label(code).casefold() for code in LOGGABLE_SUBJECTS}
        if values["name"].casefold() in taken:
            raise InvalidInput("name", N_("There is already a subject with this name."))

    async def create(self, actor: Actor, values: dict[str, Any], conn: BaseDBAsyncClient) -> Model:
        code = f"custom.{secrets.token_hex(4)}"
        return await ContactSubject.create(**values, code=code, using_db=conn)

    async def update(
        self, actor: Actor, obj: Model, values: dict[str, Any], conn: BaseDBAsyncClient
    ) -> None:
        stored = dict(values)
        if is_builtin(obj):
            stored["name"] = ""  # the label comes from the translations
        obj.update_from_dict(stored)
        await obj.save(using_db=conn)


async def _languages(actor: Actor) -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LANGUAGES]


class CannedRepliesSection(Section):
    key = "canned-replies"
    model = CannedReply
    title = N_("Canned replies")
    item_title = N_("Canned reply")
    view_permission = Permission.MANAGE_WORKSPACE
    edit_permission = Permission.MANAGE_WORKSPACE
    search = ("text",)
    order_by = ("language", "position", "id")
    columns = (
        Column(N_("Text"), lambda r: r.text, link=True),
        Column(N_("Language"), lambda r: LANGUAGE_NAMES.get(r.language, r.language)),
        Column(N_("Order"), lambda r: r.position),
        Column(N_("Status"), lambda r: _("Active") if r.is_active else _("Inactive")),
    )
    fields = (
        Field("language", N_("Language"), Kind.SELECT, required=True, choices=_languages),
        Field(
            "text",
            N_("Text"),
            Kind.TEXTAREA,
            required=True,
            max_length=500,
            help=N_("Sent to the client as it is, in the language chosen above."),
        ),
        Field("position", N_("Order"), Kind.INT, help=POSITION_HELP),
        Field("is_active", N_("Active"), Kind.CHECKBOX),
    )
    filters = (
        Filter("language", N_("Language"), _languages, lambda q, v: q.filter(language=v)),
        Filter("status", N_("Status"), ACTIVE, lambda q, v: q.filter(is_active=v == "yes")),
    )

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {"is_active": True, "language": actor.language or "en", "position": 0}

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        _position(values)


SUBJECTS = SubjectsSection()
CANNED_REPLIES = CannedRepliesSection()
ROUTES = [*SUBJECTS.routes(), *CANNED_REPLIES.routes()]

"""Mailing templates: one text per language and channel kind, with a few named variables.

Variables are `{client_name}`, `{manager_name}`, `{last_shipment}`, `{link}` and `{company}`;
anything else in braces is refused when the template is saved, so a typo never reaches a
client as a literal `{clent_name}` or as a crash mid-campaign.
"""

from __future__ import annotations

import html
import string
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import (
    Client,
    Employee,
    MailChannel,
    MailTemplate,
    Shipment,
    TemplateText,
    TextKind,
)
from core.services import audit
from core.services.access import Actor, Permission, require
from core.services.clients import get_client
from core.services.company import current_company
from core.services.sms_channel import segments

VARIABLES = ("client_name", "manager_name", "last_shipment", "link", "company")
MAX_BUTTONS = 3
MAX_MESSENGER_TEXT = 4000
MAX_NAME = 120
MAX_SUBJECT = 200
OBJECT_TYPE = "mail_template"


def kind_for(channel: MailChannel) -> TextKind:
    if channel in (MailChannel.TELEGRAM, MailChannel.VIBER):
        return TextKind.MESSENGER
    return TextKind(channel.value)


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    url: str


@dataclass
class TextInput:
    """What the editor posts for one language and kind."""

    language: str
    kind: TextKind
    body: str
    subject: str = ""
    html: str = ""
    buttons: list[Button] = field(default_factory=list)


def _check_variables(field_name: str, text: str) -> None:
    try:
        # A conversion or format spec ({client_name!x}, {client_name:d}) would fail only at
        # sending time, so it is refused with the rest of the braces.
        names = [
            name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        raise InvalidInput(
            field_name,
            N_("A brace is not closed. Write variables as {example}."),
            example="{client_name}",
        ) from None
    for name in names:
        if name not in VARIABLES:
            raise InvalidInput(
                field_name,
                N_("Unknown variable {{{name}}}. Use one of: {known}."),
                name=name,
                known=", ".join("{" + v + "}" for v in VARIABLES),
            )


def parse_buttons(raw: str) -> list[Button]:
    """One button per line, "Label | https://…"."""
    buttons = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        label, _, url = line.partition("|")
        label, url = label.strip(), url.strip()
        parts = urlsplit(url)
        if not label or parts.scheme not in {"http", "https"} or not parts.netloc:
            raise InvalidInput("buttons", N_("Write each button as: Label | https://address"))
        buttons.append(Button(label[:40], url))
    if len(buttons) > MAX_BUTTONS:
        raise InvalidInput("buttons", N_("At most {n} buttons."), n=MAX_BUTTONS)
    return buttons


def validate_text(text: TextInput) -> None:
    if text.language not in SUPPORTED_LANGUAGES:
        raise InvalidInput("language", N_("This language is not supported."))
    if not text.body.strip():
        raise InvalidInput("body", N_("Write the message text."))
    _check_variables("body", text.body)
    if text.kind is TextKind.EMAIL:
        if not text.subject.strip():
            raise InvalidInput("subject", N_("An email needs a subject."))
        if len(text.subject.strip()) > MAX_SUBJECT:
            raise InvalidInput(
                "subject", N_("The text is too long (at most {n} characters)."), n=MAX_SUBJECT
            )
        if "\n" in text.subject or "\r" in text.subject:
            raise InvalidInput("subject", N_("The subject must be one line."))
        _check_variables("subject", text.subject)
        _check_variables("html", text.html)
    if text.kind is TextKind.MESSENGER and len(text.body) > MAX_MESSENGER_TEXT:
        raise InvalidInput(
            "body", N_("The text is too long (at most {n} characters)."), n=MAX_MESSENGER_TEXT
        )


async def save_template(
    actor: Actor, name: str, texts: list[TextInput], template_id: int | None = None
) -> MailTemplate:
    """Create or replace a template with its texts, in one transaction."""
    require(actor, Permission.SEND_MAILINGS)
    name = name.strip()
    if not name:
        raise InvalidInput("name", N_("Give the template a name."))
    if len(name) > MAX_NAME:
        raise InvalidInput(
            "name", N_("The name is too long (at most {n} characters)."), n=MAX_NAME
        )
    if not texts:
        raise InvalidInput("body", N_("Write the message text."))
    for text in texts:
        validate_text(text)
    async with in_transaction() as conn:
        clash = MailTemplate.filter(name=name).using_db(conn)
        if template_id is not None:
            clash = clash.exclude(id=template_id)
        if await clash.exists():
            raise InvalidInput("name", N_("A template with this name already exists."))
        if template_id is None:
            template = await MailTemplate.create(name=name, using_db=conn)
        else:
            template = await MailTemplate.filter(id=template_id).using_db(conn).first()
            if template is None:
                raise NotFound()
            template.name = name
            await template.save(using_db=conn)
            await TemplateText.filter(template_id=template.id).using_db(conn).delete()
        for text in texts:
            await TemplateText.create(
                template=template,
                language=text.language,
                kind=text.kind,
                subject=text.subject.strip(),
                body=text.body.strip(),
                html=text.html.strip(),
                buttons=[{"label": b.label, "url": b.url} for b in text.buttons],
                using_db=conn,
            )
        await audit.record(
            actor,
            "created" if template_id is None else "updated",
            OBJECT_TYPE,
            template.id,
            {"name": name, "texts": [f"{t.kind.value}/{t.language}" for t in texts]},
            connection=conn,
        )
    return template


async def get_template(actor: Actor, template_id: int) -> tuple[MailTemplate, list[TemplateText]]:
    require(actor, Permission.SEND_MAILINGS)
    template = await MailTemplate.get_or_none(id=template_id)
    if template is None:
        raise NotFound()
    texts = await TemplateText.filter(template_id=template_id).order_by("kind", "language")
    return template, list(texts)


async def list_templates(actor: Actor) -> list[MailTemplate]:
    require(actor, Permission.SEND_MAILINGS)
    return list(await MailTemplate.all().order_by("name"))


def pick_text(
    texts: list[TemplateText], kind: TextKind, language: str, fallback_language: str
) -> TemplateText | None:
    """The variant for `kind` in the recipient's language, else the company's, else any."""
    of_kind = [t for t in texts if t.kind == kind]
    for wanted in (language, fallback_language):
        for text in of_kind:
            if text.language == wanted:
                return text
    return of_kind[0] if of_kind else None


@dataclass(frozen=True, slots=True)
class Rendered:
    """One message ready for a channel; `unsubscribe_url` is added by the email channel."""

    kind: TextKind
    language: str
    body: str
    subject: str = ""
    html: str = ""
    buttons: tuple[Button, ...] = ()

    @property
    def sms_segments(self) -> tuple[str, int]:
        return segments(self.body)


@dataclass(frozen=True, slots=True)
class Variables:
    client_name: str
    manager_name: str
    last_shipment: str
    link: str
    company: str

    def as_dict(self, escape: bool = False) -> dict[str, str]:
        values = {name: getattr(self, name) for name in VARIABLES}
        return {k: html.escape(v) for k, v in values.items()} if escape else values


def render(text: TemplateText, variables: Variables) -> Rendered:
    values = variables.as_dict()
    return Rendered(
        kind=TextKind(text.kind),
        language=text.language,
        body=text.body.format_map(values),
        subject=text.subject.format_map(values),
        html=text.html.format_map(variables.as_dict(escape=True)) if text.html else "",
        buttons=tuple(Button(b["label"], b["url"]) for b in text.buttons),
    )


async def variables_for(client: Client, link: str) -> Variables:
    """The values of a client's variables (one query each for the manager and shipment)."""
    manager = (
        await Employee.get_or_none(id=client.manager_id)  # type: ignore[attr-defined]
        if client.manager_id  # type: ignore[attr-defined]
        else None
    )
    shipment = await Shipment.filter(client_id=client.id).order_by("-id").first()
    company = await current_company()
    return Variables(
        client_name=client.name,
        manager_name=manager.name if manager else company.name,
        last_shipment=shipment.number if shipment else "",
        link=link,
        company=company.name,
    )


async def preview(
    actor: Actor, template_id: int, client_id: int, link: str = "https://example.com/"
) -> list[Rendered]:
    """Every variant of a template as the chosen client would read it."""
    _template, texts = await get_template(actor, template_id)
    client = await get_client(actor, client_id)
    variables = await variables_for(client, link)
    return [render(text, variables) for text in texts]

"""Mailing templates in the panel: one form with every language and channel kind, and a preview
of every variant as a chosen client would read it.

Only the variants with something typed in are saved. Each is checked here with the service's
own `validate_text` before saving, so a mistake is shown next to the very field it is in
(the Russian SMS, say), with what was typed kept.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.params import as_id, path_id
from admin_web.routing import get, post
from admin_web.views.mailings_common import TEXT_KIND_LABELS, message, sms_parts
from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput, NotFound
from core.i18n import LANGUAGE_NAMES, N_
from core.models import MailTemplate, TemplateText, TextKind
from core.services.access import Actor, Permission
from core.services.clients import get_client, search_clients
from core.services.mail_templates import (
    VARIABLES,
    TextInput,
    get_template,
    list_templates,
    parse_buttons,
    preview,
    save_template,
    validate_text,
)

TEMPLATES = "/admin/mailings/templates"
# The fields of each kind of variant, in the order the form shows them.
VARIANT_FIELDS: dict[TextKind, tuple[str, ...]] = {
    TextKind.MESSENGER: ("body", "buttons"),
    TextKind.EMAIL: ("subject", "body", "html"),
    TextKind.SMS: ("body",),
}
MAX_NAME = 120
MAX_SUBJECT = 200
MAX_FIELD = 100_000
GENERAL = "texts"
DONE_MESSAGES = {"saved": N_("The template is saved.")}


def key(language: str, kind: TextKind | str, field: str) -> str:
    return f"{language}-{TextKind(kind).value}-{field}"


def _keys() -> list[str]:
    return [
        key(language, kind, field)
        for language in SUPPORTED_LANGUAGES
        for kind, fields in VARIANT_FIELDS.items()
        for field in fields
    ]


def form_values(form: Any) -> dict[str, str]:
    values = {k: str(form.get(k, ""))[:MAX_FIELD] for k in _keys()}
    values["name"] = str(form.get("name", "")).strip()[:1000]
    return values


def values_of(template: MailTemplate, texts: list[TemplateText]) -> dict[str, str]:
    values = {k: "" for k in _keys()}
    values["name"] = template.name
    for text in texts:
        if text.language not in SUPPORTED_LANGUAGES:
            continue
        kind = TextKind(text.kind)
        values[key(text.language, kind, "body")] = text.body
        if kind is TextKind.EMAIL:
            values[key(text.language, kind, "subject")] = text.subject
            values[key(text.language, kind, "html")] = text.html
        if kind is TextKind.MESSENGER:
            values[key(text.language, kind, "buttons")] = "\n".join(
                f"{b['label']} | {b['url']}" for b in text.buttons
            )
    return values


def texts_of(values: dict[str, str]) -> list[TextInput]:
    """The filled variants; InvalidInput names the variant's own field."""
    texts = []
    for language in SUPPORTED_LANGUAGES:
        for kind, fields in VARIANT_FIELDS.items():
            typed = {field: values[key(language, kind, field)] for field in fields}
            if not any(v.strip() for v in typed.values()):
                continue
            try:
                if len(typed.get("subject", "").strip()) > MAX_SUBJECT:
                    raise InvalidInput(
                        "subject",
                        N_("The text is too long (at most {n} characters)."),
                        n=MAX_SUBJECT,
                    )
                text = TextInput(
                    language,
                    kind,
                    typed["body"],
                    subject=typed.get("subject", ""),
                    html=typed.get("html", ""),
                    buttons=parse_buttons(typed.get("buttons", "")),
                )
                validate_text(text)
            except InvalidInput as exc:
                field = exc.field if exc.field in fields else "body"
                raise InvalidInput(key(language, kind, field), exc.msgid, **exc.params) from None
            texts.append(text)
    if not texts:
        raise InvalidInput(
            GENERAL, N_("Write at least one message: for messengers, an email or an SMS.")
        )
    return texts


def _counters(values: dict[str, str]) -> dict[str, str]:
    return {
        language: sms_parts(values[key(language, TextKind.SMS, "body")])
        for language in SUPPORTED_LANGUAGES
        if values[key(language, TextKind.SMS, "body")].strip()
    }


async def _form(
    request: web.Request,
    template: MailTemplate | None,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> web.StreamResponse:
    filled = {
        language
        for language in SUPPORTED_LANGUAGES
        for k in _keys()
        if k.startswith(f"{language}-") and (values.get(k, "").strip() or k in errors)
    }
    context = {
        "template": template,
        "values": values,
        "errors": errors,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LANGUAGES],
        "open_languages": filled or {SUPPORTED_LANGUAGES[0]},
        "kind_labels": TEXT_KIND_LABELS,
        "variables": ", ".join("{" + v + "}" for v in VARIABLES),
        "sms_counters": _counters(values),
        "key": key,
        "done": DONE_MESSAGES.get(request.query.get("done", "")),
        "action": f"{TEMPLATES}/{template.id}" if template else f"{TEMPLATES}/new",
    }
    return aiohttp_jinja2.render_template("mailing_template.html", request, context, status=status)


async def templates_page(request: web.Request) -> web.StreamResponse:
    templates = await list_templates(request[ACTOR])
    variants: dict[int, dict[str, list[str]]] = {}
    rows = await TemplateText.filter(template_id__in=[t.id for t in templates]).values_list(
        "template_id", "language", "kind"
    )
    for template_id, language, kind in rows:
        variants.setdefault(template_id, {}).setdefault(language, []).append(str(kind))
    listed = [
        (
            template,
            [
                (language, sorted(variants.get(template.id, {}).get(language, [])))
                for language in SUPPORTED_LANGUAGES
                if language in variants.get(template.id, {})
            ],
        )
        for template in templates
    ]
    context = {"rows": listed, "kind_labels": TEXT_KIND_LABELS}
    return aiohttp_jinja2.render_template("mailing_templates.html", request, context)


async def template_new(request: web.Request) -> web.StreamResponse:
    return await _form(request, None, form_values({}), {})


async def template_page(request: web.Request) -> web.StreamResponse:
    template, texts = await get_template(request[ACTOR], path_id(request, "template_id"))
    return await _form(request, template, values_of(template, texts), {})


async def _submit(request: web.Request, template: MailTemplate | None) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    values = form_values(await request.post())
    try:
        if len(values["name"]) > MAX_NAME:
            raise InvalidInput(
                "name", N_("The name is too long (at most {n} characters)."), n=MAX_NAME
            )
        texts = texts_of(values)
        saved = await save_template(
            actor, values["name"], texts, template.id if template else None
        )
    except InvalidInput as exc:
        field = exc.field if exc.field in values else GENERAL
        return await _form(request, template, values, {field: message(exc)}, 422)
    raise web.HTTPFound(f"{TEMPLATES}/{saved.id}?done=saved")


async def template_create(request: web.Request) -> web.StreamResponse:
    return await _submit(request, None)


async def template_update(request: web.Request) -> web.StreamResponse:
    template, _texts = await get_template(request[ACTOR], path_id(request, "template_id"))
    return await _submit(request, template)


async def sms_counter(request: web.Request) -> web.StreamResponse:
    """The SMS counter for the text being typed (the editor's script posts it)."""
    form = await request.post()
    text = str(form.get("text", ""))[:MAX_FIELD]
    return web.json_response({"text": sms_parts(text) if text.strip() else ""})


async def preview_page(request: web.Request) -> web.StreamResponse:
    """Every variant rendered for one client, chosen by id or found by name or phone."""
    actor: Actor = request[ACTOR]
    template, _texts = await get_template(actor, path_id(request, "template_id"))
    typed = request.query.get("q", "").strip()[:100]
    found = await search_clients(actor, typed) if typed else None
    client_id = as_id(request.query.get("client_id"))
    client = None
    rendered = []
    if client_id is not None:
        try:
            client = await get_client(actor, client_id)
            rendered = await preview(actor, template.id, client_id)
        except NotFound:
            client = None
    context = {
        "template": template,
        "q": typed,
        "found": found,
        "client_id": request.query.get("client_id", "")[:12],
        "client": client,
        "missing": bool(request.query.get("client_id")) and client is None,
        "rendered": [(r, sms_parts(r.body) if r.kind == TextKind.SMS else "") for r in rendered],
        "kind_labels": TEXT_KIND_LABELS,
    }
    return aiohttp_jinja2.render_template("mailing_preview.html", request, context)


ROUTES = [
    get("/mailings/templates", templates_page, "mailings.templates", Permission.SEND_MAILINGS),
    get(
        "/mailings/templates/new", template_new, "mailings.templates.new", Permission.SEND_MAILINGS
    ),
    post(
        "/mailings/templates/new",
        template_create,
        "mailings.templates.create",
        Permission.SEND_MAILINGS,
    ),
    post(
        "/mailings/templates/sms-parts",
        sms_counter,
        "mailings.templates.sms_parts",
        Permission.SEND_MAILINGS,
    ),
    get(
        r"/mailings/templates/{template_id:\d+}",
        template_page,
        "mailings.templates.view",
        Permission.SEND_MAILINGS,
    ),
    post(
        r"/mailings/templates/{template_id:\d+}",
        template_update,
        "mailings.templates.update",
        Permission.SEND_MAILINGS,
    ),
    get(
        r"/mailings/templates/{template_id:\d+}/preview",
        preview_page,
        "mailings.templates.preview",
        Permission.SEND_MAILINGS,
    ),
]

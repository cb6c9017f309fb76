"""The panel's one pattern for configuration data: a list, a form, a CSV import, a history.

A section declares its model, columns, fields, search and filters; this class turns that into
pages and routes, validates input field by field, writes each change with its audit entry in
one transaction, and keeps the list at a fixed number of queries however long it grows.
Later capabilities (price lists, lanes, templates) add a section in a few lines.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup
from pydantic import ValidationError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from admin_web.api.validation import field_errors
from admin_web.auth import ACTOR
from admin_web.params import path_id
from admin_web.routing import PanelRoute, get, post
from admin_web.sections.fields import Choices, Field, Kind
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import AuditLog
from core.services.access import Actor, Permission
from core.services.audit import changes, record

MAX_IMPORT_ROWS = 5000


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any], Any]
    # The first linked column opens the item (its form, or the section's detail page).
    link: bool = False


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    choices: Choices
    apply: Callable[[QuerySet, str], QuerySet]


class Section:
    key: ClassVar[str]
    model: ClassVar[type[Model]]
    title: ClassVar[str]
    item_title: ClassVar[str]
    view_permission: ClassVar[Permission]
    edit_permission: ClassVar[Permission | None] = None
    columns: ClassVar[Sequence[Column]] = ()
    fields: ClassVar[Sequence[Field]] = ()
    search: ClassVar[Sequence[str]] = ()
    filters: ClassVar[Sequence[Filter]] = ()
    order_by: ClassVar[Sequence[str]] = ("-id",)
    prefetch: ClassVar[Sequence[str]] = ()
    importable: ClassVar[bool] = False
    page_size: ClassVar[int] = 50
    empty_text: ClassVar[str] = N_("Nothing found.")
    # Where a row links to, when not its own form (e.g. the client's dossier).
    detail_url: ClassVar[Callable[[Any], str] | None] = None
    # The item's form lives at /<key>/<id><edit_suffix>; "/edit" leaves /<key>/<id> to a
    # detail page of the section's own (the client's dossier).
    edit_suffix: ClassVar[str] = ""
    list_template: ClassVar[str] = "section_list.html"
    form_template: ClassVar[str] = "section_form.html"

    # ---- hooks a section overrides -------------------------------------------------------
    def scope(self, actor: Actor, query: QuerySet) -> QuerySet:
        return query

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {}

    def committed(self) -> None:
        """Called once a save or an import has committed: drop what was cached from the rows.

        After the commit, not inside the transaction, so nothing rebuilt from the old rows in
        between can outlive the change.
        """

    async def values_of(self, obj: Model) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name, None) for f in self.fields}

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        """Checks across fields or against the database; raise InvalidInput."""

    async def create(self, actor: Actor, values: dict[str, Any], conn: BaseDBAsyncClient) -> Model:
        return await self.model.create(**values, using_db=conn)

    async def update(
        self, actor: Actor, obj: Model, values: dict[str, Any], conn: BaseDBAsyncClient
    ) -> None:
        obj.update_from_dict(values)
        await obj.save(using_db=conn)

    async def extra_context(self, request: web.Request, obj: Model | None) -> dict[str, Any]:
        """More for the form page: related rows shown under the form, read from the request's
        query when they page or filter."""
        return {}

    def can_edit(self, actor: Actor, obj: Model | None) -> bool:
        return self.edit_permission is not None and actor.can(self.edit_permission)

    # ---- what the pattern provides -------------------------------------------------------
    @property
    def audit_type(self) -> str:
        return self.model._meta.db_table

    def url(self, suffix: str = "") -> str:
        return f"/admin/{self.key}{suffix}"

    def item_url(self, obj: Model) -> str:
        if self.detail_url is not None:
            return type(self).detail_url(obj)  # type: ignore[misc]
        return self.url(f"/{obj.pk}")

    def form_action(self, obj: Model | None) -> str:
        return self.url(f"/{obj.pk}{self.edit_suffix}") if obj is not None else self.url("/new")

    def history_url(self, obj: Model) -> str:
        return self.url(f"/{obj.pk}/history")

    def routes(self) -> list[PanelRoute]:
        k, view = self.key, self.view_permission
        routes = [
            get(f"/{k}", self.list_page, k, view),
            get(rf"/{k}/{{item_id:\d+}}{self.edit_suffix}", self.edit_page, f"{k}.edit", view),
            get(rf"/{k}/{{item_id:\d+}}/history", self.history_page, f"{k}.history", view),
        ]
        if self.edit_permission is not None:
            change = self.edit_permission
            routes += [
                get(f"/{k}/new", self.new_page, f"{k}.new", change),
                post(f"/{k}/new", self.create_submit, f"{k}.create", change),
                post(
                    rf"/{k}/{{item_id:\d+}}{self.edit_suffix}",
                    self.update_submit,
                    f"{k}.update",
                    change,
                ),
            ]
            if self.importable:
                routes += [
                    get(f"/{k}/import", self.import_page, f"{k}.import_form", change),
                    post(f"/{k}/import", self.import_submit, f"{k}.import_save", change),
                ]
        return routes

    async def list_query(self, actor: Actor, params: dict[str, str]) -> tuple[QuerySet, dict]:
        query = self.scope(actor, self.model.all())
        text = params.get("q", "").strip()[:100]
        if text and self.search:
            condition = Q()
            for name in self.search:
                condition |= Q(**{f"{name}__icontains": text})
            query = query.filter(condition)
        chosen: dict[str, str] = {}
        for flt in self.filters:
            value = params.get(flt.name, "")
            if value and value in {v for v, _label in await flt.choices(actor)}:
                query = flt.apply(query, value)
                chosen[flt.name] = value
        return query, chosen

    async def list_page(self, request: web.Request) -> web.StreamResponse:
        actor: Actor = request[ACTOR]
        params = dict(request.query)
        query, chosen = await self.list_query(actor, params)
        page = _page_number(params.get("page"))
        total = await query.count()
        rows = (
            await query.order_by(*self.order_by)
            .offset((page - 1) * self.page_size)
            .limit(self.page_size)
            .prefetch_related(*self.prefetch)
        )
        filters = [(flt, await flt.choices(actor)) for flt in self.filters]
        context = {
            "section": self,
            "rows": rows,
            "cells": [[(col, col.value(row)) for col in self.columns] for row in rows],
            "total": total,
            "page": page,
            "pages": max(1, -(-total // self.page_size)),
            "q": params.get("q", ""),
            "chosen": chosen,
            "filters": filters,
            "done": _done_message(params),
            "can_edit": self.can_edit(actor, None),
            "query_without_page": _query_without(params, "page"),
        }
        return aiohttp_jinja2.render_template(self.list_template, request, context)

    async def get_item(self, request: web.Request) -> Model:
        actor: Actor = request[ACTOR]
        item_id = path_id(request)
        obj = await self.scope(actor, self.model.all()).filter(pk=item_id)
        if not obj:
            raise web.HTTPNotFound()
        return obj[0]

    async def _form(
        self,
        request: web.Request,
        obj: Model | None,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> web.StreamResponse:
        actor: Actor = request[ACTOR]
        stored = await self.values_of(obj) if obj is not None else {}
        fields = [(f, await self.choices_for(actor, f, stored.get(f.name))) for f in self.fields]
        context = {
            "section": self,
            "obj": obj,
            "fields": fields,
            "values": {f.name: f.shown(values.get(f.name)) for f in self.fields},
            "errors": errors,
            # Messages about no single field (a rule across several), shown above the form.
            "general_errors": [
                m for k, m in errors.items() if k not in {f.name for f in self.fields}
            ],
            "editable": self.can_edit(actor, obj),
            "done": _done_message(dict(request.query)),
            **(await self.extra_context(request, obj)),
        }
        return aiohttp_jinja2.render_template(self.form_template, request, context, status=status)

    async def new_page(self, request: web.Request) -> web.StreamResponse:
        return await self._form(request, None, await self.initial(request[ACTOR]), {})

    async def edit_page(self, request: web.Request) -> web.StreamResponse:
        obj = await self.get_item(request)
        return await self._form(request, obj, await self.values_of(obj), {})

    async def choices_for(
        self, actor: Actor, f: Field, current: Any
    ) -> list[tuple[str, str]] | None:
        """The field's options, plus the item's stored value when it is no longer offered
        (an inactive source, a blocked manager): saving the form must not erase it."""
        if f.choices is None:
            return None
        options = await f.choices(actor)
        offered = {value for value, _label in options}
        shown = f.shown(current)
        for value in shown if isinstance(shown, list) else [shown]:
            if value not in (None, "") and str(value) not in offered:
                options = [*options, (str(value), await self.choice_label(f, str(value)))]
        return options

    async def choice_label(self, f: Field, value: str) -> str:
        return value

    async def parse(
        self, actor: Actor, raw: Any, stored: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Every field's value, and a translated message for each field that is wrong."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        stored = stored or {}
        for f in self.fields:
            options = await self.choices_for(actor, f, stored.get(f.name))
            allowed = {v for v, _label in options} if options is not None else None
            given = raw.getall(f.name, []) if f.kind is Kind.MULTI else raw.get(f.name)
            try:
                values[f.name] = f.parse(given, allowed)
            except InvalidInput as exc:
                errors[f.name] = _(exc.msgid, **exc.params)
        return values, errors

    async def save(
        self, request: web.Request, actor: Actor, obj: Model | None, values: dict[str, Any]
    ) -> Model:
        """Validate, write and audit in one transaction; sections with a service override it."""
        secret = frozenset(f.name for f in self.fields if f.secret)
        async with in_transaction() as conn:
            await self.validate(actor, values, obj, conn)
            if obj is None:
                obj = await self.create(actor, values, conn)
                details = changes({}, values, secret)
                await record(actor, "created", self.audit_type, obj.pk, details, connection=conn)
            else:
                before = await self.values_of(obj)
                await self.update(actor, obj, values, conn)
                details = changes(before, values, secret)
                if details:
                    await record(
                        actor, "updated", self.audit_type, obj.pk, details, connection=conn
                    )
        self.committed()
        return obj

    async def create_submit(self, request: web.Request) -> web.StreamResponse:
        return await self._submit(request, None)

    async def update_submit(self, request: web.Request) -> web.StreamResponse:
        obj = await self.get_item(request)
        if not self.can_edit(request[ACTOR], obj):
            raise web.HTTPForbidden()
        return await self._submit(request, obj)

    async def _submit(self, request: web.Request, obj: Model | None) -> web.StreamResponse:
        actor: Actor = request[ACTOR]
        form = await request.post()
        stored = await self.values_of(obj) if obj is not None else {}
        values, errors = await self.parse(actor, form, stored)
        if not errors:
            try:
                saved = await self.save(request, actor, obj, values)
            except InvalidInput as exc:
                errors[exc.field] = _(exc.msgid, **exc.params)
            else:
                raise web.HTTPFound(self.form_action(saved) + "?done=saved")
        shown = {**(await self.values_of(obj) if obj else {}), **values}
        for f in self.fields:  # show what the person typed, even where it was wrong
            if f.name in errors and f.kind is not Kind.MULTI:
                shown[f.name] = form.get(f.name, "")
        return await self._form(request, obj, shown, errors, status=422)

    async def history_page(self, request: web.Request) -> web.StreamResponse:
        obj = await self.get_item(request)
        entries = await AuditLog.filter(object_type=self.audit_type, object_id=str(obj.pk)).limit(
            200
        )
        context = {"section": self, "obj": obj, "entries": entries}
        return aiohttp_jinja2.render_template("section_history.html", request, context)

    # ---- CSV import: all rows or none -----------------------------------------------------
    def import_fields(self) -> list[Field]:
        return [f for f in self.fields if f.importable and not f.secret]

    async def import_page(self, request: web.Request) -> web.StreamResponse:
        return await self._import_form(request, [], None)

    async def _import_form(
        self, request: web.Request, problems: list[tuple[int, str, str]], status: int | None
    ) -> web.StreamResponse:
        context = {"section": self, "columns": self.import_fields(), "problems": problems}
        return aiohttp_jinja2.render_template(
            "section_import.html", request, context, status=status or 200
        )

    async def import_submit(self, request: web.Request) -> web.StreamResponse:
        actor: Actor = request[ACTOR]
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return await self._import_form(
                request, [(0, "", _("Choose a CSV file to import."))], 422
            )
        data = await asyncio.to_thread(upload.file.read)  # a temporary file on disk
        rows, problems = await self._read_csv(actor, data)
        if rows or problems:
            created, problems = await self._import_rows(actor, rows, problems)
            if not problems:
                raise web.HTTPFound(self.url(f"?done=imported&count={created}"))
        return await self._import_form(request, problems, 422)

    async def _read_csv(
        self, actor: Actor, data: bytes
    ) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str, str]]]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [(0, "", _("The file is not UTF-8 text. Save it as CSV UTF-8."))]
        sample = text[:4096]
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        if "\x00" in text:
            return [], [(0, "", _("This is not a CSV file. Save it as CSV UTF-8."))]
        try:
            return await self._parse_rows(
                actor, csv.DictReader(io.StringIO(text), dialect=dialect)
            )
        except csv.Error:
            return [], [(0, "", _("This is not a CSV file. Save it as CSV UTF-8."))]

    async def _parse_rows(
        self, actor: Actor, reader: csv.DictReader
    ) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str, str]]]:
        fields = self.import_fields()
        by_header = {}
        for f in fields:
            by_header[f.name.lower()] = f
            by_header[_(f.label).lower()] = f
        headers = [h.strip().lower() for h in reader.fieldnames or []]
        known = {h: by_header[h] for h in headers if h in by_header}
        missing = [f for f in fields if f.required and f not in known.values()]
        if not headers or missing:
            names = ", ".join(f.name for f in missing) or "-"
            return [], [(1, "", _("Columns missing from the first row: {names}.", names=names))]
        rows: list[tuple[int, dict[str, Any]]] = []
        problems: list[tuple[int, str, str]] = []
        defaults = await self.initial(actor)
        for number, raw in enumerate(reader, start=2):
            if number - 1 > MAX_IMPORT_ROWS:
                problems.append((number, "", _("Import at most 5000 rows at a time.")))
                break
            cells = _MultiCells({k.strip().lower(): v for k, v in raw.items() if k})
            given = {f.name: cells.get(h) for h, f in known.items()}
            values, errors = await self.parse(actor, _MultiCells(given))
            # A column the file leaves out takes the form's default for a new row, or is left
            # out (the model's default), never the empty value a missing cell parses to.
            values = {
                name: value if name in given else defaults[name]
                for name, value in values.items()
                if name in given or name in defaults
            }
            problems += [(number, _(self._label(name)), msg) for name, msg in errors.items()]
            if not errors:
                rows.append((number, values))
        if not rows and not problems:
            problems.append((2, "", _("The file has no rows under its header.")))
        return rows, problems

    def _label(self, name: str) -> str:
        return next((f.label for f in self.fields if f.name == name), name)

    async def _import_rows(
        self,
        actor: Actor,
        rows: list[tuple[int, dict[str, Any]]],
        problems: list[tuple[int, str, str]],
    ) -> tuple[int, list[tuple[int, str, str]]]:
        """Every row in one transaction, so all problems are reported; any problem undoes all."""
        problems = list(problems)
        try:
            async with in_transaction() as conn:
                for number, values in rows:
                    try:
                        await self.validate(actor, values, None, conn)
                    except InvalidInput as exc:
                        label = _(self._label(exc.field))
                        problems.append((number, label, _(exc.msgid, **exc.params)))
                        continue
                    obj = await self.create(actor, values, conn)
                    details = changes({}, values)
                    await record(
                        actor, "imported", self.audit_type, obj.pk, details, connection=conn
                    )
                if problems:
                    raise _UndoImport()
            self.committed()
        except _UndoImport:
            problems.sort(key=lambda problem: problem[0])
        return len(rows), problems


class _UndoImport(Exception):
    """Raised inside the import transaction to roll it back after collecting every problem."""


class _MultiCells(dict):
    """A CSV row that answers like a posted form (MULTI fields read comma-separated text)."""

    def getall(self, key: str, default: Any = None) -> list[str]:
        value = self.get(key)
        return default if value is None else [v for v in str(value).split(",")]


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or "1"), 100_000))
    except ValueError:
        return 1


def _query_without(params: dict[str, str], name: str) -> str:
    return urlencode({k: v for k, v in params.items() if k != name and v})


_DONE = {
    "saved": N_("Saved."),
    "imported": N_("Imported {count} rows."),
    "deleted": N_("Deleted."),
    "merged": N_("Merged."),
    "contact": N_("Contact person added."),
    "queued": N_("Queued for delivery."),
}


def _done_message(params: dict[str, str]) -> str | None:
    msgid = _DONE.get(params.get("done", ""))
    if msgid is None:
        return None
    count = params.get("count", "0")
    return _(msgid, count=int(count) if count.isdigit() else 0)


def link(url: str, text: str) -> Markup:
    """A safe link for list cells: the text is escaped, only the URL is ours."""
    return Markup('<a href="{}">{}</a>').format(url, text)


@contextmanager
def service_validation() -> Iterator[None]:
    """Turn the first error of a service's pydantic model into a message next to its field."""
    try:
        yield
    except ValidationError as exc:
        where, message = (field_errors(exc) or [("name", _("Check this value."))])[0]
        raise InvalidInput(where.split(".")[0], message) from None

"""Reports in the panel: one page per report, with a period, a comparison, a chart drawn on
the server (SVG), a sortable table whose figures open the records behind them, and the
same report as XLSX or PDF. Every report goes through core.services.reports.build, so the
bot and the digests show exactly these figures.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.keys import SETTINGS
from admin_web.params import as_id
from admin_web.report_params import chosen_period, iso_day, today_in, within_years
from admin_web.routing import get
from core.errors import InvalidInput
from core.i18n import gettext
from core.services import reports
from core.services.access import Actor, Permission
from core.services.company import current_company, zone_of
from core.services.reports.base import Column, Kind, Window, people_for
from core.services.reports.charts import render_svg
from core.services.reports.exports import file_name, shown, to_pdf, to_xlsx
from core.services.reports.period import (
    COMPARE_LABELS,
    PRESET_LABELS,
    Compare,
    Period,
    Preset,
    preset_period,
)

PDF = "application/pdf"
MAX_ROWS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Lists that take the person a narrowed report is about as `manager`.
PERSON_LISTS = ("/admin/pipeline", "/admin/shipments")
# A drill template that is a single field: the row carries the whole link.
WHOLE_LINK = re.compile(r"\{\w+\}")


def _date(raw: str | None) -> dt.date | None:
    day = iso_day(raw) if raw else None
    return day if day is not None and within_years(day) else None


async def _choice(request: web.Request) -> tuple[Period, Compare, dict[str, str], str | None]:
    """The period and comparison asked for; a bad custom range falls back with an error."""
    zone = zone_of(await current_company())
    query = request.query
    try:
        preset = Preset(query.get("period", Preset.THIS_MONTH))
    except ValueError:
        preset = Preset.THIS_MONTH
    try:
        compare = Compare(query.get("compare", Compare.NONE))
    except ValueError:
        compare = Compare.NONE
    error = None
    first, last = _date(query.get("from")), _date(query.get("to"))
    today = today_in(request, zone)
    # The form keeps both dates whatever is chosen: they count with "custom" only.
    custom = preset is Preset.CUSTOM
    try:
        period = chosen_period(
            preset, first if custom else None, last if custom else None, today, zone
        )
    except InvalidInput as exc:  # shown beside the form; this month meanwhile
        error = gettext(exc.msgid, **exc.params)
        period = preset_period(Preset.THIS_MONTH, today, zone)
    chosen = {
        "period": preset.value,
        "compare": compare.value,
        "from": first.isoformat() if first else "",
        "to": last.isoformat() if last else "",
    }
    return period, compare, chosen, error


def _drill(
    column: Column, row: dict[str, Any], period: Period, person: int | None = None
) -> str | None:
    """The figure's link. A text put into a template is percent-encoded, so a city such as
    "Côte d'Ivoire" or a name with "&" stays one value of the query string; a template that
    is one field alone ("{link}") takes a whole address the report built, as it is."""
    if column.drill is None:
        return None
    whole = WHOLE_LINK.fullmatch(column.drill) is not None
    values = {
        **{
            k: v if whole or not isinstance(v, str) else quote(v, safe="")
            for k, v in row.items()
            if isinstance(v, int | str)
        },
        "start": period.start.isoformat(),
        "last": period.last_day.isoformat(),
        "end": period.end.isoformat(),
    }
    try:
        link = column.drill.format(**values)
    except (KeyError, IndexError):
        return None
    # A report narrowed to one person opens that person's records in the lists.
    if person is not None and link.startswith(PERSON_LISTS) and "manager=" not in link:
        link += f"&manager={int(person)}" if "?" in link else f"?manager={int(person)}"
    return link


async def _filters(
    request: web.Request, actor: Actor, key: str
) -> tuple[int | None, str | None, list[tuple[int, str]], dict[str, str]]:
    """The person and the yes/no column the page is narrowed to, the people the asker may
    choose from, and the report's flags (key → label). An unknown choice is no filter."""
    report = reports.get_report(actor, key)
    people = await people_for(actor) if report.per_person else []
    person = as_id(request.query.get("person"))
    if person not in {pid for pid, _name in people}:
        person = None
    flag = request.query.get("flag")
    return person, flag if flag in report.flags else None, people, report.flags


async def reports_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    context = {"reports": reports.reports_for(actor)}
    return aiohttp_jinja2.render_template("reports_list.html", request, context)


async def report_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    key = request.match_info["key"]
    period, compare, chosen, error = await _choice(request)
    person, flag, people, flags = await _filters(request, actor, key)
    chosen.update(person=str(person or ""), flag=flag or "")
    sort = request.query.get("sort", "")
    descending = request.query.get("dir", "desc") != "asc"
    # A page shows the first rows in the chosen order; the XLSX and PDF carry every one.
    window = Window(sort or None, descending, MAX_ROWS)
    result = await reports.build(actor, key, period, compare, window, person, flag)
    company = await current_company()
    # As a data: image, so the page's strict CSP (no inline styles) does not apply to the
    # SVG's own styling.
    chart = None
    if result.chart is not None:
        svg = await render_svg(result.chart)
        chart = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    base_query = {k: v for k, v in chosen.items() if v}

    def sort_link(column: Column) -> str:
        direction = "asc" if sort == column.key and descending else "desc"
        return "?" + urlencode({**base_query, "sort": column.key, "dir": direction})

    def cell(row: dict[str, Any], column: Column) -> dict[str, Any]:
        value = row.get(column.key)
        change = (
            result.change(row, column.key)
            if result.compare and column.kind is not Kind.TEXT
            else None
        )
        before = result.previous.get(row.get(result.report.row_key), {}).get(column.key)
        better = None
        if change is not None and change != 0:
            better = (change < 0) if column.lower_is_better else (change > 0)
        return {
            "text": shown(value, column.kind, company.currency),
            "link": _drill(column, row, period, person),
            "before": shown(before, column.kind, company.currency) if result.compare else None,
            "change": f"{change:+.0f} %" if change is not None else None,
            "better": better,
        }

    context = {
        "result": result,
        "rows": result.rows,
        "hidden": result.hidden,
        "chart": chart,
        "cell": cell,
        "sort": sort,
        "descending": descending,
        "sort_link": sort_link,
        "chosen": chosen,
        "error": error,
        "presets": PRESET_LABELS,
        "compares": COMPARE_LABELS,
        "download": urlencode(base_query),
        "number_kinds": {k for k in Kind if k is not Kind.TEXT},
        "people": people,
        "flags": flags,
    }
    return aiohttp_jinja2.render_template("report.html", request, context)


async def _download(request: web.Request, kind: str) -> web.Response:
    actor: Actor = request[ACTOR]
    key = request.match_info["key"]
    period, compare, _chosen, _error = await _choice(request)
    person, flag, _people, _flags = await _filters(request, actor, key)
    result = await reports.build(actor, key, period, compare, person=person, flag=flag)
    company = await current_company()
    # The notes' links (where a figure is set) as whole addresses, for a file read elsewhere.
    base_url = request.config_dict[SETTINGS].public_url or str(request.url.origin())
    if kind == "pdf":
        label = f"{period.start.isoformat()} – {period.last_day.isoformat()}"
        body, content_type = await to_pdf(result, company.currency, label, base_url), PDF
    else:
        body, content_type = await to_xlsx(result, base_url), XLSX
    return web.Response(
        body=body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(result, kind)}"',
            "Cache-Control": "no-store",
        },
    )


async def report_xlsx(request: web.Request) -> web.StreamResponse:
    return await _download(request, "xlsx")


async def report_pdf(request: web.Request) -> web.StreamResponse:
    return await _download(request, "pdf")


KEY = "{key:[a-z_]+}"
ROUTES = [
    get("/reports", reports_page, "reports", Permission.VIEW_REPORTS),
    get(f"/reports/{KEY}.xlsx", report_xlsx, "reports.xlsx", Permission.VIEW_REPORTS),
    get(f"/reports/{KEY}.pdf", report_pdf, "reports.pdf", Permission.VIEW_REPORTS),
    get(f"/reports/{KEY}", report_page, "reports.view", Permission.VIEW_REPORTS),
]

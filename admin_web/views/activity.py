"""A person's activity log: what they changed (the audit trail) and the contacts they logged.

Open to the person and to management of their team; anyone else gets the same 404 as for
someone who does not exist (core.services.workspace_queries.person_activity decides).
"""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.params import path_id
from admin_web.routing import SIGNED_IN, get
from core.services.audit import action_label
from core.services.interactions import KIND_LABELS
from core.services.workspace_queries import person_activity


async def activity_page(request: web.Request) -> web.StreamResponse:
    activity = await person_activity(request[ACTOR], path_id(request))
    context = {"a": activity, "action_label": action_label, "kind_labels": KIND_LABELS}
    return aiohttp_jinja2.render_template("activity.html", request, context)


ROUTES = [get(r"/staff/{item_id:\d+}/activity", activity_page, "staff.activity", SIGNED_IN)]

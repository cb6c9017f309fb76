"""Dashboard tiles of the managers' workspace: today's tasks, overdue ones, waiting chats.

Each counts only what the viewer may see (a manager their own, a head of sales their team's,
director and admin everyone's) and links to the panel list showing the same rows.
"""

from __future__ import annotations

from urllib.parse import urlencode

from core.i18n import N_
from core.services.access import Permission
from core.services.dashboard import TileContext, TileFigure, register_tile
from core.services.tasks import visible_tasks
from core.services.workspace_queries import TaskState, narrow_tasks, waiting_relays

TASKS_PATH = "/admin/tasks"


def tasks_link(**params: str) -> str:
    return f"{TASKS_PATH}?{urlencode(params)}"


@register_tile("tasks.due_today", N_("Tasks due today"), Permission.WORK_TASKS, order=50)
async def tasks_due_today(ctx: TileContext) -> TileFigure:
    """Tasks still open whose due time falls in the company's today."""
    count = await narrow_tasks(
        visible_tasks(ctx.actor),
        ctx.now,
        state=TaskState.OPEN,
        due_from=ctx.day_start,
        due_before=ctx.day_end,
    ).count()
    day = ctx.today.isoformat()
    return TileFigure(count, link=tasks_link(state="open", due_from=day, due_to=day))


@register_tile("tasks.overdue", N_("Overdue tasks"), Permission.WORK_TASKS, order=51)
async def overdue_tasks(ctx: TileContext) -> TileFigure:
    count = await narrow_tasks(visible_tasks(ctx.actor), ctx.now, state=TaskState.OVERDUE).count()
    return TileFigure(count, link=tasks_link(state="overdue"))


@register_tile(
    "relay.waiting", N_("Live chats waiting for a reply"), Permission.WORK_TASKS, order=52
)
async def chats_waiting(ctx: TileContext) -> TileFigure:
    """Clients who wrote in a live chat and have had no answer yet (answered in the bot)."""
    return TileFigure(await waiting_relays(ctx.actor).count())

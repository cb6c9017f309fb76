"""Reports and analytics (issue 8): each report answers one management question for a
period, in SQL, and is shown in the panel, downloaded, or sent by the bot."""

# Importing a report module registers its report; the order is the order in menus.
from core.services.reports import (  # noqa: F401
    carriers,
    clients,
    managers,
    marketing,
    overview,
    personnel,
    routes,
)
from core.services.reports.base import REGISTRY, Result, build, get_report, reports_for

__all__ = ["REGISTRY", "Result", "build", "get_report", "reports_for"]

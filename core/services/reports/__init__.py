"""Reports and analytics (issue 8): each report answers one management question for a
period, in SQL, and is shown in the panel, downloaded, or sent by the bot."""

from core.services.reports import managers  # noqa: F401  (registers the report)
from core.services.reports.base import REGISTRY, Result, build, get_report, reports_for

__all__ = ["REGISTRY", "Result", "build", "get_report", "reports_for"]

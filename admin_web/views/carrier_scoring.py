"""Placeholder: filled in with the reports (issue 8)."""

from __future__ import annotations

from admin_web.routing import PanelRoute

ROUTES: list[PanelRoute] = []

"""Reusable list/form/import/history pages; see section.py."""

from admin_web.sections.fields import Field, Kind, static_choices
from admin_web.sections.section import Column, Filter, Section, link

__all__ = ["Column", "Field", "Filter", "Kind", "Section", "link", "static_choices"]

"""Placeholder: a report module being written (issue 8)."""

"""Audience filters, applied at router level."""

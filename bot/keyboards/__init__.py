"""Keyboards: callback payloads and builders of translated buttons."""

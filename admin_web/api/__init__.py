"""The JSON API for integrations, mounted at /api/v1: see docs/api.md."""

from admin_web.api.app import create_api

__all__ = ["create_api"]

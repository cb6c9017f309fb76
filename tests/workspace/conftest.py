"""Staff actors from the service tests, shared by the workspace tests."""

from tests.services.conftest import actor_for, staff

__all__ = ["actor_for", "staff"]

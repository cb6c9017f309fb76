"""The signed-in panel user fixture `panel_for` lives in tests/conftest.py (shared)."""
